"""Who may write a department's checklists and the thesaurus (the services enforce it; pages use
it for buttons and refusals)."""

from cases.permissions import user_department_id
from kundtjanst import roles
from kundtjanst.errors import NotAllowedError


def can_edit_checklists(user: roles.UserLike, department_id: int) -> bool:
    """Team leads write any department's checklists; department staff their own."""
    if roles.has_role(user, roles.TEAM_LEAD):
        return True
    return roles.has_role(user, roles.DEPARTMENT) and user_department_id(user) == department_id


def require_can_edit_checklists(user: roles.UserLike, department_id: int) -> None:
    if not can_edit_checklists(user, department_id):
        raise NotAllowedError(
            "not-allowed", "Du får inte ändra den här förvaltningens checklistor."
        )


def can_edit_thesaurus(user: roles.UserLike) -> bool:
    """Team leads and managers keep the thesaurus and decide on suggested synonyms."""
    return roles.has_role(user, roles.TEAM_LEAD, roles.MANAGER)


def require_can_edit_thesaurus(user: roles.UserLike) -> None:
    if not can_edit_thesaurus(user):
        raise NotAllowedError("not-allowed", "Synonymordlistan sköts av arbetsledare.")
