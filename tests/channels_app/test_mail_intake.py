"""E-mail in and out against real servers: dovecot (IMAP) and aiosmtpd (SMTP) on loopback.

Messages are appended to a throw-away mailbox over IMAP, fetched by `fetch_once` (what
`manage.py fetch_mail` runs), and the replies the agents send go through a real SMTP server and
are fed back into the mailbox as the citizen's mail client would answer them.
"""

import datetime as dt
from dataclasses import replace
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Attachment, Case, CaseFacts, Contact
from channels_app.mail import imap
from channels_app.mail.imap import fetch_once
from channels_app.mail.outbound import reply_send
from channels_app.models import MailboxState, MailKind, MailMessage, QuarantinedMail
from channels_app.models.mail import Delivery
from kpi.measures import MeasureFilters, email_measure

pytestmark = pytest.mark.django_db

OWN_HOSTS = r"(^|\.)mx\d*\.kommun\.se$"
RECEIVED = dt.datetime(2026, 3, 2, 9, 15, 0, tzinfo=dt.UTC)  # Monday 10:15 in Stockholm


@pytest.fixture(autouse=True)
def _own_hosts(settings):
    settings.MAIL_OWN_HOSTS = OWN_HOSTS


def citizen_mail(
    subject: str = "Fråga om bygglov för altan",
    body: str = "Hej! Behöver jag bygglov för en altan på 20 kvadratmeter?\nMvh Anna",
    *,
    sender: str = "anna.andersson@example.org",
    message_id: str | None = "<fraga-1@example.org>",
    received: dt.datetime = RECEIVED,
    date: dt.datetime | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, bytes]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Anna Andersson <{sender}>"
    message["To"] = "kundtjanst@kommun.se"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    # The sender's clock is wrong on purpose: the receipt time must come from Received:.
    message["Date"] = format_datetime(date or received - dt.timedelta(hours=5))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, data in attachments:
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    # Topmost (latest) an internal hop three minutes later; below it the municipality's own mx.
    trace = (
        "Received: from mx1.kommun.se by exchange.kommun.local with SMTP; "
        f"{format_datetime(received + dt.timedelta(minutes=3))}\r\n"
        "Received: from mail.example.org (mail.example.org [192.0.2.7]) by mx1.kommun.se "
        f"with ESMTPS id 4Q; {format_datetime(received)}\r\n"
    )
    return trace.encode() + message.as_bytes()


@pytest.fixture
def fetch(django_capture_on_commit_callbacks):
    """One fetch pass, with what runs after commit (the acknowledgements) really run."""

    def run(mailbox, **options) -> imap.FetchReport:
        with django_capture_on_commit_callbacks(execute=True):
            return fetch_once(mailbox.config, **options)

    return run


def test_a_citizen_mail_becomes_a_case_with_the_time_it_reached_the_municipality(
    mailbox, smtp_server, fetch
):
    mailbox.append(citizen_mail())

    report = fetch(mailbox)

    assert (report.ingested, report.failed) == (1, 0)
    case = Case.objects.get()
    assert case.channel == "email"
    assert case.summary == "Fråga om bygglov för altan"
    assert case.created_at == RECEIVED  # the own mx's Received:, not Date: and not the relay's
    contact = case.contacts.get()
    assert (contact.direction, contact.occurred_at) == ("in", RECEIVED)
    assert "altan på 20 kvadratmeter" in contact.text
    assert case.citizen.email == "anna.andersson@example.org"
    assert case.assigned_to is None  # waits in the queue for an agent
    # Flagged as processed, not marked read for the people who also use the mailbox.
    assert "KundtjanstProcessed" in mailbox.flags()[0] and "\\Seen" not in mailbox.flags()[0]
    # The acknowledgement went out, is recorded on the case, and is neither contact nor reply.
    [ack] = smtp_server.messages
    assert f"[{case.reference}]" in ack["Subject"] and ack["Auto-Submitted"] == "auto-replied"
    assert ack["To"] == "anna.andersson@example.org"
    assert ack["In-Reply-To"] == "<fraga-1@example.org>"
    assert case.reference in ack.get_content()
    assert MailMessage.objects.filter(case=case, kind=MailKind.ACKNOWLEDGEMENT).count() == 1
    assert case.contacts.count() == 1
    case.refresh_from_db()
    assert case.first_response_at is None
    facts = CaseFacts.objects.get(case=case)
    assert facts.first_reply_at is None
    assert MailboxState.objects.get().last_success_at is not None


def test_a_reply_goes_out_threaded_and_the_citizens_answer_threads_back(
    mailbox, smtp_server, agent, fetch
):
    mailbox.append(citizen_mail())
    fetch(mailbox)
    case = Case.objects.get()
    smtp_server.messages.clear()

    reply = reply_send(case=case, by=agent, text="Hej Anna! Nej, under 15 m² behövs inget lov.")

    [sent] = smtp_server.messages
    assert sent["Message-ID"] == reply.message_id
    assert sent["In-Reply-To"] == "<fraga-1@example.org>"
    assert sent["References"] == "<fraga-1@example.org>"
    assert sent["Subject"].strip() == f"Re: Fråga om bygglov för altan [{case.reference}]"
    assert sent["To"] == "anna.andersson@example.org"
    # The one-time survey link for this reply is in the mail, not in the recorded reply.
    assert "/enkat/" in sent.get_content()
    assert "/enkat/" not in reply.contact.text
    case.refresh_from_db()
    contact = reply.contact
    assert (contact.direction, contact.channel) == ("out", "email")
    assert case.first_response_at == contact.occurred_at
    # The reply counts in the KKiK e-mail measure (answered the same day).
    measure = email_measure(MeasureFilters(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert measure.received == 1

    # A relative answers from another address, with the citizen in Cc, and a new subject.
    answer = citizen_mail(
        subject="Tack!",
        body="Tack för svaret, jag hjälper min mamma.",
        sender="erik.andersson@example.net",
        message_id="<svar-2@example.net>",
        received=RECEIVED + dt.timedelta(days=1),
        headers={
            "In-Reply-To": reply.message_id,
            "References": f"<fraga-1@example.org> {reply.message_id}",
            "Cc": "anna.andersson@example.org",
        },
    )
    mailbox.append(answer)
    fetch(mailbox)

    assert Case.objects.count() == 1
    assert case.contacts.filter(direction="in").count() == 2
    assert len(smtp_server.messages) == 1  # no acknowledgement for a message on a case


def test_a_subject_joins_a_case_only_with_the_exact_tag(mailbox, smtp_server, fetch):
    mailbox.append(citizen_mail())
    fetch(mailbox)
    case = Case.objects.get()
    tagged = citizen_mail(
        subject=f"Komplettering [{case.reference}]",
        message_id="<komplettering@example.org>",
        received=RECEIVED + dt.timedelta(hours=2),
    )
    same_words = citizen_mail(
        subject="Fråga om bygglov för altan",
        message_id="<annan@example.org>",
        received=RECEIVED + dt.timedelta(hours=3),
    )
    number = int(case.reference.rsplit("-", 1)[1])
    mangled = citizen_mail(
        subject="Angående mitt ärende",
        body=f"Jag har ärende KT {case.reference[3:7]}-{number} sedan tidigare.",
        message_id="<mangled@example.org>",
        received=RECEIVED + dt.timedelta(hours=4),
    )
    for raw in (tagged, same_words, mangled):
        mailbox.append(raw)

    fetch(mailbox)

    assert case.contacts.count() == 2  # only the tagged one joined
    assert Case.objects.count() == 3
    suggested = MailMessage.objects.get(message_id="<mangled@example.org>")
    assert suggested.case != case and suggested.suggested_case == case


def test_a_bounce_marks_the_reply_not_delivered_and_opens_no_case(
    mailbox, smtp_server, agent, fetch
):
    mailbox.append(citizen_mail())
    fetch(mailbox)
    case = Case.objects.get()
    reply = reply_send(case=case, by=agent, text="Svar")
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mx1.kommun.se>"
    bounce["To"] = "kundtjanst@kommun.se"
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = "<bounce-1@mx1.kommun.se>"
    bounce["Auto-Submitted"] = "auto-replied"
    bounce.set_content("This is the mail system. Your message could not be delivered.")
    headers = EmailMessage()
    headers["Message-ID"] = reply.message_id
    headers["Subject"] = reply.subject
    bounce.add_attachment(headers)
    bounce.replace_header("Content-Type", bounce["Content-Type"] + "; report-type=delivery-status")
    bounce.set_type("multipart/report")
    mailbox.append(bounce.as_bytes())

    fetch(mailbox)

    reply.refresh_from_db()
    assert reply.delivery == Delivery.NOT_DELIVERED
    assert Case.objects.count() == 1 and case.contacts.count() == 2
    assert MailMessage.objects.get(message_id="<bounce-1@mx1.kommun.se>").case == case


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied", "Subject": "Frånvarande: Fråga"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk", "List-Unsubscribe": "<mailto:unsubscribe@news.example>"},
        {"X-Spam-Flag": "YES"},
    ],
)
def test_automatic_and_spam_mail_is_recorded_but_opens_no_case(
    mailbox, smtp_server, headers, fetch
):
    subject = headers.pop("Subject", "Nyhetsbrev")
    mailbox.append(citizen_mail(subject=subject, headers=headers))

    report = fetch(mailbox)

    assert report.ingested == 1
    assert not Case.objects.exists()
    assert MailMessage.objects.get().kind != MailKind.CITIZEN
    assert smtp_server.messages == []  # never acknowledged: no mail loops


def test_the_same_message_twice_is_ingested_once(mailbox, smtp_server, fetch):
    mailbox.append(citizen_mail())
    mailbox.append(citizen_mail())  # delivered twice
    without_id = citizen_mail(subject="Utan id", message_id=None)
    mailbox.append(without_id)
    mailbox.append(without_id)

    report = fetch(mailbox)

    assert (report.ingested, report.already_stored) == (2, 2)
    assert Case.objects.count() == 2 and Contact.objects.count() == 2


def test_a_crash_between_commit_and_flag_loses_nothing_and_duplicates_nothing(
    mailbox, smtp_server, monkeypatch, fetch
):
    mailbox.append(citizen_mail())
    mailbox.append(citizen_mail(subject="Andra", message_id="<andra@example.org>"))
    real_mark = imap.mark_processed

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # the process dies right after the first commit

    monkeypatch.setattr(imap, "mark_processed", killed)
    with pytest.raises(KeyboardInterrupt):
        fetch(mailbox)
    assert Case.objects.count() == 1  # committed …
    assert not any("KundtjanstProcessed" in flags for flags in mailbox.flags())  # … not flagged

    monkeypatch.setattr(imap, "mark_processed", real_mark)
    report = fetch(mailbox)

    assert (report.ingested, report.already_stored) == (1, 1)
    assert Case.objects.count() == 2 and Contact.objects.count() == 2
    assert all("KundtjanstProcessed" in flags for flags in mailbox.flags())


def test_one_bad_message_is_quarantined_and_never_blocks_the_rest(
    mailbox, smtp_server, monkeypatch, fetch
):
    real_ingest = imap.mail_ingest

    def ingest(raw, **kwargs):
        if b"BOOM" in raw:
            raise ValueError("cannot handle this one")
        return real_ingest(raw, **kwargs)

    mailbox.append(citizen_mail(subject="Före", message_id="<fore@example.org>"))
    mailbox.append(citizen_mail(subject="BOOM", message_id="<boom@example.org>"))
    mailbox.append(citizen_mail(subject="Efter", message_id="<efter@example.org>"))

    first = fetch(mailbox, ingest=ingest)

    assert (first.ingested, first.failed) == (2, 1)
    assert set(Case.objects.values_list("summary", flat=True)) == {"Före", "Efter"}
    row = QuarantinedMail.objects.get()
    assert (row.attempts, row.moved_at, row.message_id) == (1, None, "<boom@example.org>")
    assert "cannot handle this one" in row.error
    fetch(mailbox, ingest=ingest)
    third = fetch(mailbox, ingest=ingest)
    row.refresh_from_db()
    assert row.attempts == 3 and row.moved_at is not None and third.quarantined == 1
    assert mailbox.count("Karantan") == 1 and mailbox.count("INBOX") == 2
    assert fetch(mailbox, ingest=ingest).failed == 0  # out of the way now


def test_a_rebuilt_mailbox_is_not_ingested_again(mailbox, smtp_server, fetch):
    mailbox.config = replace(mailbox.config, folder="Kundtjanst")
    mailbox.append(citizen_mail(), folder="Kundtjanst")
    fetch(mailbox)
    first_validity = MailboxState.objects.get().uidvalidity
    # The folder is restored from a backup: new UIDs, a new UIDVALIDITY, no flags.
    mailbox.delete_folder("Kundtjanst")
    mailbox.append(citizen_mail(), folder="Kundtjanst")

    report = fetch(mailbox)

    assert MailboxState.objects.get().uidvalidity != first_validity
    assert (report.ingested, report.already_stored) == (0, 1)
    assert Case.objects.count() == 1


def test_attachments_are_stored_and_those_over_the_limit_dropped_visibly(
    mailbox, smtp_server, settings, fetch, agent_client
):
    settings.MAIL_MAX_BYTES = 150_000
    mailbox.append(
        citizen_mail(
            attachments=[
                ("ritning.pdf", b"%PDF-1.4 " + b"x" * 100_000),
                ("stor.pdf", b"y" * 200_000),
            ]
        )
    )

    fetch(mailbox)

    case = Case.objects.get()
    assert list(Attachment.objects.filter(case=case).values_list("name", flat=True)) == [
        "ritning.pdf"
    ]
    message = MailMessage.objects.get(kind=MailKind.CITIZEN)
    assert message.dropped_attachments.startswith("stor.pdf: större än")
    # The agent sees both on the case page and downloads the stored one through the case view.
    page = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "ritning.pdf" in page and "stor.pdf: större än" in page
    stored = Attachment.objects.get(case=case)
    download = agent_client.get(reverse("cases:attachment", args=[case.reference, stored.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")


def test_the_command_fetches_once(mailbox, smtp_server, capsys):
    # (acknowledgements run after commit, which this test's transaction never does)
    mailbox.append(citizen_mail())
    call_command("fetch_mail", "--once")
    assert "ingested 1" in capsys.readouterr().out
    assert Case.objects.count() == 1
