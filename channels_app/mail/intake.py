"""One fetched message becomes what it is (ADR 0009): a contact on a case, a bounce on the reply it
bounced, or a recorded message that counts nowhere.

`mail_ingest` is one transaction and idempotent: a message already ingested (same Message-ID,
or the same content when it has none) returns the stored record and writes nothing, so the
fetcher can safely run it again after a crash between commit and flagging the message.

Threading, strictest first:
1. `In-Reply-To`/`References` name a message the system sent → that message's case (also when
   a relative in Cc answers from another address);
2. the subject carries the exact case tag "[KT-YYYY-NNNNNN]" of an existing case → that case;
3. otherwise a new case. A reference that is only mentioned or mangled ("KT 2026-123" in the
   body) is stored as a suggestion for the agent to confirm — never merged: a wrong merge puts
   one person's data in another's case.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from cases import services as case_services
from cases.models import Case, Channel, Direction
from channels_app.mail.outbound import acknowledgement_send
from channels_app.mail.parse import MailAttachment, ParsedMail, parse_message
from channels_app.models import MailDirection, MailKind, MailMessage
from channels_app.models.mail import Delivery
from channels_app.system import channel_user

logger = logging.getLogger(__name__)

SUMMARY_MAX = 300
NO_SUBJECT = "(inget ämne)"
MAX_ATTACHMENTS = case_services.MAX_ATTACHMENTS


@dataclass(frozen=True)
class IngestResult:
    message: MailMessage
    created: bool  # False: ingested before, nothing written


def _stored(parsed: ParsedMail) -> MailMessage | None:
    inbound = MailMessage.objects.filter(direction=MailDirection.IN)
    if parsed.message_id:
        return inbound.filter(message_id=parsed.message_id).first()
    return inbound.filter(message_id="", content_hash=parsed.content_hash).first()


def _ours(ids: tuple[str, ...]) -> MailMessage | None:
    """The latest message the system sent among `ids`."""
    if not ids:
        return None
    return (
        MailMessage.objects.filter(direction=MailDirection.OUT, message_id__in=ids)
        .order_by("-at", "-id")
        .first()
    )


def _threaded_case(parsed: ParsedMail) -> Case | None:
    ours = _ours((*parsed.in_reply_to, *parsed.references))
    if ours is not None and ours.case_id is not None:
        return ours.case
    if parsed.case_tag:
        return Case.objects.filter(reference=parsed.case_tag).first()
    return None


def _suggested_case(parsed: ParsedMail, case: Case | None) -> Case | None:
    refs = [ref for ref in parsed.suggested_refs if case is None or ref != case.reference]
    if not refs:
        return None
    return Case.objects.filter(reference__in=refs).order_by("reference").first()


def _record(parsed: ParsedMail, **values: object) -> MailMessage:
    return MailMessage.objects.create(
        direction=MailDirection.IN,
        kind=parsed.kind,
        message_id=parsed.message_id,
        content_hash=parsed.content_hash,
        in_reply_to=" ".join(parsed.in_reply_to),
        references=" ".join(parsed.references),
        subject=parsed.subject,
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name[:200],
        to=", ".join(parsed.to),
        cc=", ".join(parsed.cc),
        at=parsed.received_at,
        date_header=parsed.date_header,
        text=parsed.text,
        html=parsed.html,
        **values,
    )


def _bounce(parsed: ParsedMail) -> MailMessage:
    """Mark the reply it bounced as not delivered, visibly on its case."""
    bounced = _ours((*parsed.bounced_message_ids, *parsed.in_reply_to, *parsed.references))
    if bounced is not None:
        bounced.delivery = Delivery.NOT_DELIVERED
        bounced.delivery_note = (parsed.subject or "Studsade")[:500]
        bounced.save(update_fields=["delivery", "delivery_note"])
    return _record(parsed, case=bounced.case if bounced is not None else None)


def _attachments_store(case: Case, attachments: tuple[MailAttachment, ...]) -> list[str]:
    """Store what fits; return "name: why" for each attachment dropped."""
    dropped = []
    budget = settings.MAIL_MAX_BYTES
    per_file = settings.ATTACHMENT_MAX_BYTES
    by = channel_user()
    for index, attachment in enumerate(attachments):
        size = len(attachment.data)
        name = attachment.filename or f"bilaga-{index + 1}"
        if index >= MAX_ATTACHMENTS:
            dropped.append(f"{name}: fler än {MAX_ATTACHMENTS} bilagor i meddelandet")
        elif size > per_file or size > budget:
            limit = min(per_file, settings.MAIL_MAX_BYTES) // (1024 * 1024)
            dropped.append(f"{name}: större än {limit} MB ({size // 1024} kB)")
        else:
            budget -= size
            upload = SimpleUploadedFile(name[:255], attachment.data, attachment.content_type)
            case_services.attachment_add(case=case, file=upload, by=by)
    return dropped


def _citizen_mail(parsed: ParsedMail) -> tuple[MailMessage, Case, bool]:
    by = channel_user()
    case = _threaded_case(parsed)
    if case is not None and parsed.received_at < case.created_at:
        case = None  # older than the case it names: a case of its own, the link suggested
    new_case = case is None
    text = parsed.text or ""
    if case is None:
        citizen = case_services.citizen_create(
            name=parsed.from_name[:200], email=parsed.from_address, by=by
        )
        case = case_services.case_create(
            channel=Channel.EMAIL,
            summary=(parsed.subject or NO_SUBJECT)[:SUMMARY_MAX],
            text=text,
            occurred_at=parsed.received_at,
            citizen=citizen,
            by=by,
        )
        contact = case.contacts.get()
    else:
        contact = case_services.contact_add(
            case=case,
            channel=Channel.EMAIL,
            direction=Direction.IN,
            text=text,
            occurred_at=parsed.received_at,
            by=by,
        )
    dropped = _attachments_store(case, parsed.attachments)
    record = _record(
        parsed,
        case=case,
        contact=contact,
        suggested_case=_suggested_case(parsed, None if new_case else case),
        dropped_attachments="\n".join(dropped),
    )
    return record, case, new_case


def mail_ingest(raw: bytes, *, internal_date: dt.datetime | None = None) -> IngestResult:
    """Ingest one raw message (see the module notes). Raises on what cannot be processed (the
    fetcher quarantines it); everything written is one transaction."""
    parsed = parse_message(raw, internal_date=internal_date, own_hosts=settings.MAIL_OWN_HOSTS)
    try:
        with transaction.atomic():
            stored = _stored(parsed)
            if stored is not None:
                return IngestResult(stored, created=False)
            if parsed.kind == MailKind.BOUNCE:
                return IngestResult(_bounce(parsed), created=True)
            if parsed.kind != MailKind.CITIZEN:
                # Recorded, shown on the case it belongs to; never a contact, never answered.
                return IngestResult(_record(parsed, case=_threaded_case(parsed)), created=True)
            record, case, new_case = _citizen_mail(parsed)
            if new_case:
                address = parsed.from_address
                transaction.on_commit(
                    lambda: acknowledgement_send(case=case, to=address), robust=True
                )
            return IngestResult(record, created=True)
    except IntegrityError:
        # Another fetcher committed the same message meanwhile: theirs stands.
        stored = _stored(parsed)
        if stored is None:
            raise
        return IngestResult(stored, created=False)
