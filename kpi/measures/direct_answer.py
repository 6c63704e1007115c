"""Direct-answer rate (lösningsgrad, the 70 % target), DOMAIN.md and ADR 0004.

Among resolved cases (`resolved_directly` is set when a case is resolved and cleared when it is
reopened) attributed to the local date of their first contact: the share resolved directly,
overall and per department (or service, subject area, channel, ROSA level).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from cases.models import Case
from kpi.measures.common import MeasureFilters, share

GROUPS = {
    "department": "department__code",
    "service": "service__code",
    "subject_area": "subject_area__code",
    "channel": "channel",
    "rosa_level": "rosa_level",
}


@dataclass(frozen=True)
class DirectAnswerRate:
    resolved: int
    direct: int

    @property
    def rate(self) -> Decimal | None:
        return share(self.direct, self.resolved)


def resolved_cases(filters: MeasureFilters) -> QuerySet[Case]:
    qs = filters.on_cases(Case.objects.filter(resolved_directly__isnull=False))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.filter(filters.period("created_at"))


def direct_answer_rate(filters: MeasureFilters) -> DirectAnswerRate:
    row = resolved_cases(filters).aggregate(
        resolved=Count("pk"), direct=Count("pk", filter=Q(resolved_directly=True))
    )
    return DirectAnswerRate(resolved=row["resolved"], direct=row["direct"])


def direct_answer_rate_by(filters: MeasureFilters, group: str) -> dict[object, DirectAnswerRate]:
    """The rate per value of `group` (a key of GROUPS); rows without a value are left out."""
    column = GROUPS[group]
    rows = (
        resolved_cases(filters)
        .exclude(**{f"{column}__isnull": True})
        .values(column)
        .annotate(resolved=Count("pk"), direct=Count("pk", filter=Q(resolved_directly=True)))
        .order_by(column)
    )
    return {
        row[column]: DirectAnswerRate(resolved=row["resolved"], direct=row["direct"])
        for row in rows
    }
