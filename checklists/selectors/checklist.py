"""Reads for agreements and checklists: who sees which, the search, usage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import Service
from cases.permissions import user_department_id
from checklists import learning
from checklists.models import (
    Agreement,
    AgreementLine,
    Approval,
    Checklist,
    ChecklistUse,
    ChecklistVersion,
    VersionStatus,
)
from checklists.search import SearchHit, get_backend
from kundtjanst import roles
from kundtjanst.roles import UserLike

__all__ = [
    "ChecklistOverview",
    "Usage",
    "agreement_line_in_force",
    "agreements_for_department",
    "checklist_overview",
    "checklist_search",
    "checklist_usage",
    "checklist_version_for_management",
    "checklist_version_history",
    "checklists_visible_for_management",
    "public_faq",
    "published_versions",
]

# Text results asked of the backend beyond the page, so a learned boost can lift one onto it.
LEARNED_EXTRA = 10


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
    """Published checklists for what the agent (or a citizen) typed, best first: the backend's
    text match, then what agents chose for the same words before (`checklists.learning`)."""
    hits = get_backend().search(text, limit=limit + LEARNED_EXTRA, public_only=public_only)
    # Only the most chosen can reach the page: a common word was chosen for many checklists.
    learned = learning.learned_for(text, limit=limit + 1)
    published = ChecklistVersion.objects.filter(
        status=VersionStatus.PUBLISHED, checklist_id__in=list(learned)
    )
    if public_only:
        published = published.filter(public=True)
    version_of = dict(published.values_list("checklist_id", "pk"))
    top = max((hit.score for hit in hits), default=0.0)
    scored: dict[int, SearchHit] = {hit.version_id: hit for hit in hits}
    for checklist_id, found in learned.items():
        version_id = version_of.get(checklist_id)
        if version_id is None:
            continue
        hit = scored.get(version_id) or SearchHit(version_id, 0.0, ())
        reason = _("tidigare vald för: %(words)s") % {"words": ", ".join(found.words)}
        scored[version_id] = SearchHit(
            version_id,
            round(hit.score + learning.boost(found.evidence, top), 4),
            (*hit.matched, reason),
        )
    ranked = sorted(scored.values(), key=lambda hit: (-hit.score, hit.version_id))[:limit]
    versions = published_versions().in_bulk([hit.version_id for hit in ranked])
    return [(versions[hit.version_id], hit) for hit in ranked if hit.version_id in versions]


@dataclass(frozen=True)
class Usage:
    uses: int
    direct_rate: float | None  # None until one of the cases is resolved


def checklist_usage(version_ids: list[int]) -> dict[int, Usage]:
    """How often each checklist (any of its versions) was used, and the direct-answer rate of
    those cases, keyed by checklist id."""
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
        row["version__checklist_id"]: Usage(
            uses=row["uses"],
            direct_rate=row["direct"] / row["resolved"] if row["resolved"] else None,
        )
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


# The department's checklist pages (views_manage): who may open which checklist, and the index.


def checklists_visible_for_management(user: UserLike) -> QuerySet[Checklist]:
    """The checklists a user may open on the department's checklist pages.

    Department staff see their own department's; team leads, agents (who approve as the
    responsible agent) and managers see every department's. Who may *change* one is the
    services' rule; this only decides what is shown, and "not yours" looks like "not there".
    """
    checklists = Checklist.objects.select_related("department", "service")
    if roles.has_role(user, roles.TEAM_LEAD, roles.AGENT, roles.MANAGER):
        return checklists
    department_id = user_department_id(user)
    if roles.has_role(user, roles.DEPARTMENT) and department_id is not None:
        return checklists.filter(department_id=department_id)
    return checklists.none()


@dataclass(frozen=True)
class ChecklistOverview:
    """One row of the checklist index: the newest version, the live one, review and usage."""

    checklist: Checklist
    latest: ChecklistVersion
    published: ChecklistVersion | None
    review_by: dt.date | None
    overdue: bool
    uses: int
    direct_rate: float | None  # None while it has not been used


def _versions_with_approval_count() -> QuerySet[ChecklistVersion]:
    return ChecklistVersion.objects.annotate(approval_count=Count("approvals")).order_by("-number")


def checklist_overview(
    checklists: QuerySet[Checklist], *, today: dt.date
) -> list[ChecklistOverview]:
    """Index rows, overdue reviews first (oldest date first), then by department, service, title.

    The review date that counts is the published version's (the one agents follow), or the
    newest version's while nothing is published. Three queries, whatever the number of rows.
    """
    rows = list(
        checklists.select_related("department", "service").prefetch_related(
            Prefetch("versions", queryset=_versions_with_approval_count(), to_attr="version_list")
        )
    )
    with_versions = [c for c in rows if c.version_list]
    usage = checklist_usage([c.version_list[0].pk for c in with_versions])
    overview = []
    for checklist in with_versions:
        versions: list[ChecklistVersion] = checklist.version_list
        latest = versions[0]
        published = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
        effective = published or latest
        review_by = effective.review_by
        used = usage.get(checklist.pk, Usage(uses=0, direct_rate=None))
        uses = used.uses
        overview.append(
            ChecklistOverview(
                checklist=checklist,
                latest=latest,
                published=published if published != latest else None,
                review_by=review_by,
                overdue=(
                    review_by is not None
                    and review_by < today
                    and effective.status != VersionStatus.ARCHIVED
                ),
                uses=uses,
                direct_rate=used.direct_rate,
            )
        )
    overview.sort(
        key=lambda row: (
            not row.overdue,
            row.review_by if row.overdue else dt.date.min,
            row.checklist.department.name,
            row.checklist.service.name,
            row.latest.title.casefold(),
        )
    )
    return overview


def checklist_version_for_management(user: UserLike, version_id: int) -> ChecklistVersion:
    """One version with its approvals (and who gave them); DoesNotExist when not the user's."""
    visible = checklists_visible_for_management(user).values("pk")
    return (
        ChecklistVersion.objects.select_related(
            "checklist__department", "checklist__service", "created_by"
        )
        .prefetch_related(Prefetch("approvals", queryset=Approval.objects.select_related("by")))
        .get(pk=version_id, checklist__in=visible)
    )


def checklist_version_history(checklist: Checklist) -> list[ChecklistVersion]:
    """Every version of the checklist, newest first, with its number of approvals."""
    return list(_versions_with_approval_count().filter(checklist=checklist))
