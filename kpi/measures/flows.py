"""Flow statistics (flödesstatistik, DOMAIN.md): the volume managers set opening hours, staffing
and each department's share of the cost by. Inbound contacts are attributed to the local date
and hour they arrived.

- by hour of week: inbound contacts per ISO weekday (1 = Monday) and local hour, with the hours
  outside the contact centre's opening hours (`settings.KPI_OPENING_HOURS`) flagged;
- by channel, department, service, subject area, ROSA level (of the case);
- repeat contacts: among cases whose first contact is in the period, the share with more than
  one inbound contact (demand the first answer did not settle);
- trend: per month (or ISO week), cases opened and the direct-answer rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncMonth, TruncWeek

from cases.models import Case, Channel, Contact, Direction, RosaLevel
from kpi.measures.common import MeasureFilters, local_zone, share

GROUPS = {
    "channel": ("channel", None),
    "department": ("case__department__code", "case__department__name"),
    "service": ("case__service__code", "case__service__name"),
    "subject_area": ("case__subject_area__code", "case__subject_area__name"),
    "rosa_level": ("case__rosa_level", None),
}


def inbound_contacts(filters: MeasureFilters) -> QuerySet[Contact]:
    qs = filters.on_cases(Contact.objects.filter(direction=Direction.IN), prefix="case__")
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.filter(filters.period("occurred_at"))


def is_open(weekday: int, hour: int) -> bool:
    """Whether the contact centre is open at `hour` on ISO `weekday` (settings)."""
    hours = settings.KPI_OPENING_HOURS.get(weekday)
    return hours is not None and hours[0] <= hour < hours[1]


@dataclass(frozen=True)
class HourOfWeek:
    counts: list[list[int]]  # [weekday 0..6][hour 0..23]
    total: int
    outside_opening_hours: int

    @property
    def outside_share(self) -> Decimal | None:
        return share(self.outside_opening_hours, self.total)


def contacts_by_hour_of_week(filters: MeasureFilters) -> HourOfWeek:
    zone = local_zone()
    rows = (
        inbound_contacts(filters)
        .annotate(
            weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
            hour=ExtractHour("occurred_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = [[0] * 24 for _ in range(7)]
    outside = total = 0
    for row in rows:
        counts[row["weekday"] - 1][row["hour"]] = row["n"]
        total += row["n"]
        if not is_open(row["weekday"], row["hour"]):
            outside += row["n"]
    return HourOfWeek(counts=counts, total=total, outside_opening_hours=outside)


@dataclass(frozen=True)
class FlowRow:
    key: str
    label: str
    contacts: int


def contacts_by(filters: MeasureFilters, group: str) -> list[FlowRow]:
    """Inbound contacts per value of `group` (a key of GROUPS), largest first."""
    key, name = GROUPS[group]
    columns = [key] + ([name] if name else [])
    rows = inbound_contacts(filters).values(*columns).annotate(n=Count("pk")).order_by("-n", key)
    labels: dict[object, object] = {}
    if group == "channel":
        labels = dict(Channel.choices)
    elif group == "rosa_level":
        labels = dict(RosaLevel.choices)
    result = []
    for row in rows:
        value = row[key]
        label = row[name] if name else labels.get(value, "")
        result.append(
            FlowRow(
                key="" if value is None else str(value),
                label=str(label or ("–" if value is None else value)),
                contacts=row["n"],
            )
        )
    return result


@dataclass(frozen=True)
class RepeatContacts:
    cases: int
    repeated: int

    @property
    def share(self) -> Decimal | None:
        return share(self.repeated, self.cases)


def repeat_contacts(filters: MeasureFilters) -> RepeatContacts:
    qs = filters.on_cases(Case.objects.all())
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    qs = qs.filter(filters.period("created_at"))
    row = qs.annotate(
        inbound=Count("contacts", filter=Q(contacts__direction=Direction.IN))
    ).aggregate(cases=Count("pk"), repeated=Count("pk", filter=Q(inbound__gt=1)))
    return RepeatContacts(cases=row["cases"], repeated=row["repeated"])


@dataclass(frozen=True)
class TrendPoint:
    start: object  # date of the month's / week's first day
    cases: int
    resolved: int
    direct: int

    @property
    def direct_rate(self) -> Decimal | None:
        return share(self.direct, self.resolved)


def trend(filters: MeasureFilters, unit: str = "month") -> list[TrendPoint]:
    zone = local_zone()
    truncate = TruncMonth if unit == "month" else TruncWeek
    qs = filters.on_cases(Case.objects.all())
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    rows = (
        qs.filter(filters.period("created_at"))
        .annotate(period=truncate("created_at", tzinfo=zone))
        .values("period")
        .annotate(
            cases=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_directly__isnull=False)),
            direct=Count("pk", filter=Q(resolved_directly=True)),
        )
        .order_by("period")
    )
    return [
        TrendPoint(
            start=row["period"].date() if hasattr(row["period"], "date") else row["period"],
            cases=row["cases"],
            resolved=row["resolved"],
            direct=row["direct"],
        )
        for row in rows
    ]
