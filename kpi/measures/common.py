"""What every measure shares: the filters, local dates and exact rounding.

Every measure attributes a row to the Europe/Stockholm local date of its defining instant and
counts in the database; only the final division and rounding happen in Python, on integers, so
the figures are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_date(field: str) -> TruncDate:
    """The Europe/Stockholm date of an instant, computed in the database."""
    return TruncDate(field, tzinfo=local_zone())


def in_period(field: str, date_from: dt.date, date_to: dt.date) -> Q:
    """Instants whose Europe/Stockholm local date lies in [date_from, date_to] — as a range on
    the stored UTC instant, so the database uses its index instead of converting every row."""
    zone = local_zone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


@dataclass(frozen=True)
class MeasureFilters:
    """The period (inclusive local dates) and the optional slices every measure accepts.

    `department`, `service`, `subject_area` are codes; `channel` is a Channel value.
    """

    date_from: dt.date
    date_to: dt.date
    department: str = ""
    service: str = ""
    subject_area: str = ""
    channel: str = ""

    def period(self, field: str) -> Q:
        return in_period(field, self.date_from, self.date_to)

    def on_cases(self, qs: QuerySet, prefix: str = "") -> QuerySet:
        """Apply the slices to a queryset of cases (or, with `prefix="case__"`, of rows that
        belong to a case)."""
        if self.department:
            qs = qs.filter(**{f"{prefix}department__code": self.department})
        if self.service:
            qs = qs.filter(**{f"{prefix}service__code": self.service})
        if self.subject_area:
            qs = qs.filter(**{f"{prefix}subject_area__code": self.subject_area})
        return qs


def share(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator as a percentage with one decimal, half away from zero; None for
    an empty denominator."""
    if not denominator:
        return None
    return (Decimal(numerator * 100) / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
