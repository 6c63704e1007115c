"""Every message of the real-world-shaped corpus (tests/channels_app/mail_corpus/) goes through
the real IMAP server and the intake without a crash, and lands where it belongs: its receipt
time, its kind, and its case — the existing case KT-2026-000123 when it answers a message the
system sent or carries that exact tag, a new case of its own when it is citizen mail otherwise,
no case when it is automatic mail."""

import datetime as dt
import json
from pathlib import Path

import pytest

from cases.models import Attachment, Case
from channels_app.mail.imap import fetch_once
from channels_app.mail.parse import parse_message
from channels_app.models import MailKind, MailMessage

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "mail_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
OWN_HOSTS = r"(^|\.)mx\d*\.kommun\.se$"
INTERNAL_DATE = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
OUR_ID = "<kt.2026.000123.abc@kundtjanst.kommun.se>"
OUR_CASE = "KT-2026-000123"


@pytest.fixture
def our_case(make_case):
    case = make_case(
        channel="email",
        summary="Bygglov altan",
        occurred_at=dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC),
    )
    Case.objects.filter(pk=case.pk).update(reference=OUR_CASE)
    case.refresh_from_db()
    MailMessage.objects.create(
        direction="out",
        kind=MailKind.REPLY,
        message_id=OUR_ID,
        case=case,
        to="anna@example.org",
        subject=f"Re: Bygglov altan [{OUR_CASE}]",
        at=dt.datetime(2020, 1, 7, 9, tzinfo=dt.UTC),
    )
    return case


def test_the_corpus_is_large_and_described():
    files = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert len(files) >= 30
    assert set(files) == set(EXPECTED)


def test_every_corpus_message_is_ingested_where_it_belongs(
    mailbox, smtp_server, settings, our_case, django_capture_on_commit_callbacks
):
    settings.MAIL_OWN_HOSTS = OWN_HOSTS
    raws = {path.name: path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))}
    for raw in raws.values():
        mailbox.append(raw, date='"02-Mar-2026 12:00:00 +0000"')

    with django_capture_on_commit_callbacks(execute=True):
        report = fetch_once(mailbox.config)

    assert report.failed == 0, report.errors
    assert report.ingested + report.already_stored == len(raws)
    for name, raw in raws.items():
        expected = EXPECTED[name]
        parsed = parse_message(raw, internal_date=INTERNAL_DATE, own_hosts=OWN_HOSTS)
        stored = MailMessage.objects.filter(direction="in")
        record = (
            stored.get(message_id=parsed.message_id)
            if parsed.message_id
            else stored.get(message_id="", content_hash=parsed.content_hash)
        )
        assert record.at == dt.datetime.fromisoformat(expected["received_at"]), name
        assert record.kind == expected["kind"], name
        ours = OUR_ID in (*expected["in_reply_to"], *expected["references"])
        if expected["kind"] == MailKind.CITIZEN:
            if ours or expected["case_tag"] == OUR_CASE:
                assert record.case == our_case, name
            else:
                assert record.case is not None and record.case != our_case, name
            assert record.contact is not None and record.contact.occurred_at == record.at, name
            kept = Attachment.objects.filter(case=record.case, name__in=expected["attachments"])
            dropped = record.dropped_attachments.count("\n") + bool(record.dropped_attachments)
            assert kept.count() + dropped >= len(expected["attachments"]), name
        elif expected["kind"] == MailKind.BOUNCE and OUR_ID in expected["bounced_message_ids"]:
            assert record.case == our_case and record.contact is None, name
        else:
            assert record.contact is None, name
    # Automatic mail never got an acknowledgement; every new citizen case got one.
    new_cases = Case.objects.exclude(pk=our_case.pk).count()
    assert 0 < len(smtp_server.messages) <= new_cases
