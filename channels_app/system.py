"""The user the citizen channels act as when they log a case or a contact (the mailbox, the web
form): an agent-role account that cannot log in, so the history says which channel did it."""

from django.contrib.auth.models import Group, User

from kundtjanst import roles

CHANNEL_USERNAME = "kanaler"


def channel_user() -> User:
    user, created = User.objects.get_or_create(
        username=CHANNEL_USERNAME,
        defaults={"first_name": "Kundtjänstens", "last_name": "kanaler", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=roles.AGENT)[0])
    return user
