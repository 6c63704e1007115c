"""Template helpers shared by every page."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def widget(field: BoundField) -> SafeString:
    """Render a field's widget with its help text and errors tied to it for screen readers."""
    described = []
    attrs: dict[str, str | bool] = {}
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def person(user: object) -> str:
    """A user's full name, else username; "–" when there is nobody (e.g. a deleted user)."""
    if user is None:
        return "–"
    full_name = getattr(user, "get_full_name", lambda: "")()
    return full_name or getattr(user, "username", "") or "–"
