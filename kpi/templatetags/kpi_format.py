"""How figures read in Swedish: durations in minutes, hours or days, shares as percent."""

import datetime as dt
from decimal import Decimal

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


@register.filter
def decimal_comma(value: object) -> str:
    """79.5 → "79,5" (Swedish decimal comma); None → ""."""
    if value is None or value == "":
        return ""
    return str(value).replace(".", ",")


@register.filter
def signed(value: object) -> str:
    """A change with its sign: +2,5 / −1,0 / ±0,0."""
    if value is None:
        return ""
    number = Decimal(str(value))
    sign = "+" if number > 0 else "−" if number < 0 else "±"
    return sign + decimal_comma(abs(number))
