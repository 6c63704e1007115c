"""Agreements and checklists for the demo municipality (used by `manage.py seed_demo`).

Each demo department gets an agreement for the current year and the next, handing each of its
services to the contact centre up to the ROSA level in `cases.demo.data`; the checklists come
from `checklists/demo/checklists.json` through the ordinary JSON import.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from cases.demo import data
from cases.models import Department, Service
from checklists.models import Agreement, AgreementLine, Checklist
from checklists.transfer import checklists_import

CHECKLISTS_FILE = Path(__file__).parent / "demo" / "checklists.json"


@transaction.atomic
def demo_agreements_ensure(*, today: dt.date) -> int:
    """One agreement per demo department per year (last, this and next); idempotent."""
    created = 0
    services = {s.code: s for s in Service.objects.all()}
    for spec in data.DEPARTMENTS:
        department = Department.objects.get(code=spec.code)
        for year in (today.year - 1, today.year, today.year + 1):
            agreement, made = Agreement.objects.get_or_create(
                department=department,
                valid_from=dt.date(year, 1, 1),
                defaults={
                    "valid_to": dt.date(year, 12, 31),
                    "revised_on": dt.date(year - 1, 11, 15),
                    "note": "Demoöverenskommelse.",
                },
            )
            if not made:
                continue
            created += 1
            AgreementLine.objects.bulk_create(
                AgreementLine(
                    agreement=agreement,
                    service=services[service.code],
                    handled=True,
                    max_rosa=service.agreed_rosa,
                )
                for service in spec.services
            )
    return created


def demo_checklists_ensure() -> int:
    """Import the demo checklists unless the municipality has checklists already."""
    if Checklist.objects.exists() or not CHECKLISTS_FILE.exists():
        return 0
    return len(checklists_import(data=json.loads(CHECKLISTS_FILE.read_text(encoding="utf-8"))))


DEMO_USES = 400


def demo_checklist_uses_ensure() -> int:
    """The demo's agents used checklists on their latest cases, searching with the citizen's
    question, so the search has learned something and team leads see suggestions. Through the
    ordinary service; nothing if any use exists."""
    from cases.models import Case
    from checklists import services
    from checklists.models import ChecklistUse, ChecklistVersion, VersionStatus
    from kundtjanst.errors import DomainError

    if ChecklistUse.objects.exists():
        return 0
    by_service = {
        v.checklist.service_id: v
        for v in ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("checklist")
        .order_by("checklist__service_id", "pk")
    }
    cases = (
        Case.objects.filter(service_id__in=list(by_service), assigned_to__isnull=False)
        .select_related("assigned_to")
        .order_by("-created_at")[:DEMO_USES]
    )
    made = 0
    for case in cases:
        if case.service_id is None or case.assigned_to is None:
            continue
        try:
            services.checklist_use(
                case=case,
                version=by_service[case.service_id],
                by=case.assigned_to,
                search_text=case.summary,
            )
        except DomainError:
            continue  # e.g. a closed case the agent may no longer work on
        made += 1
    return made
