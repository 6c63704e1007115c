"""KKiK phone measure (mått: direkt svar i telefon), DOMAIN.md.

Population: inbound calls offered in the period (local date of `Contact.occurred_at`, the offer
time); abandoned calls (no `answered_at`) stay in it.
- answered within 60 s: `answered_at − occurred_at ≤ 60 s` (menu/IVR time before a person
  answers counts as waiting);
- direct answer: answered within 60 s, the call is its case's first inbound contact, and the case
  was resolved directly (ADR 0004).

Offered and answered calls are counted on the contacts (a partial index holds the inbound calls);
the direct answers on the per-case facts, which keep each case's first inbound contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet

from cases.models import CaseFacts, Channel, Contact, Direction
from kpi.measures.common import MeasureFilters, share

ANSWER_LIMIT = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class PhoneMeasure:
    offered: int
    answered_within_60s_count: int
    direct_answer_count: int

    @property
    def answered_within_60s(self) -> Decimal | None:
        return share(self.answered_within_60s_count, self.offered)

    @property
    def direct_answer(self) -> Decimal | None:
        return share(self.direct_answer_count, self.offered)


def offered_calls(filters: MeasureFilters) -> QuerySet[Contact]:
    calls = Contact.objects.filter(channel=Channel.PHONE, direction=Direction.IN)
    calls = filters.on_cases(calls, prefix="case__")
    return calls.filter(filters.period("occurred_at")).annotate(
        wait=ExpressionWrapper(F("answered_at") - F("occurred_at"), output_field=DurationField())
    )


def answered_in_time_q() -> Q:
    return Q(answered_at__isnull=False, wait__lte=ANSWER_LIMIT)


def direct_answer_calls(filters: MeasureFilters) -> QuerySet[CaseFacts]:
    """Facts of the cases whose first inbound contact is a call of the period answered within
    60 s, resolved directly."""
    qs = filters.on_cases(CaseFacts.objects.filter(first_inbound_channel=Channel.PHONE))
    return qs.filter(
        filters.period("first_inbound_at"),
        first_inbound_wait__lte=ANSWER_LIMIT,
        resolved_directly=True,
    )


def phone_measure(filters: MeasureFilters) -> PhoneMeasure:
    row = offered_calls(filters).aggregate(
        offered=Count("pk"), in_time=Count("pk", filter=answered_in_time_q())
    )
    return PhoneMeasure(
        offered=row["offered"],
        answered_within_60s_count=row["in_time"],
        direct_answer_count=direct_answer_calls(filters).count(),
    )
