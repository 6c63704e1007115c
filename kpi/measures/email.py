"""KKiK e-mail measure (mått: svar på e-post), DOMAIN.md.

Population: cases whose first contact is an inbound e-mail, attributed to the local date the
e-mail was received (`Case.created_at`, the first contact's time).
Reply: the case's earliest outbound contact, on any channel, at or after the receipt.
Both are read from the per-case facts (`CaseFacts.opened_*`, `first_reply_at`, `replied_*`:
local date and clock time, kept with the log), the working days from the calendar table.
Deadline for N working days: d0 = the receipt's local date if it is a working day, else the
next working day; t0 = the receipt's local clock time on a working day, else 00:00; the deadline
is t0 on the N-th working day after d0. Answered within N ⇔ reply ≤ deadline.

In the database, with the calendar table's running working-day index `idx` (a day off carries
the index of the working day before it):
    k0      = idx(receipt date) if it is a working day else idx(receipt date) + 1
    elapsed = idx(reply date) − k0 + (0 if the reply date is a working day and the reply's clock
              time ≤ t0 else 1)
and the reply is within N working days exactly when elapsed ≤ N. Buckets (exclusive):
"1" elapsed ≤ 1; "2" 1 < elapsed ≤ 2; "5" 2 < elapsed ≤ 5; "10" 5 < elapsed ≤ 10;
"unanswered": no reply, or elapsed > 10.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Q, QuerySet, When

from cases.models import CaseFacts, Channel
from kpi.measures.common import MeasureFilters, share
from kundtjanst.workdays import calendar_ensure

BUCKETS = (("1", 0, 1), ("2", 1, 2), ("5", 2, 5), ("10", 5, 10))


@dataclass(frozen=True)
class EmailMeasure:
    received: int
    buckets: dict[str, int]  # "1", "2", "5", "10", "unanswered"

    @property
    def within_1_working_day(self) -> Decimal | None:
        return share(self.buckets["1"], self.received)

    @property
    def within_2_working_days(self) -> Decimal | None:
        return share(self.buckets["1"] + self.buckets["2"], self.received)


def with_elapsed(qs: QuerySet[CaseFacts]) -> QuerySet[CaseFacts]:
    """Facts of e-mail cases annotated with `elapsed` (working days to the reply; None
    unanswered), by joining the calendar on the receipt's and the reply's local dates."""
    qs = qs.annotate(
        received_working=F("opened_day__is_working_day"),
        received_index=F("opened_day__working_day_index"),
        reply_working=F("replied_day__is_working_day"),
        reply_index=F("replied_day__working_day_index"),
    )
    day_zero = SqlCase(
        When(received_working=True, then=F("received_index")),
        default=F("received_index") + 1,
        output_field=IntegerField(),
    )
    by_t0 = Q(reply_working=True) & (
        Q(received_working=True, replied_time__lte=F("opened_time"))
        | Q(received_working=False, replied_time__lte=dt.time(0, 0))
    )
    late = SqlCase(When(by_t0, then=0), default=1, output_field=IntegerField())
    return qs.annotate(elapsed=F("reply_index") - day_zero + late)


def email_cases(filters: MeasureFilters) -> QuerySet[CaseFacts]:
    """The measure's population (facts of cases) with `elapsed`."""
    calendar_ensure(until=filters.date_to + dt.timedelta(days=60))
    qs = filters.on_cases(CaseFacts.objects.filter(channel=Channel.EMAIL))
    return with_elapsed(qs.filter(filters.period("opened_at")))


def bucket_of(elapsed: int | None) -> str:
    """The bucket of a reply `elapsed` working days after the receipt."""
    return next(
        (name for name, _low, high in BUCKETS if elapsed is not None and elapsed <= high),
        "unanswered",
    )


def email_from_elapsed(per_elapsed: Iterable[tuple[int | None, int]]) -> EmailMeasure:
    """The measure from (elapsed, cases) counts."""
    buckets = {name: 0 for name, _low, _high in BUCKETS} | {"unanswered": 0}
    received = 0
    for elapsed, n in per_elapsed:
        received += n
        buckets[bucket_of(elapsed)] += n
    return EmailMeasure(received=received, buckets=buckets)


def email_measure(filters: MeasureFilters) -> EmailMeasure:
    """Counted in the database grouped by `elapsed` (computed once per case; a few dozen distinct
    values), then summed into the buckets."""
    per_elapsed = (
        email_cases(filters)
        .order_by()
        .values("elapsed")  # type: ignore[misc]  # an annotation django-stubs cannot see
        .annotate(n=Count("case_id"))
        .values_list("elapsed", "n")
    )
    return email_from_elapsed(per_elapsed)
