"""Flow statistics (flödesstatistik, DOMAIN.md): the volume managers set opening hours, staffing
and each department's share of the cost by. Inbound contacts are attributed to the local date
and hour they arrived.

- by hour of week: inbound contacts per ISO weekday (1 = Monday) and local hour, with the hours
  outside the contact centre's opening hours (`settings.KPI_OPENING_HOURS`) flagged;
- by channel, department, service, subject area, ROSA level (of the case);
- repeat contacts: among cases whose first contact is in the period, the share with more than
  one inbound contact (demand the first answer did not settle);
- trend: per month (or ISO week), cases opened and the direct-answer rate.

Contacts are counted per UTC hour in the database (no time-zone lookup per row) and the hours
turned into local weekday and hour afterwards — exact for any zone whose offset from UTC is a
whole number of hours, as Europe/Stockholm's is (other zones are counted per local hour in the
database). Case-level flows read the per-case facts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, DateTimeField, Func, Q, QuerySet, Value
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncHour

from cases.models import (
    CaseFacts,
    Channel,
    Contact,
    Department,
    Direction,
    RosaLevel,
    Service,
    SubjectArea,
)
from kpi.measures.common import MeasureFilters, local_zone, share

# Group → (the column on the inbound contact, the model naming its values).
GROUPS: dict[str, tuple[str, type[Department | Service | SubjectArea] | None]] = {
    "channel": ("channel", None),
    "department": ("case__department_id", Department),
    "service": ("case__service_id", Service),
    "subject_area": ("case__subject_area_id", SubjectArea),
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


class UtcHour(Func):
    """The UTC hour an instant falls in: `date_bin` on PostgreSQL (integer arithmetic, no
    time-zone lookup per row), `TruncHour` in UTC elsewhere."""

    output_field = DateTimeField()

    def __init__(self, expression: str) -> None:
        super().__init__(expression, Value(dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="date_bin('1 hour', %(expressions)s)", **extra
        )

    def as_sql(self, compiler: Any, connection: Any, *args: Any, **extra: Any) -> Any:
        return TruncHour(self.source_expressions[0], tzinfo=dt.UTC).as_sql(compiler, connection)


def _whole_hour_offsets(start: dt.date, end: dt.date) -> bool:
    """Whether the local zone's offset is a whole number of hours throughout [start, end]."""
    zone = local_zone()
    day = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    while day.date() <= end:
        offset = day.utcoffset()
        if offset is None or offset.total_seconds() % 3600:
            return False
        day += dt.timedelta(days=28)
    return True


def contacts_by_hour_of_week(filters: MeasureFilters) -> HourOfWeek:
    zone = local_zone()
    counts = [[0] * 24 for _ in range(7)]
    contacts = inbound_contacts(filters)
    if _whole_hour_offsets(filters.date_from, filters.date_to + dt.timedelta(days=1)):
        per_hour = (
            contacts.annotate(hour=UtcHour("occurred_at"))
            .values("hour")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("hour", "n")
        )
        cells: Counter[tuple[int, int]] = Counter()
        for hour, n in per_hour:
            local = hour.astimezone(zone)
            cells[local.isoweekday(), local.hour] += n
    else:
        cells = Counter(
            {
                (weekday, hour): n
                for weekday, hour, n in contacts.annotate(
                    weekday=ExtractIsoWeekDay("occurred_at", tzinfo=zone),
                    hour=ExtractHour("occurred_at", tzinfo=zone),
                )
                .values("weekday", "hour")
                .annotate(n=Count("pk"))
                .order_by()
                .values_list("weekday", "hour", "n")
            }
        )
    outside = total = 0
    for (weekday, hour), n in cells.items():
        counts[weekday - 1][hour] = n
        total += n
        if not is_open(weekday, hour):
            outside += n
    return HourOfWeek(counts=counts, total=total, outside_opening_hours=outside)


@dataclass(frozen=True)
class FlowRow:
    key: str
    label: str
    contacts: int


def contacts_by_groups(filters: MeasureFilters, groups: list[str]) -> dict[str, list[FlowRow]]:
    """Inbound contacts per value of each group (keys of GROUPS), largest first — counted in
    one grouped query over all of them, then summed per group; values are named afterwards
    from the (small) organisation tables."""
    columns = [GROUPS[group][0] for group in groups]
    rows = inbound_contacts(filters).values(*columns).annotate(n=Count("pk")).order_by()
    totals: dict[str, Counter[object]] = {group: Counter() for group in groups}
    for row in rows:
        for group, column in zip(groups, columns, strict=True):
            totals[group][row[column]] += row["n"]
    return {group: named_flows(group, totals[group]) for group in groups}


def named_flows(group: str, counted: Counter[object]) -> list[FlowRow]:
    """Counts per value of `group` (ids, channels, levels) as named rows, largest first; the
    names come from the (small) organisation tables."""
    model = GROUPS[group][1]
    names: dict[object, tuple[str, str]] = {}
    if model is not None:
        names = {
            pk: (code, name)
            for pk, code, name in model.objects.filter(pk__in=counted).values_list(
                "pk", "code", "name"
            )
        }
    elif group == "channel":
        names = {value: (value, str(label)) for value, label in Channel.choices}
    else:
        names = {value: (str(value), str(label)) for value, label in RosaLevel.choices}
    flow = [
        FlowRow(key=names[value][0], label=names[value][1] or names[value][0], contacts=n)
        if value in names
        else FlowRow(key="" if value is None else str(value), label="–", contacts=n)
        for value, n in counted.items()
    ]
    return sorted(flow, key=lambda row: (-row.contacts, row.key))


def contacts_by(filters: MeasureFilters, group: str) -> list[FlowRow]:
    """Inbound contacts per value of `group` (a key of GROUPS), largest first."""
    return contacts_by_groups(filters, [group])[group]


@dataclass(frozen=True)
class RepeatContacts:
    cases: int
    repeated: int

    @property
    def share(self) -> Decimal | None:
        return share(self.repeated, self.cases)


def _case_facts(filters: MeasureFilters) -> QuerySet[CaseFacts]:
    qs = filters.on_cases(CaseFacts.objects.all())
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.filter(filters.period("opened_at"))


def repeat_contacts(filters: MeasureFilters) -> RepeatContacts:
    row = _case_facts(filters).aggregate(
        cases=Count("case_id"), repeated=Count("case_id", filter=Q(inbound_contacts__gt=1))
    )
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
    """Counted per local day of the first contact in the database, summed into months (or ISO
    weeks, starting on Monday) here."""
    per_day = (
        _case_facts(filters)
        .values("opened_on")
        .annotate(
            cases=Count("case_id"),
            resolved=Count("case_id", filter=Q(resolved_directly__isnull=False)),
            direct=Count("case_id", filter=Q(resolved_directly=True)),
        )
        .order_by()
        .values_list("opened_on", "cases", "resolved", "direct")
    )
    periods: dict[dt.date, list[int]] = {}
    for day, cases, resolved, direct in per_day:
        start = day.replace(day=1) if unit == "month" else day - dt.timedelta(days=day.weekday())
        totals = periods.setdefault(start, [0, 0, 0])
        totals[0] += cases
        totals[1] += resolved
        totals[2] += direct
    return [
        TrendPoint(start=start, cases=cases, resolved=resolved, direct=direct)
        for start, (cases, resolved, direct) in sorted(periods.items())
    ]
