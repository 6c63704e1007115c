"""Who may read the figures: team leads and managers for any department, department staff for
their own department only."""

from cases.models import Department
from cases.permissions import user_department_id
from kundtjanst import roles
from kundtjanst.errors import NotAllowedError


def may_read_figures(user: roles.UserLike) -> bool:
    return roles.has_role(user, roles.TEAM_LEAD, roles.MANAGER) or (
        roles.has_role(user, roles.DEPARTMENT) and user_department_id(user) is not None
    )


def figures_department(user: roles.UserLike, requested: str = "") -> str:
    """The department code the user's figures are limited to ("" = all)."""
    if roles.has_role(user, roles.TEAM_LEAD, roles.MANAGER):
        return requested
    own = user_department_id(user) if roles.has_role(user, roles.DEPARTMENT) else None
    if own is None:
        raise NotAllowedError("not-allowed", "Din roll får inte se måtten.")
    own_code = Department.objects.filter(pk=own).values_list("code", flat=True).get()
    if requested and requested != own_code:
        raise NotAllowedError("not-allowed", "Du kan bara se din egen förvaltnings siffror.")
    return own_code
