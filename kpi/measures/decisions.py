"""Days from first contact to decision (DOMAIN.md): for escalated cases with a recorded
decision, calendar days from the local date of the citizen's first contact to `decided_on` —
and, where the department records it, from the application date (Kolada U31402 counts
försörjningsstöd from the application at a new visit). Attributed to the decision date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, QuerySet

from cases.models import Escalation
from kpi.measures.common import MeasureFilters, local_date, one_decimal
from kpi.measures.response_times import nearest_rank

LONGEST = 10


@dataclass(frozen=True)
class DecisionDays:
    decided: int
    mean: Decimal | None
    median: int | None
    maximum: int | None
    longest: list[tuple[str, int]]  # (case reference, days)
    from_application: int  # decisions that have an application date
    from_application_mean: Decimal | None


def decided(filters: MeasureFilters) -> QuerySet[Escalation]:
    qs = filters.on_cases(Escalation.objects.filter(decided_on__isnull=False), prefix="case__")
    if filters.channel:
        qs = qs.filter(case__channel=filters.channel)
    return (
        qs.filter(decided_on__gte=filters.date_from, decided_on__lte=filters.date_to)
        .annotate(first_day=local_date("case__created_at"))
        .annotate(
            days=ExpressionWrapper(F("decided_on") - F("first_day"), output_field=DurationField()),
            days_from_application=ExpressionWrapper(
                F("decided_on") - F("application_on"), output_field=DurationField()
            ),
        )
    )


def _days(value: dt.timedelta | None) -> int | None:
    return value.days if value is not None else None


def _mean_days(value: dt.timedelta | None) -> Decimal | None:
    if value is None:
        return None
    return one_decimal(Decimal(value.total_seconds()) / Decimal(86400))


def decision_days(filters: MeasureFilters) -> DecisionDays:
    qs = decided(filters)
    row = qs.aggregate(n=Count("pk"), mean=Avg("days"), maximum=Max("days"))
    with_application = qs.filter(application_on__isnull=False)
    application = with_application.aggregate(n=Count("pk"), mean=Avg("days_from_application"))
    longest = [
        (reference, days.days)
        for reference, days in qs.order_by("-days", "case__reference").values_list(  # type: ignore[misc]
            "case__reference", "days"
        )[:LONGEST]
    ]
    return DecisionDays(
        decided=row["n"],
        mean=_mean_days(row["mean"]),
        median=_days(nearest_rank(qs, "days", row["n"], 50)),  # type: ignore[arg-type]
        maximum=_days(row["maximum"]),
        longest=longest,
        from_application=application["n"],
        from_application_mean=_mean_days(application["mean"]),
    )
