"""The roles of the product, as Django groups, and the questions asked of them.

A user's role decides what they may do; which cases they may *see* is decided by
`cases.selectors.cases_visible_to`, which uses these helpers.
"""

from django.contrib.auth.models import AnonymousUser, User

AGENT = "kundtjanst"
DEPARTMENT = "forvaltning"
TEAM_LEAD = "arbetsledare"
MANAGER = "chef"
ALL_ROLES = (AGENT, DEPARTMENT, TEAM_LEAD, MANAGER)

UserLike = User | AnonymousUser


def role_names(user: UserLike) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached: set[str] | None = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached  # type: ignore[attr-defined]  # per-request cache
    return cached


def has_role(user: UserLike, *roles: str) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(role_names(user) & set(roles))


def is_contact_centre(user: UserLike) -> bool:
    """Agents and team leads work in the contact centre and may log and answer any case."""
    return has_role(user, AGENT, TEAM_LEAD)


def sees_all_cases(user: UserLike) -> bool:
    return has_role(user, AGENT, TEAM_LEAD, MANAGER)
