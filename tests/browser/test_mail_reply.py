"""E-mail in a real browser: the agent reads the citizen's mail on the case page and replies;
the team lead checks the mailbox page. axe-core on every page, screenshots at two widths."""

import pytest
from django.utils import timezone

from channels_app.models import MailKind, MailMessage, QuarantinedMail
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_replies_to_a_citizen_mail_from_the_case_page(
    page, live_server, agent, team_lead, make_case, smtp_server, axe_check, screenshot
):
    case = make_case(channel="email", summary="Soptunnan har inte tömts på två veckor")
    MailMessage.objects.create(
        direction="in",
        kind=MailKind.CITIZEN,
        message_id="<soptunna@example.org>",
        case=case,
        contact=case.contacts.get(),
        subject="Soptunnan har inte tömts på två veckor",
        from_address="karin@example.org",
        from_name="Karin Berg",
        at=case.created_at,
        dropped_attachments="film.mov: större än 25 MB (40960 kB)",
    )

    sign_in(page, live_server, "agnes")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_role("heading", name="E-post").wait_for()
    assert page.get_by_text("film.mov: större än 25 MB").count() == 1
    page.get_by_text("Svara med e-post").click()
    assert page.locator("#id_reply-to").input_value() == "karin@example.org"
    page.locator("#id_reply-text").fill("Hej Karin! Vi har beställt en extra tömning på fredag.")
    assert axe_check(page) == []
    screenshot(page, "case-mail-reply-desktop")
    page.get_by_role("button", name="Skicka svar").click()
    page.get_by_text("Svaret skickades till karin@example.org").wait_for()
    [sent] = smtp_server.messages
    assert f"[{case.reference}]" in sent["Subject"]
    assert sent["In-Reply-To"] == "<soptunna@example.org>"
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_check(page) == []
    screenshot(page, "case-mail-after-reply-phone")

    now = timezone.now()
    QuarantinedMail.objects.create(
        mailbox="kundtjanst@imap/INBOX",
        uidvalidity=1,
        uid=9,
        subject="Ett trasigt meddelande",
        error="ValueError: kunde inte tolkas",
        first_failed_at=now,
        last_failed_at=now,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, "tove")
    page.get_by_role("link", name="E-postlådan").click()
    page.get_by_role("heading", name="Karantän").wait_for()
    assert page.get_by_text("Ett trasigt meddelande").count() == 1
    assert axe_check(page) == []
    screenshot(page, "mail-status-desktop")
