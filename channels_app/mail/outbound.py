"""E-mail to citizens: replies from a case and automatic acknowledgements (ADR 0009).

A reply is an outbound `email` contact on the case (so it is the KKiK reply and may be the first
response) and a `MailMessage` with its own Message-ID, In-Reply-To and References pointing at the
citizen's latest message, and the case tag "[KT-YYYY-NNNNNN]" in the subject, so the citizen's
answer threads back. It is handed to the mail server inside the transaction that records it: a
server that refuses it leaves nothing recorded and the agent sees the error.

An acknowledgement is recorded on the case as a `MailMessage` only — no contact — so it never
counts as the reply or the first response. It carries `Auto-Submitted: auto-replied` (RFC 3834)
so other systems' auto-replies do not answer it.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Channel, Contact, Direction
from channels_app.models import MailDirection, MailKind, MailMessage
from channels_app.models.mail import Delivery
from kundtjanst.errors import DomainError
from kundtjanst.workdays import working_calendar

logger = logging.getLogger(__name__)

MAX_REFERENCES = 20


def case_tag(case: Case) -> str:
    return f"[{case.reference}]"


def _domain() -> str:
    address = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)
    return address[1].strip("> ") if len(address) == 2 else "kundtjanst.invalid"


def new_message_id(case: Case) -> str:
    """Ours, recognisable and unique: <kt.2026.000123.<random>@domain>."""
    reference = case.reference.lower().replace("-", ".")
    return f"<{reference}.{uuid.uuid4().hex[:16]}@{_domain()}>"


def _subject(case: Case, thread: MailMessage | None) -> str:
    base = thread.subject if thread is not None and thread.subject else case.summary
    base = base.replace(case_tag(case), "").strip()
    while base.lower().startswith(("re:", "sv:", "ang:")):
        base = base.split(":", 1)[1].strip()
    return f"Re: {base} {case_tag(case)}".strip() if base else f"Ditt ärende {case_tag(case)}"


def _thread(case: Case) -> MailMessage | None:
    """The citizen's latest message on the case, which a reply answers."""
    return (
        MailMessage.objects.filter(case=case, direction=MailDirection.IN, kind=MailKind.CITIZEN)
        .order_by("-at", "-id")
        .first()
    )


def _threading_headers(thread: MailMessage | None) -> dict[str, str]:
    if thread is None or not thread.message_id:
        return {}
    chain = [*thread.references.split(), thread.message_id][-MAX_REFERENCES:]
    return {"In-Reply-To": thread.message_id, "References": " ".join(chain)}


def _recipient(case: Case, thread: MailMessage | None) -> str:
    if thread is not None and thread.from_address:
        return thread.from_address
    if case.citizen is not None and case.citizen.email:
        return case.citizen.email
    return ""


def _send(message: EmailMessage) -> None:
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # the backend's errors: SMTP, socket, TLS …
        raise DomainError(
            "mail-send-failed",
            f"E-postservern tog inte emot meddelandet ({exc}). Inget skickades; försök igen.",
        ) from exc


@transaction.atomic
def reply_send(*, case: Case, by: User, text: str, to: str = "") -> MailMessage:
    """Send `text` to the citizen as the case's e-mail reply (see the module notes)."""
    text = text.strip()
    if not text:
        raise DomainError("reply-text-required", "Skriv svaret till medborgaren.", field="text")
    thread = _thread(case)
    to = (to or _recipient(case, thread)).strip()
    if not to or "@" not in to:
        raise DomainError(
            "reply-address-missing", "Ärendet har ingen e-postadress att svara till.", field="to"
        )
    contact = case_services.contact_add(
        case=case, channel=Channel.EMAIL, direction=Direction.OUT, text=text, by=by
    )
    message_id = new_message_id(case)
    headers = {"Message-ID": message_id, **_threading_headers(thread)}
    subject = _subject(case, thread)
    record = MailMessage.objects.create(
        direction=MailDirection.OUT,
        kind=MailKind.REPLY,
        message_id=message_id,
        case=case,
        contact=contact,
        in_reply_to=headers.get("In-Reply-To", ""),
        references=headers.get("References", ""),
        subject=subject,
        from_address=settings.DEFAULT_FROM_EMAIL,
        to=to,
        at=contact.occurred_at,
        text=text,
        delivery=Delivery.SENT,
    )
    body = f"{text}\n\n{_survey_line(contact)}"
    _send(EmailMessage(subject=subject, body=body, to=[to], headers=headers))
    return record


def _survey_line(contact: Contact) -> str:
    """The service survey's one-time link for this reply (SKR's servicemätning)."""
    from channels_app.web.services import survey_invitation_create  # the web adapter uses us

    invitation = survey_invitation_create(contact)
    url = settings.SITE_URL.rstrip("/") + invitation.get_absolute_url()
    return f"Hur nöjd är du med svaret? Svara på tre korta frågor: {url}"


def acknowledgement_text(case: Case, status_url: str = "") -> str:
    answer_by = working_calendar().deadline(case.created_at, settings.MAIL_ANSWER_WORKING_DAYS)
    text = settings.MAIL_ACKNOWLEDGEMENT_TEXT.format(
        reference=case.reference,
        answer_by=timezone.localtime(answer_by).strftime("%Y-%m-%d %H:%M"),
        working_days=settings.MAIL_ANSWER_WORKING_DAYS,
    )
    if status_url:
        text += f"\n\nHär kan du följa ditt ärende: {status_url}"
    return text


def acknowledgement_send(*, case: Case, to: str, status_url: str = "") -> MailMessage | None:
    """Confirm receipt to `to` (see the module notes). Returns None when there is no address or
    the case was acknowledged before; a refusing mail server is logged and recorded on the
    record (`delivery_note`), never raised: an acknowledgement must not stop the intake."""
    to = to.strip()
    if not to or "@" not in to:
        return None
    if MailMessage.objects.filter(case=case, kind=MailKind.ACKNOWLEDGEMENT).exists():
        return None
    thread = _thread(case)
    message_id = new_message_id(case)
    headers = {"Message-ID": message_id, "Auto-Submitted": "auto-replied"}
    headers.update(_threading_headers(thread))
    subject = f"Vi har tagit emot din fråga {case_tag(case)}"
    text = acknowledgement_text(case, status_url)
    record = MailMessage.objects.create(
        direction=MailDirection.OUT,
        kind=MailKind.ACKNOWLEDGEMENT,
        message_id=message_id,
        case=case,
        in_reply_to=headers.get("In-Reply-To", ""),
        references=headers.get("References", ""),
        subject=subject,
        from_address=settings.DEFAULT_FROM_EMAIL,
        to=to,
        at=timezone.now(),
        text=text,
        delivery=Delivery.SENT,
    )
    try:
        EmailMessage(subject=subject, body=text, to=[to], headers=headers).send()
    except Exception as exc:
        logger.warning("acknowledgement for %s not sent: %s", case.reference, exc)
        record.delivery = Delivery.NOT_DELIVERED
        record.delivery_note = f"Mottagningsbekräftelsen kunde inte skickas: {exc}"
        record.save(update_fields=["delivery", "delivery_note"])
    return record
