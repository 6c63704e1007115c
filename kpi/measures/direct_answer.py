"""Direct-answer rate (lösningsgrad, the 70 % target), DOMAIN.md and ADR 0004.

Among resolved cases (`resolved_directly` is set when a case is resolved and cleared when it is
reopened) attributed to the local date of their first contact: the share resolved directly,
overall and per department (or service, subject area, channel, ROSA level). Read from the per-case
facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cases.models import CaseFacts
from kpi.measures.common import MeasureFilters, one_decimal, share

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


def resolved_cases(filters: MeasureFilters) -> QuerySet[CaseFacts]:
    qs = filters.on_cases(CaseFacts.objects.filter(resolved_directly__isnull=False))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs.filter(filters.period("opened_at"))


def direct_answer_rate(filters: MeasureFilters) -> DirectAnswerRate:
    row = resolved_cases(filters).aggregate(
        resolved=Count("case_id"), direct=Count("case_id", filter=Q(resolved_directly=True))
    )
    return DirectAnswerRate(resolved=row["resolved"], direct=row["direct"])


def direct_answer_rate_by(filters: MeasureFilters, group: str) -> dict[object, DirectAnswerRate]:
    """The rate per value of `group` (a key of GROUPS); rows without a value are left out."""
    column = GROUPS[group]
    rows = (
        resolved_cases(filters)
        .exclude(**{f"{column}__isnull": True})
        .values(column)
        .annotate(
            resolved=Count("case_id"), direct=Count("case_id", filter=Q(resolved_directly=True))
        )
        .order_by(column)
    )
    return {
        row[column]: DirectAnswerRate(resolved=row["resolved"], direct=row["direct"])
        for row in rows
    }


@dataclass(frozen=True)
class ContactsBeforeAnswer:
    resolved: int
    inbound_contacts: int

    @property
    def mean(self) -> Decimal | None:
        """Inbound contacts per resolved case up to its resolution, one decimal."""
        if not self.resolved:
            return None
        return one_decimal(Decimal(self.inbound_contacts) / Decimal(self.resolved))


def contacts_before_answer(filters: MeasureFilters) -> ContactsBeforeAnswer:
    """How many times citizens had to get in touch before their question was answered: the
    inbound contacts at or before `resolved_at` (`CaseFacts.inbound_before_resolution`), over
    the resolved cases of the period."""
    row = (
        resolved_cases(filters)
        .filter(resolved_at__isnull=False)
        .aggregate(resolved=Count("case_id"), inbound=Sum("inbound_before_resolution"))
    )
    return ContactsBeforeAnswer(resolved=row["resolved"], inbound_contacts=row["inbound"] or 0)
