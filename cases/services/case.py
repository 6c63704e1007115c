"""Changes to cases, contacts and citizens.

Views, the API, intake adapters, management commands and imports call them; none of them saves
a Case or Contact directly. Each function is atomic, locks the case it changes, checks the rules
(raising `DomainError` with a stable code) and announces the change only after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases import permissions
from cases.models import (
    OPEN_ESCALATION_STATUSES,
    Attachment,
    Case,
    CaseStatus,
    Channel,
    Citizen,
    Contact,
    Department,
    Direction,
    Escalation,
    EscalationStatus,
    ReferenceCounter,
    RosaLevel,
    Service,
    SubjectArea,
)
from cases.models.case import CONTACT_CENTRE_MAX_ROSA
from cases.personnummer import normalise_personnummer
from cases.services.facts import case_facts_refresh
from cases.signals import case_changed
from kundtjanst import roles
from kundtjanst.errors import ConflictError, DomainError

__all__ = [
    "ALLOWED_TRANSITIONS",
    "SYNCHRONOUS_CHANNELS",
    "CitizenDetails",
    "Classification",
    "MAX_ATTACHMENTS",
    "attachment_add",
    "attachments_check",
    "case_close",
    "case_create",
    "case_log",
    "case_reopen",
    "case_resolve",
    "case_set_waiting",
    "case_update",
    "citizen_create",
    "classify",
    "contact_add",
    "reference_allocate",
    "references_allocate_block",
    "resolved_directly_rule",
    "response_time",
]

# The one place that says which status may follow which.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset(
        {
            CaseStatus.WAITING_FOR_CITIZEN,
            CaseStatus.ESCALATED,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        }
    ),
    CaseStatus.WAITING_FOR_CITIZEN: frozenset(
        {CaseStatus.OPEN, CaseStatus.ESCALATED, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.ESCALATED: frozenset({CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.OPEN}),
}

# Channels where the contact itself is the answer when a person takes it.
SYNCHRONOUS_CHANNELS = frozenset({Channel.PHONE, Channel.VISIT, Channel.CHAT})

UPDATABLE_FIELDS = ("summary", "notes", "department", "service", "subject_area", "assigned_to")


def _local_year(moment: dt.datetime) -> int:
    return timezone.localtime(moment).year


def reference_allocate(*, year: int) -> str:
    """Next `KT-<year>-<6 digits>`: gap-free, because the counter row is locked until commit.

    Call it last in the transaction that creates the case, so the lock is held briefly.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reference_allocate must run inside the case's transaction")
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(year=year, last_number=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    if counter.last_number >= 999_999:
        raise DomainError("reference-year-full", f"Ärendenumren för {year} är slut.")
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"KT-{year}-{counter.last_number:06d}"


def references_allocate_block(*, year: int, count: int) -> list[str]:
    """A run of `count` consecutive references, for bulk imports (same lock as above)."""
    if count < 1:
        return []
    ReferenceCounter.objects.bulk_create(
        [ReferenceCounter(year=year, last_number=0)], ignore_conflicts=True
    )
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    if counter.last_number + count > 999_999:
        raise DomainError("reference-year-full", f"Ärendenumren för {year} är slut.")
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [f"KT-{year}-{n:06d}" for n in range(first, first + count)]


def _announce(case: Case, event: str) -> None:
    reference, department_id = case.reference, case.department_id
    transaction.on_commit(
        lambda: case_changed.send_robust(
            sender=Case, reference=reference, event=event, department_id=department_id
        )
    )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _lock_for_change(case: Case, by: User, expected_version: int | None) -> Case:
    """The fresh, locked row — if this user may change it and nobody changed it meanwhile."""
    case = _lock(case)
    permissions.require_can_work_on(by, case)
    _check_version(case, expected_version)
    return case


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise ConflictError(
            "case-version-conflict",
            "Någon annan har ändrat ärendet sedan du öppnade det. "
            "Läs in det igen och gör om ändringen.",
        )


def _save(case: Case, by: User | None, fields: Iterable[str], reason: str) -> None:
    case.version += 1
    case._history_user = by  # type: ignore[attr-defined]
    case._change_reason = reason  # type: ignore[attr-defined]
    case.save(update_fields=[*fields, "version", "updated_at"])
    case_facts_refresh([case.pk])


def _transition(case: Case, to: str) -> None:
    if to not in ALLOWED_TRANSITIONS[case.status]:
        raise DomainError(
            "status-transition-not-allowed",
            f"Ärendet kan inte gå från ”{CaseStatus(case.status).label}” "
            f"till ”{CaseStatus(to).label}”.",
            field="status",
        )
    case.status = to


@dataclass(frozen=True)
class Classification:
    department: Department | None
    service: Service | None
    subject_area: SubjectArea | None


def classify(
    *,
    department: Department | None = None,
    service: Service | None = None,
    subject_area: SubjectArea | None = None,
) -> Classification:
    """A service implies its department and subject area; a contradiction is an error."""
    if service is not None:
        if department is not None and department.pk != service.department_id:
            raise DomainError(
                "service-department-mismatch",
                f"Tjänsten ”{service.name}” hör till en annan förvaltning.",
                field="service",
            )
        department = service.department
        if service.subject_area_id is not None:
            subject_area = service.subject_area
    return Classification(department=department, service=service, subject_area=subject_area)


def citizen_create(
    *, name: str = "", phone: str = "", email: str = "", personnummer: str = "", by=None
) -> Citizen | None:
    """Only what the case needs: returns None when nothing at all was given (anonymous case)."""
    name, phone, email, personnummer = (v.strip() for v in (name, phone, email, personnummer))
    if not any((name, phone, email, personnummer)):
        return None
    citizen = Citizen(
        name=name,
        phone=phone,
        email=email,
        personnummer=normalise_personnummer(personnummer) if personnummer else "",
    )
    citizen.full_clean()
    citizen._history_user = by  # type: ignore[attr-defined]
    citizen.save()
    return citizen


def _contact_validate(
    *, channel: str, direction: str, occurred_at: dt.datetime, answered_at: dt.datetime | None
) -> None:
    if channel not in Channel.values:
        raise DomainError("channel-unknown", f"Okänd kanal: {channel!r}.", field="channel")
    if direction not in Direction.values:
        raise DomainError("direction-unknown", f"Okänd riktning: {direction!r}.", field="direction")
    if timezone.is_naive(occurred_at):
        raise DomainError("datetime-naive", "Tidpunkten saknar tidszon.", field="occurred_at")
    if answered_at is not None:
        if channel != Channel.PHONE or direction != Direction.IN:
            raise DomainError(
                "answered-at-only-inbound-phone",
                "”Besvarat av person” gäller bara inkommande samtal.",
                field="answered_at",
            )
        if answered_at < occurred_at:
            raise DomainError(
                "answered-before-occurred",
                "Samtalet kan inte ha besvarats innan det kom in.",
                field="answered_at",
            )


def response_time(contact: Contact) -> dt.datetime | None:
    """When this contact gave the citizen a response, if it did."""
    if contact.direction == Direction.OUT:
        return contact.occurred_at
    if contact.channel == Channel.PHONE:
        return contact.answered_at
    if contact.channel in SYNCHRONOUS_CHANNELS:
        return contact.occurred_at
    return None


def _note_response(case: Case, contact: Contact) -> bool:
    responded = response_time(contact)
    if responded is not None and (
        case.first_response_at is None or responded < case.first_response_at
    ):
        case.first_response_at = responded
        return True
    return False


def _new_contact(
    *,
    case: Case,
    channel: str,
    direction: str,
    occurred_at: dt.datetime,
    answered_at: dt.datetime | None,
    text: str,
    by: User | None,
) -> Contact:
    contact = Contact(
        case=case,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        answered_at=answered_at,
        text=text,
        handled_by=by if getattr(by, "pk", None) else None,
    )
    contact._history_user = by  # type: ignore[attr-defined]
    contact.save()
    return contact


@transaction.atomic
def case_create(
    *,
    channel: str,
    summary: str,
    by: User,
    department: Department | None = None,
    service: Service | None = None,
    subject_area: SubjectArea | None = None,
    citizen: Citizen | None = None,
    notes: str = "",
    text: str = "",
    occurred_at: dt.datetime | None = None,
    answered_at: dt.datetime | None = None,
    assigned_to: User | None = None,
) -> Case:
    """Log a new inbound contact as a new case (its first contact is created with it)."""
    permissions.require_can_log_cases(by)
    occurred_at = occurred_at or timezone.now()
    _contact_validate(
        channel=channel, direction=Direction.IN, occurred_at=occurred_at, answered_at=answered_at
    )
    summary = summary.strip()
    if not summary:
        raise DomainError(
            "summary-required", "Skriv en kort sammanfattning av frågan.", field="summary"
        )
    where = classify(department=department, service=service, subject_area=subject_area)
    if not roles.is_contact_centre(by):
        own = permissions.user_department_id(by)
        if where.department is None or where.department.pk != own:
            raise DomainError(
                "department-not-own",
                "Du kan bara registrera ärenden för din egen förvaltning.",
                field="department",
            )
    case = Case(
        channel=channel,
        summary=summary,
        notes=notes,
        department=where.department,
        service=where.service,
        subject_area=where.subject_area,
        citizen=citizen,
        # A channel's account (the mailbox, the web form) cannot log in: its cases wait unassigned.
        assigned_to=assigned_to if assigned_to is not None else (by if by.is_active else None),
        created_at=occurred_at,
    )
    # The reference last: the counter row stays locked only until this transaction commits.
    case.reference = reference_allocate(year=_local_year(occurred_at))
    case.full_clean()
    case._history_user = by  # type: ignore[attr-defined]
    case.save()
    contact = _new_contact(
        case=case,
        channel=channel,
        direction=Direction.IN,
        occurred_at=occurred_at,
        answered_at=answered_at,
        text=text,
        by=by,
    )
    if _note_response(case, contact):
        case._history_user = by  # type: ignore[attr-defined]
        case.save(update_fields=["first_response_at"])
    case_facts_refresh([case.pk])
    _announce(case, "created")
    return case


@transaction.atomic
def contact_add(
    *,
    case: Case,
    channel: str,
    direction: str,
    by: User,
    text: str = "",
    occurred_at: dt.datetime | None = None,
    answered_at: dt.datetime | None = None,
) -> Contact:
    """Record one more interaction. A citizen writing back re-opens a case waiting for them."""
    case = _lock(case)
    permissions.require_can_work_on(by, case)
    occurred_at = occurred_at or timezone.now()
    _contact_validate(
        channel=channel, direction=direction, occurred_at=occurred_at, answered_at=answered_at
    )
    if occurred_at < case.created_at:
        raise DomainError(
            "contact-before-case",
            "Kontakten kan inte ligga före ärendets första kontakt.",
            field="occurred_at",
        )
    contact = _new_contact(
        case=case,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        answered_at=answered_at,
        text=text,
        by=by,
    )
    fields = []
    if _note_response(case, contact):
        fields.append("first_response_at")
    _escalations_note_callback(case, contact, by)
    if direction == Direction.IN and case.status == CaseStatus.WAITING_FOR_CITIZEN:
        _transition(case, CaseStatus.OPEN)
        fields.append("status")
    _save(case, by, fields, "contact added")
    _announce(case, "contact_added")
    return contact


@transaction.atomic
def case_update(
    *, case: Case, by: User, expected_version: int | None = None, **changes: object
) -> Case:
    """Edit the case's description and classification. Refuses a stale form (version check)."""
    unknown = set(changes) - set(UPDATABLE_FIELDS)
    if unknown:
        raise DomainError(
            "field-not-updatable", f"Kan inte ändras här: {', '.join(sorted(unknown))}."
        )
    case = _lock_for_change(case, by, expected_version)
    if "summary" in changes:
        changes["summary"] = str(changes["summary"]).strip()
        if not changes["summary"]:
            raise DomainError("summary-required", "Skriv en kort sammanfattning.", field="summary")
    if {"department", "service", "subject_area"} & set(changes):
        where = classify(
            department=changes.get("department", case.department),  # type: ignore[arg-type]
            service=changes.get("service", case.service),  # type: ignore[arg-type]
            subject_area=changes.get("subject_area", case.subject_area),  # type: ignore[arg-type]
        )
        changes.update(
            department=where.department, service=where.service, subject_area=where.subject_area
        )
    for field, value in changes.items():
        setattr(case, field, value)
    case.full_clean()
    _save(case, by, changes.keys(), "updated")
    _announce(case, "updated")
    return case


def _escalation_save(
    escalation: Escalation, by: User | None, fields: Iterable[str], reason: str
) -> None:
    """Save an escalation the way every escalation change is saved: versioned, with history."""
    escalation.version += 1
    escalation._history_user = by  # type: ignore[attr-defined]
    escalation._change_reason = reason  # type: ignore[attr-defined]
    escalation.save(update_fields=[*fields, "version"])


def _escalations_note_callback(case: Case, contact: Contact, by: User | None) -> None:
    """The first contact to the citizen after a hand-over is the promised callback (DOMAIN.md),
    whoever makes it: the department itself, or the contact centre with the department's answer.
    """
    if contact.direction != Direction.OUT:
        return
    # A contact logged afterwards may have happened before the callback recorded so far.
    waiting = (
        Escalation.objects.select_for_update()
        .filter(case=case, created_at__lte=contact.occurred_at)
        .filter(Q(callback_at__isnull=True) | Q(callback_at__gt=contact.occurred_at))
        .exclude(status=EscalationStatus.CLOSED)
    )
    for escalation in waiting:
        escalation.callback_at = contact.occurred_at
        _escalation_save(escalation, by, ["callback_at"], "callback")


def _escalations_close_with_case(case: Case, by: User | None) -> None:
    """A case finished while a department still holds it: the hand-over ends with it."""
    still_open = Escalation.objects.select_for_update().filter(
        case=case,
        status__in=OPEN_ESCALATION_STATUSES,
    )
    for escalation in still_open:
        escalation.status = EscalationStatus.CLOSED
        escalation.closed_at = timezone.now()
        _escalation_save(escalation, by, ["status", "closed_at"], "closed with case")


def resolved_directly_rule(
    *, by_contact_centre: bool, rosa_level: int, case: Case, inbound_contacts: int
) -> bool:
    """DOMAIN.md: resolved by the contact centre at the first contact, with no escalation and
    no promised callback (ADR 0004). Pure, so bulk loaders apply exactly the same rule."""
    return (
        by_contact_centre
        and rosa_level <= CONTACT_CENTRE_MAX_ROSA
        and not case.ever_escalated
        and case.callback_promised_at is None
        and case.reopened_count == 0
        and inbound_contacts <= 1
    )


def _check_agreement(case: Case, rosa_level: int, on: dt.date) -> None:
    """The contact centre resolves only what the department's agreement hands over (DOMAIN.md).

    A case with no service is a general question: information (ROSA 1) only.
    """
    # Agreements belong to the checklists app, which builds on cases; asked at call time.
    from checklists.selectors import agreement_line_in_force

    if case.service is None:
        if rosa_level > RosaLevel.INFORMATION:
            raise DomainError(
                "service-required",
                "Välj tjänst: utan tjänst kan ärendet bara lösas som information (ROSA 1).",
                field="service",
            )
        return
    line = agreement_line_in_force(case.service, on)
    if line is None or not line.handled:
        raise DomainError(
            "no-agreement-in-force",
            f"Förvaltningen har ingen överenskommelse om ”{case.service.name}”: överlämna ärendet.",
            field="rosa_level",
        )
    if rosa_level > line.max_rosa:
        raise DomainError(
            "rosa-level-above-agreement",
            f"Överenskommelsen tillåter kundtjänst ROSA-nivå {line.max_rosa} för "
            f"”{case.service.name}”: överlämna ärendet till förvaltningen.",
            field="rosa_level",
        )


@transaction.atomic
def case_resolve(
    *,
    case: Case,
    rosa_level: int,
    by: User,
    note: str = "",
    expected_version: int | None = None,
    resolved_at: dt.datetime | None = None,
) -> Case:
    """Resolve the case at a ROSA level; records whether it was answered directly."""
    case = _lock_for_change(case, by, expected_version)
    if rosa_level not in RosaLevel.values:
        raise DomainError("rosa-level-invalid", "ROSA-nivån ska vara 1–6.", field="rosa_level")
    if rosa_level > CONTACT_CENTRE_MAX_ROSA and not roles.has_role(by, roles.DEPARTMENT):
        raise DomainError(
            "rosa-level-above-contact-centre",
            "ROSA-nivå 5–6 handläggs av förvaltningen: överlämna ärendet i stället.",
            field="rosa_level",
        )
    resolved_at = resolved_at or timezone.now()
    if not roles.has_role(by, roles.DEPARTMENT):
        _check_agreement(case, rosa_level, timezone.localdate(resolved_at))
    _transition(case, CaseStatus.RESOLVED)
    case.rosa_level = rosa_level
    case.resolved_at = resolved_at
    if case.resolved_at < case.created_at:
        raise DomainError(
            "resolved-before-created", "Ärendet kan inte lösas före första kontakten."
        )
    case.resolved_by = by
    case.resolved_directly = resolved_directly_rule(
        by_contact_centre=roles.is_contact_centre(by),
        rosa_level=rosa_level,
        case=case,
        inbound_contacts=case.contacts.filter(direction=Direction.IN).count(),
    )
    if note.strip():
        case.resolution_note = note.strip()
    _escalations_close_with_case(case, by)
    _save(
        case,
        by,
        [
            "status",
            "rosa_level",
            "resolved_at",
            "resolved_by",
            "resolved_directly",
            "resolution_note",
        ],
        "resolved",
    )
    _announce(case, "status_changed")
    return case


@transaction.atomic
def case_set_waiting(*, case: Case, by: User, expected_version: int | None = None) -> Case:
    case = _lock_for_change(case, by, expected_version)
    _transition(case, CaseStatus.WAITING_FOR_CITIZEN)
    _save(case, by, ["status"], "waiting for citizen")
    _announce(case, "status_changed")
    return case


@transaction.atomic
def case_close(*, case: Case, by: User, expected_version: int | None = None) -> Case:
    case = _lock_for_change(case, by, expected_version)
    _transition(case, CaseStatus.CLOSED)
    case.closed_at = timezone.now()
    _escalations_close_with_case(case, by)
    _save(case, by, ["status", "closed_at"], "closed")
    _announce(case, "status_changed")
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, expected_version: int | None = None) -> Case:
    """Back to open; a reopened case no longer counts as answered directly."""
    case = _lock_for_change(case, by, expected_version)
    if not case.is_finished:
        raise DomainError(
            "status-transition-not-allowed", "Bara lösta eller avslutade ärenden kan öppnas igen."
        )
    _transition(case, CaseStatus.OPEN)
    case.reopened_count += 1
    case.resolved_directly = None
    case.resolved_at = None
    case.closed_at = None
    _save(
        case,
        by,
        ["status", "reopened_count", "resolved_directly", "resolved_at", "closed_at"],
        "reopened",
    )
    _announce(case, "status_changed")
    return case


@dataclass(frozen=True)
class CitizenDetails:
    name: str = ""
    phone: str = ""
    email: str = ""
    personnummer: str = ""


@transaction.atomic
def case_log(
    *,
    by: User,
    citizen_details: CitizenDetails | None = None,
    resolve_rosa_level: int | None = None,
    resolve_note: str = "",
    **create: object,
) -> Case:
    """Log an inbound contact as a case ("Ny kontakt") and, when asked, resolve it at once.

    All in one transaction: a refused resolution leaves no half-logged case and no stray
    personal data behind.
    """
    permissions.require_can_log_cases(by)  # before any personal data is looked at
    if citizen_details is not None:
        create["citizen"] = citizen_create(
            name=citizen_details.name,
            phone=citizen_details.phone,
            email=citizen_details.email,
            personnummer=citizen_details.personnummer,
            by=by,
        )
    case = case_create(by=by, **create)  # type: ignore[arg-type]
    if resolve_rosa_level is None:
        return case
    if case.channel not in SYNCHRONOUS_CHANNELS and resolve_note.strip():
        # A letter or message answered on the spot: the answer given is the reply the citizen
        # gets, and the measures count from it.
        contact_add(
            case=case,
            channel=case.channel,
            direction=Direction.OUT,
            text=resolve_note.strip(),
            occurred_at=max(timezone.now(), case.created_at),
            by=by,
        )
    return case_resolve(case=case, rosa_level=resolve_rosa_level, by=by, note=resolve_note)


MAX_ATTACHMENTS = 10


def attachments_check(files: Iterable[UploadedFile]) -> None:
    """Refuse what cannot be stored before anything is written: too many, too large, nameless."""
    files = list(files)
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(
            "too-many-attachments",
            f"Högst {MAX_ATTACHMENTS} bilagor åt gången.",
            field="attachments",
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    for upload in files:
        if (upload.size or 0) > limit:
            raise DomainError(
                "attachment-too-large",
                f"”{upload.name}” är större än {limit // (1024 * 1024)} MB.",
                field="attachments",
            )
        if not (upload.name or "").strip():
            raise DomainError(
                "attachment-name-required", "En bilaga saknar filnamn.", field="attachments"
            )


def attachment_add(
    *, case: Case, file: UploadedFile, by: User, escalation: Escalation | None = None
) -> Attachment:
    """Store one file on the case (outside any served directory; see `cases.views`)."""
    attachments_check([file])
    name = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    attachment = Attachment(
        case=case,
        escalation=escalation,
        name=name,
        content_type=(getattr(file, "content_type", "") or "")[:120],
        size=file.size or 0,
        uploaded_by=by,
    )
    attachment.file.save(name, file, save=False)
    attachment.save()
    return attachment
