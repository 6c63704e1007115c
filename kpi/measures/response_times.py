"""Response times per channel: median and 90th percentile from a case's first contact
(`created_at`) to the first response to the citizen (`first_response_at`: the first outbound
contact, the answered call, the visit), over cases whose first contact is in the period. Read
from the per-case facts (`CaseFacts.response_time`).

Percentiles by nearest rank (the value at rank ⌈p·n⌉ of the sorted times). On PostgreSQL that is
exactly `percentile_disc(p) WITHIN GROUP (ORDER BY …)`, one grouped query for every channel;
elsewhere one count and one OFFSET row per percentile and channel. Either way the query count
does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, QuerySet

from cases.models import CaseFacts, Channel
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


class PercentileDisc(Aggregate):
    """PostgreSQL's nearest-rank percentile of one expression (`fraction` in (0, 1])."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: str, fraction: float, **extra: Any) -> None:
        if not 0 < fraction <= 1:
            raise ValueError("fraction must be in (0, 1]")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def responded_cases(filters: MeasureFilters) -> QuerySet[CaseFacts]:
    qs = filters.on_cases(CaseFacts.objects.filter(response_time__isnull=False))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.filter(filters.period("opened_at"))


def nearest_rank(qs: QuerySet, field: str, count: int, p: float) -> object | None:
    """The value at percentile `p` (0–100) of `field` over `qs` of `count` rows."""
    if not count:
        return None
    rank = max(1, math.ceil(p / 100 * count))
    return qs.order_by(field).values_list(field, flat=True)[rank - 1]


def response_times(filters: MeasureFilters) -> list[ResponseTime]:
    """One row per channel that had cases in the period, in the order of `Channel`."""
    base = responded_cases(filters)
    grouped = base.values("channel").order_by()
    if connection.vendor == "postgresql":
        found = {
            row["channel"]: (row["n"], row["median"], row["p90"])
            for row in grouped.annotate(
                n=Count("case_id"),
                median=PercentileDisc("response_time", 0.5, output_field=DurationField()),
                p90=PercentileDisc("response_time", 0.9, output_field=DurationField()),
            )
        }
    else:
        found = {}
        for channel, n in grouped.annotate(n=Count("case_id")).values_list("channel", "n"):
            of_channel = base.filter(channel=channel)
            found[channel] = (
                n,
                nearest_rank(of_channel, "response_time", n, 50),
                nearest_rank(of_channel, "response_time", n, 90),
            )
    return [
        ResponseTime(channel=channel, responded=n, median=median, p90=p90)
        for channel in Channel.values
        if channel in found
        for n, median, p90 in [found[channel]]
    ]
