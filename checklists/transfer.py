"""Import and export of checklists as JSON, so municipalities can load and share their scripts.

Format (`kundtjanst-checklists/1`): {"format": ..., "checklists": [entry, ...]} where an entry has
department, service (codes), title, questions, keywords, steps, collect, links ({title, url}),
rosa_level, escalation_target, public, status, review_by (ISO date or null). Export writes the
current version of each checklist (the published one, else the newest); import is all or
nothing and names the entry of every problem it finds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Department, Service
from checklists.models import Checklist, ChecklistVersion, VersionStatus
from checklists.search import get_backend
from checklists.services import ChecklistContent, checklist_content_clean
from kundtjanst.errors import DomainError

FORMAT = "kundtjanst-checklists/1"
FIELDS = (
    "department",
    "service",
    "title",
    "questions",
    "keywords",
    "steps",
    "collect",
    "links",
    "rosa_level",
    "escalation_target",
    "public",
    "status",
    "review_by",
)
LIST_FIELDS = ("questions", "keywords", "steps", "collect")


def checklists_export(*, department: Department | None = None) -> dict[str, Any]:
    versions = ChecklistVersion.objects.select_related(
        "checklist__department", "checklist__service"
    ).order_by("checklist_id", "-number")
    if department is not None:
        versions = versions.filter(checklist__department=department)
    current: dict[int, ChecklistVersion] = {}
    for version in versions:
        chosen = current.get(version.checklist_id)
        if chosen is None or (
            version.status == VersionStatus.PUBLISHED and chosen.status != VersionStatus.PUBLISHED
        ):
            current[version.checklist_id] = version
    return {
        "format": FORMAT,
        "checklists": [_entry(v) for v in sorted(current.values(), key=lambda v: v.checklist_id)],
    }


def _entry(version: ChecklistVersion) -> dict[str, Any]:
    return {
        "department": version.checklist.department.code,
        "service": version.checklist.service.code,
        "title": version.title,
        "questions": list(version.questions),
        "keywords": list(version.keywords),
        "steps": list(version.steps),
        "collect": list(version.collect),
        "links": [dict(link) for link in version.links],
        "rosa_level": version.rosa_level,
        "escalation_target": version.escalation_target,
        "public": version.public,
        "status": version.status,
        "review_by": version.review_by.isoformat() if version.review_by else None,
    }


def _problem(number: int, entry: Any, message: str) -> str:
    title = entry.get("title") if isinstance(entry, dict) else None
    return f"Checklista {number}" + (f" (”{title}”)" if title else "") + f": {message}"


@transaction.atomic
def checklists_import(*, data: Any) -> list[ChecklistVersion]:
    """Load every entry or none; raises DomainError `import-invalid` listing each problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError("import-format", f"Filen är inte i formatet {FORMAT}.")
    entries = data.get("checklists")
    if not isinstance(entries, list):
        raise DomainError("import-format", "Filen saknar listan ”checklists”.")
    departments = {d.code: d for d in Department.objects.all()}
    services = {s.code: s for s in Service.objects.all()}
    taken = set(ChecklistVersion.objects.values_list("checklist__department__code", "title"))
    problems: list[str] = []
    prepared: list[tuple[Service, ChecklistContent, str]] = []
    for number, entry in enumerate(entries, start=1):
        try:
            prepared.append(_prepare(entry, departments, services, taken))
        except DomainError as error:
            problems.append(_problem(number, entry, error.message))
    if problems:
        raise DomainError("import-invalid", "Inget importerades. " + " ".join(problems))
    now = timezone.now()
    created = []
    for service, content, status in prepared:
        checklist = Checklist.objects.create(department=service.department, service=service)
        version = ChecklistVersion(
            checklist=checklist,
            number=1,
            status=status,
            published_at=now if status == VersionStatus.PUBLISHED else None,
            **content.__dict__,
        )
        version._change_reason = "import"  # type: ignore[attr-defined]
        version.save()
        created.append(version)
    published = [v for v in created if v.status == VersionStatus.PUBLISHED]
    transaction.on_commit(lambda: get_backend().index(published))
    return created


def _prepare(
    entry: Any,
    departments: dict[str, Department],
    services: dict[str, Service],
    taken: set[tuple[str, str]],
) -> tuple[Service, ChecklistContent, str]:
    if not isinstance(entry, dict):
        raise DomainError("import-entry", "ska vara ett objekt.")
    unknown = set(entry) - set(FIELDS)
    if unknown:
        raise DomainError("import-entry", f"okända fält: {', '.join(sorted(unknown))}.")
    department = departments.get(str(entry.get("department")))
    if department is None:
        raise DomainError("import-entry", f"okänd förvaltning ”{entry.get('department')}”.")
    service = services.get(str(entry.get("service")))
    if service is None or service.department_id != department.pk:
        raise DomainError(
            "import-entry", f"okänd tjänst ”{entry.get('service')}” för {department.code}."
        )
    for name in LIST_FIELDS:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DomainError("import-entry", f"”{name}” ska vara en lista med texter.")
    links = entry.get("links", [])
    if not isinstance(links, list) or not all(isinstance(link, dict) for link in links):
        raise DomainError("import-entry", "”links” ska vara en lista med {title, url}.")
    status = entry.get("status", VersionStatus.DRAFT)
    if status not in VersionStatus.values:
        raise DomainError("import-entry", f"okänd status ”{status}”.")
    rosa = entry.get("rosa_level")
    if not isinstance(rosa, int) or isinstance(rosa, bool):
        raise DomainError("import-entry", "”rosa_level” ska vara ett heltal 1–6.")
    review_by = entry.get("review_by")
    try:
        review_date = dt.date.fromisoformat(review_by) if review_by else None
    except (TypeError, ValueError) as exc:
        raise DomainError("import-entry", f"”review_by” är inget datum: {review_by!r}.") from exc
    content = checklist_content_clean(
        ChecklistContent(
            title=str(entry.get("title", "")),
            rosa_level=rosa,
            questions=entry.get("questions", []),
            keywords=entry.get("keywords", []),
            steps=entry.get("steps", []),
            collect=entry.get("collect", []),
            links=links,
            escalation_target=str(entry.get("escalation_target", "")),
            public=bool(entry.get("public", False)),
            review_by=review_date,
        )
    )
    key = (department.code, content.title)
    if key in taken:
        raise DomainError("import-entry", "en checklista med samma rubrik finns redan.")
    taken.add(key)
    return service, content, status
