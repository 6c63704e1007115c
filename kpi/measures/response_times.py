"""Response times per channel: median and 90th percentile from a case's first contact
(`created_at`) to the first response to the citizen (`first_response_at`: the first outbound
contact, the answered call, the visit), over cases whose first contact is in the period.

Percentiles by nearest rank, read from the database in sorted order (one count and one
OFFSET row per percentile and channel): the same on SQLite and PostgreSQL, with a query count
that does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, QuerySet

from cases.models import Case, Channel
from kpi.measures.common import MeasureFilters


@dataclass(frozen=True)
class ResponseTime:
    channel: str
    responded: int
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)


def responded_cases(filters: MeasureFilters) -> QuerySet[Case]:
    qs = filters.on_cases(Case.objects.filter(first_response_at__isnull=False))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.filter(filters.period("created_at")).annotate(
        waited=ExpressionWrapper(
            F("first_response_at") - F("created_at"), output_field=DurationField()
        )
    )


def nearest_rank(qs: QuerySet, field: str, count: int, p: float) -> object | None:
    """The value at percentile `p` (0–100) of `field` over `qs` of `count` rows."""
    if not count:
        return None
    rank = max(1, math.ceil(p / 100 * count))
    return qs.order_by(field).values_list(field, flat=True)[rank - 1]


def response_times(filters: MeasureFilters) -> list[ResponseTime]:
    """One row per channel that had cases in the period, in the order of `Channel`."""
    base = responded_cases(filters)
    counts = dict(base.values_list("channel").annotate(n=Count("pk")).order_by())
    rows = []
    for channel in Channel.values:
        n = counts.get(channel, 0)
        if not n:
            continue
        of_channel = base.filter(channel=channel)
        rows.append(
            ResponseTime(
                channel=channel,
                responded=n,
                median=nearest_rank(of_channel, "waited", n, 50),  # type: ignore[arg-type]
                p90=nearest_rank(of_channel, "waited", n, 90),  # type: ignore[arg-type]
            )
        )
    return rows
