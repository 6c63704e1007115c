"""The cases behind a figure: the dashboard links every figure to the list it was computed from,
using the same querysets as the measures."""

from django.db.models import QuerySet

from cases.models import Case
from kpi.measures.common import MeasureFilters
from kpi.measures.direct_answer import resolved_cases
from kpi.measures.email import email_cases
from kpi.measures.phone import answered_in_time_q, direct_answer_calls, offered_calls
from kpi.measures.survey import rated_contacts


def cases_behind(measure: str, part: str, filters: MeasureFilters) -> QuerySet[Case]:
    """The cases a figure was computed from (optionally one part of it)."""
    if measure == "email":
        qs = email_cases(filters)
        limits = {"1": (None, 1), "2": (1, 2), "5": (2, 5), "10": (5, 10)}
        if part in limits:
            low, high = limits[part]
            qs = qs.filter(elapsed__lte=high)  # type: ignore[misc]
            if low is not None:
                qs = qs.filter(elapsed__gt=low)  # type: ignore[misc]
        elif part == "unanswered":
            qs = qs.exclude(elapsed__lte=10)  # type: ignore[misc]
        return Case.objects.filter(pk__in=qs.values("case_id"))
    if measure == "phone":
        if part == "direct":
            return Case.objects.filter(pk__in=direct_answer_calls(filters).values("case_id"))
        calls = offered_calls(filters)
        if part == "late":
            calls = calls.exclude(answered_in_time_q())
        return Case.objects.filter(pk__in=calls.values("case_id"))
    if measure == "courtesy":
        contacts = rated_contacts(filters)
        return Case.objects.filter(pk__in=contacts.values("contact__case_id"))
    qs = resolved_cases(filters)
    if part in ("yes", "no"):
        qs = qs.filter(resolved_directly=part == "yes")
    return Case.objects.filter(pk__in=qs.values("case_id"))
