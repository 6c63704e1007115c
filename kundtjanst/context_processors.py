from django.http import HttpRequest

from kundtjanst import roles as role_rules


def roles(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "is_contact_centre": role_rules.is_contact_centre(user),
        "user_roles": sorted(role_rules.role_names(user)),
    }
