"""How figures read in Swedish: durations in minutes, hours or days, shares as percent."""

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


@register.filter
def elapsed(value: dt.timedelta | None) -> str:
    if value is None:
        return "–"
    minutes = value.total_seconds() / 60
    if minutes < 90:
        return _("%(n)s min") % {"n": round(minutes)}
    hours = minutes / 60
    if hours < 48:
        return _("%(n)s h") % {"n": _decimal(hours)}
    return _("%(n)s dygn") % {"n": _decimal(hours / 24)}


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{_decimal(value * 100)} %"
