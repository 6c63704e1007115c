"""Reads for agreements and checklists."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from cases.models import Service
from checklists.models import (
    Agreement,
    AgreementLine,
    ChecklistUse,
    ChecklistVersion,
    VersionStatus,
)
from checklists.search import SearchHit, get_backend


def agreement_line_in_force(service: Service, on: dt.date) -> AgreementLine | None:
    """The line of the department's agreement in force on `on` that covers `service`."""
    return (
        AgreementLine.objects.filter(
            service=service,
            agreement__department_id=service.department_id,
            agreement__valid_from__lte=on,
            agreement__valid_to__gte=on,
        )
        .order_by("-agreement__valid_from", "-agreement__revised_on", "-agreement_id")
        .first()
    )


def agreements_for_department(department_id: int) -> QuerySet[Agreement]:
    return Agreement.objects.filter(department_id=department_id).prefetch_related("lines__service")


def published_versions() -> QuerySet[ChecklistVersion]:
    return ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "checklist__service", "checklist__department", "checklist__service__subject_area"
    )


def checklist_search(
    text: str, *, limit: int = 10, public_only: bool = False
) -> list[tuple[ChecklistVersion, SearchHit]]:
    """Published checklists for what the agent (or a citizen) typed, best first."""
    hits = get_backend().search(text, limit=limit, public_only=public_only)
    versions = published_versions().in_bulk([hit.version_id for hit in hits])
    return [(versions[hit.version_id], hit) for hit in hits if hit.version_id in versions]


def checklist_usage(version_ids: list[int]) -> dict[int, dict[str, float]]:
    """How often each checklist was used and the direct-answer rate of those cases."""
    rows = (
        ChecklistUse.objects.filter(version__checklist__versions__in=version_ids)
        .values("version__checklist_id")
        .annotate(
            uses=Count("id", distinct=True),
            direct=Count("id", filter=Q(case__resolved_directly=True), distinct=True),
            resolved=Count("id", filter=Q(case__resolved_directly__isnull=False), distinct=True),
        )
    )
    return {
        row["version__checklist_id"]: {
            "uses": row["uses"],
            "direct_rate": row["direct"] / row["resolved"] if row["resolved"] else 0.0,
        }
        for row in rows
    }


def public_faq() -> dict[str, list[ChecklistVersion]]:
    """Public published checklists grouped by KKiK subject area (others last), by title."""
    groups: dict[str, list[ChecklistVersion]] = {}
    versions = published_versions().filter(public=True).order_by("title")
    for version in versions:
        area = version.checklist.service.subject_area
        groups.setdefault(area.name if area else "", []).append(version)
    return dict(sorted(groups.items(), key=lambda item: (item[0] == "", item[0])))
