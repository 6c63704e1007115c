from django.conf import settings
from django.http import HttpRequest

from kundtjanst import roles as role_rules


def roles(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "is_contact_centre": role_rules.is_contact_centre(user),
        "user_roles": sorted(role_rules.role_names(user)),
    }


def contact_centre() -> dict[str, str]:
    """The contact centre's details the public pages show (and `public_base.html`'s title).
    Passed as `contact` by the public views, not added to every page."""
    return {
        "name": settings.MUNICIPALITY_NAME,
        "phone": settings.CONTACT_CENTRE_PHONE,
        "email": settings.CONTACT_CENTRE_EMAIL,
        "hours": settings.CONTACT_CENTRE_HOURS,
        "visit": settings.CONTACT_CENTRE_VISIT,
    }
