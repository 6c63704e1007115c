"""Who may change a case. Which cases a user may *see* is `cases.selectors.cases_visible_to`."""

from cases.models import Case, Escalation
from kundtjanst import roles
from kundtjanst.errors import NotAllowedError


def user_department_id(user: roles.UserLike) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile is not None else None


def can_log_cases(user: roles.UserLike) -> bool:
    return roles.is_contact_centre(user) or roles.has_role(user, roles.DEPARTMENT)


def can_work_on(user: roles.UserLike, case: Case) -> bool:
    if roles.is_contact_centre(user):
        return True
    if roles.has_role(user, roles.DEPARTMENT):
        dept = user_department_id(user)
        return dept is not None and dept == case.department_id
    return False


def require_can_log_cases(user: roles.UserLike) -> None:
    if not can_log_cases(user):
        raise NotAllowedError("not-allowed", "Din roll får inte registrera ärenden.")


def require_can_work_on(user: roles.UserLike, case: Case) -> None:
    if not can_work_on(user, case):
        raise NotAllowedError("not-allowed", "Din roll får inte ändra det här ärendet.")


def can_handle_escalation(user: roles.UserLike, escalation: Escalation) -> bool:
    """The receiving department's staff act on an escalation (accept, answer, decide, close)."""
    if getattr(user, "is_superuser", False):
        return True
    return (
        roles.has_role(user, roles.DEPARTMENT)
        and user_department_id(user) == escalation.department_id
    )


def require_can_handle_escalation(user: roles.UserLike, escalation: Escalation) -> None:
    if not can_handle_escalation(user, escalation):
        raise NotAllowedError(
            "not-allowed", "Bara den mottagande förvaltningens personal kan hantera överlämningen."
        )
