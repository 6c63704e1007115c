"""Escalations: handing a case to a department unit with a promised callback, and everything the
department does with it (DOMAIN.md, "Escalation").

Every function is one transaction. Lock order is always the case first, then its escalations (as
`contact_add` does), so two actions on the same case cannot deadlock. Each department action
carries the escalation `version` the user was shown; a stale version is refused with a conflict.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases import permissions
from cases.models import (
    OPEN_ESCALATION_STATUSES,
    Case,
    CaseStatus,
    Channel,
    Direction,
    Escalation,
    EscalationStatus,
    Priority,
    ReminderDigest,
    RosaLevel,
    StaffProfile,
    Unit,
)
from cases.services.case import (
    _announce,
    _escalation_save,
    _lock,
    _lock_for_change,
    _save,
    _transition,
    attachment_add,
    attachments_check,
    case_resolve,
    contact_add,
)
from kundtjanst.errors import ConflictError, DomainError
from kundtjanst.workdays import working_calendar

__all__ = [
    "CALLBACK_CHANNELS",
    "CALLBACK_CHANNEL_CHOICES",
    "DEFAULT_CALLBACK_WORKING_DAYS",
    "ReminderResult",
    "escalation_accept",
    "escalation_close",
    "escalation_contact_citizen",
    "escalation_create",
    "escalation_decide",
    "escalation_default_due",
    "escalation_reassign",
    "escalation_reminders_send",
    "escalation_return",
]

logger = logging.getLogger(__name__)

# How the citizen can be called back; a promise needs a way to reach them.
CALLBACK_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.VISIT)
CALLBACK_CHANNEL_CHOICES = [(c.value, c.label) for c in CALLBACK_CHANNELS]
DEFAULT_CALLBACK_WORKING_DAYS = 2

# The one place that says which department action may follow which state.
ALLOWED_ESCALATION_TRANSITIONS: dict[str, frozenset[str]] = {
    EscalationStatus.NEW: frozenset(
        {
            EscalationStatus.ACCEPTED,
            EscalationStatus.ANSWERED,
            EscalationStatus.RETURNED,
            EscalationStatus.CLOSED,
        }
    ),
    EscalationStatus.ACCEPTED: frozenset(
        {
            EscalationStatus.NEW,  # handed to another unit, nobody owns it there yet
            EscalationStatus.ACCEPTED,  # handed to a colleague
            EscalationStatus.ANSWERED,
            EscalationStatus.RETURNED,
            EscalationStatus.CLOSED,
        }
    ),
    EscalationStatus.ANSWERED: frozenset(
        {
            EscalationStatus.NEW,
            EscalationStatus.ACCEPTED,
            EscalationStatus.ANSWERED,
            EscalationStatus.RETURNED,
            EscalationStatus.CLOSED,
        }
    ),
    EscalationStatus.RETURNED: frozenset(),
    EscalationStatus.CLOSED: frozenset(),
}


def escalation_default_due(
    *, received: dt.datetime, working_days: int = DEFAULT_CALLBACK_WORKING_DAYS
) -> dt.datetime:
    """The callback promise for a hand-over at `received`: N working days, as DOMAIN.md counts
    them (the one calendar every app uses)."""
    return working_calendar().deadline(received, working_days)


def _working_days_for(case: Case, unit: Unit) -> int:
    service = case.service
    if service is not None and service.department_id == unit.department_id:
        return service.callback_working_days
    return DEFAULT_CALLBACK_WORKING_DAYS


def _clean_callback_to(channel: str, callback_to: str, case: Case) -> str:
    """The number or address to call back on: given, or the citizen's own; checked per channel."""
    callback_to = callback_to.strip()
    citizen = case.citizen
    if not callback_to and citizen is not None:
        callback_to = {Channel.PHONE: citizen.phone, Channel.EMAIL: citizen.email}.get(
            Channel(channel), ""
        )
    if channel == Channel.PHONE:
        if sum(c.isdigit() for c in callback_to) < 5:
            raise DomainError(
                "callback-to-required",
                "Ange telefonnumret som förvaltningen ska ringa upp på.",
                field="callback_to",
            )
    elif channel == Channel.EMAIL:
        try:
            validate_email(callback_to)
        except ValidationError as exc:
            raise DomainError(
                "callback-to-required",
                "Ange en giltig e-postadress för återkopplingen.",
                field="callback_to",
            ) from exc
    elif channel == Channel.LETTER and not callback_to:
        raise DomainError(
            "callback-to-required",
            "Ange postadressen som svaret ska skickas till.",
            field="callback_to",
        )
    return callback_to


@transaction.atomic
def escalation_create(
    *,
    case: Case,
    unit: Unit,
    by: User,
    question: str,
    callback_channel: str,
    told_citizen: str = "",
    callback_to: str = "",
    callback_due: dt.datetime | None = None,
    priority: str = Priority.NORMAL,
    note: str = "",
    attachments: Iterable[UploadedFile] = (),
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Escalation:
    """Hand the case to a department unit with a promised callback (and documents, if any).

    The case becomes `escalated`, belongs to the unit's department from now on, and can never
    again count as answered directly (`ever_escalated`, ADR 0004). Without an explicit deadline
    the promise is the service's working days (default 2) from now.
    """
    case = _lock_for_change(case, by, expected_version)
    at = at or timezone.now()
    if not unit.active or not unit.department.active:
        raise DomainError("unit-inactive", "Enheten tar inte emot överlämningar.", field="unit")
    question = question.strip()
    if not question:
        raise DomainError("question-required", "Skriv vad medborgaren frågar om.", field="question")
    if callback_channel not in CALLBACK_CHANNELS:
        raise DomainError(
            "callback-channel-invalid",
            "Välj hur medborgaren ska få återkoppling: telefon, e-post, brev eller besök.",
            field="callback_channel",
        )
    if priority not in Priority.values:
        raise DomainError("priority-invalid", f"Okänd prioritet: {priority!r}.", field="priority")
    callback_to = _clean_callback_to(callback_channel, callback_to, case)
    attachments = list(attachments)
    attachments_check(attachments)
    if callback_due is None:
        callback_due = escalation_default_due(
            received=at, working_days=_working_days_for(case, unit)
        )
    elif timezone.is_naive(callback_due):
        raise DomainError("datetime-naive", "Tidpunkten saknar tidszon.", field="callback_due")
    if callback_due <= at:
        raise DomainError(
            "callback-due-in-past",
            "Återkopplingen måste utlovas till en tidpunkt efter överlämningen.",
            field="callback_due",
        )
    _transition(case, CaseStatus.ESCALATED)
    fields = ["status", "ever_escalated", "department", "callback_promised_at"]
    case.ever_escalated = True
    if case.service is not None and case.service.department_id != unit.department_id:
        case.service = None
        fields.append("service")
    case.department = unit.department
    case.callback_promised_at = callback_due
    _save(case, by, fields, "escalated")

    escalation = Escalation(
        case=case,
        department=unit.department,
        unit=unit,
        priority=priority,
        question=question,
        told_citizen=told_citizen.strip(),
        note=note.strip(),
        callback_due=callback_due,
        callback_channel=callback_channel,
        callback_to=callback_to,
        created_at=at,
        created_by=by,
    )
    escalation.full_clean()
    escalation._history_user = by  # type: ignore[attr-defined]
    escalation._change_reason = "created"  # type: ignore[attr-defined]
    escalation.save()
    # Files last: everything that can be refused has been checked, so a refusal stores nothing.
    for upload in attachments:
        attachment_add(case=case, file=upload, by=by, escalation=escalation)
    _announce(case, "escalated")
    return escalation


def _lock_escalation(escalation: Escalation, by: User, expected_version: int | None) -> Escalation:
    """The fresh, locked escalation — if `by` handles it and nobody acted on it meanwhile.

    The case row is locked first: the same order as every other change to the case.
    """
    _lock(Case(pk=escalation.case_id))
    escalation = (
        Escalation.objects.select_for_update()
        .select_related("case", "unit", "department")
        .get(pk=escalation.pk)
    )
    permissions.require_can_handle_escalation(by, escalation)
    if expected_version is not None and escalation.version != expected_version:
        raise ConflictError(
            "escalation-version-conflict",
            "Någon annan har hanterat överlämningen sedan du öppnade den. "
            "Läs in den igen och se vad som har hänt innan du gör något mer.",
        )
    return escalation


def _move(escalation: Escalation, to: str) -> None:
    if to not in ALLOWED_ESCALATION_TRANSITIONS[escalation.status]:
        raise DomainError(
            "escalation-transition-not-allowed",
            f"Överlämningen kan inte gå från ”{EscalationStatus(escalation.status).label}” "
            f"till ”{EscalationStatus(to).label}”.",
            field="status",
        )
    escalation.status = to


def _first_action(escalation: Escalation, by: User, now: dt.datetime) -> list[str]:
    """Any action takes ownership when nobody has it, and the first one starts the clock."""
    fields = []
    if escalation.owner_id is None:
        escalation.owner = by
        fields.append("owner")
    if escalation.first_action_at is None:
        escalation.first_action_at = now
        fields.append("first_action_at")
    return fields


def _announce_escalation(escalation: Escalation) -> None:
    _announce(escalation.case, "escalation_changed")


@transaction.atomic
def escalation_accept(
    *, escalation: Escalation, by: User, expected_version: int | None = None
) -> Escalation:
    """Take ownership: the department has seen the hand-over and someone is on it."""
    escalation = _lock_escalation(escalation, by, expected_version)
    if escalation.status != EscalationStatus.NEW:
        raise DomainError(
            "escalation-already-accepted",
            "Överlämningen är redan mottagen. Använd ”Lämna över” för att ta över den.",
        )
    _move(escalation, EscalationStatus.ACCEPTED)
    escalation.owner = by
    fields = ["status", "owner", *_first_action(escalation, by, timezone.now())]
    _escalation_save(escalation, by, fields, "accepted")
    _announce_escalation(escalation)
    return escalation


def _in_department(user: User, escalation: Escalation, unit: Unit) -> bool:
    return (
        unit.members.filter(pk=user.pk).exists()
        or StaffProfile.objects.filter(user=user, department_id=escalation.department_id).exists()
    )


@transaction.atomic
def escalation_reassign(
    *,
    escalation: Escalation,
    by: User,
    unit: Unit | None = None,
    owner: User | None = None,
    expected_version: int | None = None,
) -> Escalation:
    """Hand the escalation to another unit and/or colleague within the same department.

    To a colleague: they own it (accepted). To a unit without a named person: it is new there.
    """
    escalation = _lock_escalation(escalation, by, expected_version)
    target_unit = unit or escalation.unit
    if target_unit.department_id != escalation.department_id:
        raise DomainError(
            "unit-other-department",
            "Överlämningen kan bara lämnas över inom förvaltningen. "
            "Lämna tillbaka den till kundtjänst om den hör till en annan förvaltning.",
            field="unit",
        )
    if not target_unit.active:
        raise DomainError("unit-inactive", "Enheten tar inte emot överlämningar.", field="unit")
    if owner is not None and not _in_department(owner, escalation, target_unit):
        raise DomainError(
            "owner-not-in-department",
            f"{owner.get_full_name() or owner.username} arbetar inte på förvaltningen.",
            field="owner",
        )
    if owner is None and target_unit.pk == escalation.unit_id:
        raise DomainError(
            "reassign-target-required", "Välj en annan enhet eller en kollega.", field="owner"
        )
    now = timezone.now()
    fields = _first_action(escalation, by, now)
    escalation.unit = target_unit
    escalation.owner = owner
    if escalation.status != EscalationStatus.ANSWERED:
        _move(escalation, EscalationStatus.ACCEPTED if owner else EscalationStatus.NEW)
    fields += ["unit", "owner", "status"]
    _escalation_save(escalation, by, fields, "reassigned")
    _announce_escalation(escalation)
    return escalation


@transaction.atomic
def escalation_contact_citizen(
    *,
    escalation: Escalation,
    by: User,
    channel: str,
    text: str,
    occurred_at: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Escalation:
    """The department contacts the citizen itself: an outbound contact on the case, which keeps
    the callback promise if it is the first one since the hand-over."""
    escalation = _lock_escalation(escalation, by, expected_version)
    if not escalation.is_open:
        raise DomainError(
            "escalation-not-open",
            "Överlämningen är inte längre förvaltningens att hantera.",
        )
    if not text.strip():
        raise DomainError("contact-text-required", "Skriv vad medborgaren fick veta.", field="text")
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at < escalation.created_at or occurred_at > now + dt.timedelta(minutes=5):
        raise DomainError(
            "contact-time-invalid",
            "Kontakten måste ha skett efter överlämningen och inte i framtiden.",
            field="occurred_at",
        )
    fields = _first_action(escalation, by, now)
    if escalation.callback_at is None or occurred_at < escalation.callback_at:
        # Recorded here, so the contact below does not record the callback a second time.
        escalation.callback_at = occurred_at
        fields.append("callback_at")
    _move(escalation, EscalationStatus.ANSWERED)
    _escalation_save(escalation, by, [*fields, "status"], "contacted citizen")
    contact_add(
        case=escalation.case,
        channel=channel,
        direction=Direction.OUT,
        text=text.strip(),
        occurred_at=occurred_at,
        by=by,
    )
    _announce_escalation(escalation)
    return escalation


@transaction.atomic
def escalation_return(
    *,
    escalation: Escalation,
    by: User,
    answer: str,
    expected_version: int | None = None,
) -> Escalation:
    """Send the case back to the contact centre with the answer it gives the citizen.

    The case is open again for the agent; the callback promise stays until someone contacts the
    citizen.
    """
    escalation = _lock_escalation(escalation, by, expected_version)
    answer = answer.strip()
    if not answer:
        raise DomainError(
            "answer-required",
            "Skriv svaret som kundtjänst ska ge medborgaren.",
            field="answer",
        )
    now = timezone.now()
    fields = _first_action(escalation, by, now)
    _move(escalation, EscalationStatus.RETURNED)
    escalation.return_answer = answer
    escalation.returned_at = now
    _escalation_save(
        escalation, by, [*fields, "status", "return_answer", "returned_at"], "returned"
    )
    case = escalation.case
    others_open = (
        Escalation.objects.filter(case=case, status__in=OPEN_ESCALATION_STATUSES)
        .exclude(pk=escalation.pk)
        .exists()
    )
    case.refresh_from_db()
    if case.status == CaseStatus.ESCALATED and not others_open:
        _transition(case, CaseStatus.OPEN)
        _save(case, by, ["status"], "returned from department")
    _announce_escalation(escalation)
    return escalation


@transaction.atomic
def escalation_decide(
    *,
    escalation: Escalation,
    by: User,
    decision: str,
    decided_on: dt.date,
    application_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Escalation:
    """Record the department's decision and its date ("days from first contact to decision";
    the application date too where the department records it, Kolada U31402)."""
    escalation = _lock_escalation(escalation, by, expected_version)
    if escalation.status in (EscalationStatus.RETURNED, EscalationStatus.CLOSED):
        raise DomainError(
            "escalation-not-open",
            "Överlämningen är inte längre förvaltningens att hantera.",
        )
    decision = decision.strip()
    if not decision:
        raise DomainError("decision-required", "Skriv vad beslutet blev.", field="decision")
    today = timezone.localdate()
    first_contact = timezone.localdate(escalation.case.created_at)
    if decided_on > today:
        raise DomainError(
            "decision-in-future", "Beslutsdatumet kan inte ligga i framtiden.", field="decided_on"
        )
    if decided_on < first_contact:
        raise DomainError(
            "decision-before-first-contact",
            f"Beslutsdatumet ligger före ärendets första kontakt ({first_contact}).",
            field="decided_on",
        )
    if application_on is not None and application_on > decided_on:
        raise DomainError(
            "application-after-decision",
            "Ansökningsdatumet kan inte ligga efter beslutsdatumet.",
            field="application_on",
        )
    fields = _first_action(escalation, by, timezone.now())
    if escalation.status == EscalationStatus.NEW:
        _move(escalation, EscalationStatus.ACCEPTED)
        fields.append("status")
    escalation.decision = decision
    escalation.decided_on = decided_on
    escalation.application_on = application_on
    _escalation_save(
        escalation, by, [*fields, "decision", "decided_on", "application_on"], "decided"
    )
    _announce_escalation(escalation)
    return escalation


@transaction.atomic
def escalation_close(
    *,
    escalation: Escalation,
    by: User,
    rosa_level: int,
    note: str = "",
    expected_version: int | None = None,
) -> Escalation:
    """The department has finished the case itself: the escalation closes and the case is
    resolved at the level the department worked at (never as answered directly)."""
    escalation = _lock_escalation(escalation, by, expected_version)
    if rosa_level not in RosaLevel.values:
        raise DomainError("rosa-level-invalid", "ROSA-nivån ska vara 1–6.", field="rosa_level")
    now = timezone.now()
    fields = _first_action(escalation, by, now)
    _move(escalation, EscalationStatus.CLOSED)
    escalation.closed_at = now
    _escalation_save(escalation, by, [*fields, "status", "closed_at"], "closed")
    case = escalation.case
    case.refresh_from_db()
    others_open = Escalation.objects.filter(case=case, status__in=OPEN_ESCALATION_STATUSES).exists()
    if case.status == CaseStatus.ESCALATED and not others_open:
        case_resolve(case=case, rosa_level=rosa_level, by=by, note=note)
    _announce_escalation(escalation)
    return escalation


# ---------------------------------------------------------------------------------------------
# Reminders


@dataclass(frozen=True)
class ReminderResult:
    unit: Unit
    sent: bool  # False: already sent today, nobody to send to, or the mail server refused
    recipients: tuple[str, ...]
    due_today: int
    overdue: int
    error: str = ""


def _unit_recipients(unit: Unit) -> tuple[str, ...]:
    if unit.email:
        return (unit.email,)
    members = unit.members.filter(is_active=True).exclude(email="")
    return tuple(sorted(members.values_list("email", flat=True)))


def escalation_reminders_send(*, now: dt.datetime | None = None) -> list[ReminderResult]:
    """E-mail each unit a digest of its escalations due today and overdue; once per unit and day.

    A row in `ReminderDigest` is written in the same transaction as the sending: if the mail
    cannot be handed to the mail server the row rolls back and the next run tries again; if it
    was sent, a second run the same day finds the row and sends nothing.
    """
    # The selectors hold the query for "which escalations need a reminder"; cases.selectors
    # imports nothing from services, so this import is one-way.
    from cases.selectors.escalation import escalations_needing_reminder

    now = now or timezone.now()
    today = timezone.localdate(now)
    results = []
    for unit, escalations in escalations_needing_reminder(now=now).items():
        due_today = [e for e in escalations if not e.is_overdue(now)]
        overdue = [e for e in escalations if e.is_overdue(now)]
        recipients = _unit_recipients(unit)
        if not recipients:
            logger.warning("No address for reminders to unit %s", unit.code)
            results.append(ReminderResult(unit, False, (), len(due_today), len(overdue)))
            continue
        try:
            sent = _send_digest(unit, today, recipients, due_today, overdue)
        except OSError as error:  # smtplib's errors are OSErrors; the next run tries again
            logger.exception("Reminder to unit %s could not be sent", unit.code)
            results.append(
                ReminderResult(unit, False, recipients, len(due_today), len(overdue), str(error))
            )
            continue
        results.append(ReminderResult(unit, sent, recipients, len(due_today), len(overdue)))
    return results


def _send_digest(
    unit: Unit,
    today: dt.date,
    recipients: Iterable[str],
    due_today: list[Escalation],
    overdue: list[Escalation],
) -> bool:
    try:
        with transaction.atomic():
            ReminderDigest.objects.create(
                unit=unit,
                day=today,
                recipients=", ".join(recipients),
                escalation_count=len(due_today) + len(overdue),
            )
            context = {
                "unit": unit,
                "day": today,
                "due_today": due_today,
                "overdue": overdue,
                "site_url": settings.SITE_URL.rstrip("/"),
            }
            subject = render_to_string("cases/email/reminder_subject.txt", context).strip()
            body = render_to_string("cases/email/reminder_body.txt", context)
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=list(recipients),
                headers={"Auto-Submitted": "auto-generated"},
            ).send()
    except IntegrityError:
        return False  # already sent today (maybe by a run in parallel)
    return True
