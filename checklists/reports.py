"""Follow-up reads for departments, team leads and managers: agreements in force and what
expires, cases resolved above today's agreement, the feedback queue and knowledge gaps."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, QuerySet, Subquery

from cases.models import Case, CaseStatus, Department
from checklists.models import Agreement, AgreementLine, ChecklistUse, Feedback, SearchRecord

EXPIRY_WARNING_DAYS = 30


def agreements_overview(
    *, today: dt.date, department: Department | None = None
) -> QuerySet[Agreement]:
    """Agreements in force or starting later, with their lines, department by department."""
    agreements = Agreement.objects.filter(valid_to__gte=today).select_related("department")
    if department is not None:
        agreements = agreements.filter(department=department)
    return agreements.prefetch_related("lines__service").order_by("department__name", "valid_from")


def agreements_expiring(*, today: dt.date) -> QuerySet[Agreement]:
    """In force today and ending within 30 days, with no later agreement taking over."""
    successor = Agreement.objects.filter(
        department=OuterRef("department"), valid_from__gt=OuterRef("valid_to")
    )
    return (
        Agreement.objects.filter(
            valid_from__lte=today,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
        .exclude(Exists(successor))
        .select_related("department")
    )


def cases_resolved_above_agreement(
    *, today: dt.date, department: Department | None = None
) -> QuerySet[Case]:
    """Cases the contact centre resolved deeper than today's agreement allows (e.g. imported
    from an old system, or resolved before the agreement was tightened)."""
    max_rosa_today = AgreementLine.objects.filter(
        service=OuterRef("service"),
        handled=True,
        agreement__valid_from__lte=today,
        agreement__valid_to__gte=today,
    ).order_by("-agreement__valid_from")
    cases = (
        Case.objects.filter(
            status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED], ever_escalated=False
        )
        .annotate(
            max_rosa_today=Subquery(
                max_rosa_today.values("max_rosa")[:1], output_field=IntegerField()
            )
        )
        .filter(max_rosa_today__isnull=False, rosa_level__gt=F("max_rosa_today"))
        .select_related("service", "department")
        .order_by("-resolved_at")
    )
    if department is not None:
        cases = cases.filter(department=department)
    return cases


@dataclass(frozen=True)
class KnowledgeGap:
    text: str
    count: int
    last_case: str


def knowledge_gaps(*, department: Department | None = None, limit: int = 50) -> list[KnowledgeGap]:
    """What agents searched for on cases where they used no checklist, most frequent first."""
    searches = SearchRecord.objects.exclude(
        Exists(ChecklistUse.objects.filter(case=OuterRef("case")))
    )
    if department is not None:
        searches = searches.filter(case__department=department)
    rows = (
        searches.values("text")
        .annotate(n=Count("id"), last_case=Max("case__reference"))
        .order_by("-n", "text")[:limit]
    )
    return [KnowledgeGap(row["text"], row["n"], row["last_case"]) for row in rows]


def feedback_queue(*, department: Department | None = None) -> QuerySet[Feedback]:
    """Open feedback on checklists, oldest first."""
    queue = Feedback.objects.filter(resolved_at__isnull=True).select_related(
        "version__checklist__department", "by", "case"
    )
    if department is not None:
        queue = queue.filter(version__checklist__department=department)
    return queue.order_by("at")


def agreement_changes(*, department: Department | None = None, limit: int = 30) -> list[object]:
    """The newest changes to agreement lines (who changed which service's level, and when)."""
    records = AgreementLine.history.select_related("history_user", "service").order_by(
        "-history_date"
    )
    if department is not None:
        records = records.filter(agreement__department=department)
    return list(records[:limit])
