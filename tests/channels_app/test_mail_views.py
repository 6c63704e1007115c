"""The agent's e-mail on the case page and the team lead's mailbox page (Django test client)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from channels_app.models import MailboxState, MailKind, MailMessage, QuarantinedMail, ReplyTemplate
from channels_app.models.mail import Delivery


def inbound(case, **values):
    defaults = {
        "direction": "in",
        "kind": MailKind.CITIZEN,
        "message_id": "<q1@example.org>",
        "case": case,
        "contact": case.contacts.first(),
        "subject": case.summary,
        "from_address": "anna@example.org",
        "from_name": "Anna",
        "at": case.created_at,
    }
    return MailMessage.objects.create(**{**defaults, **values})


def test_the_case_page_shows_the_mail_and_replies_through_smtp(
    agent_client, make_case, smtp_server
):
    case = make_case(channel="email", summary="Soptunnan töms inte")
    inbound(case)
    page = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Soptunnan töms inte" in page and "Svara med e-post" in page
    assert 'value="anna@example.org"' in page

    response = agent_client.post(
        reverse("channels:case_reply", args=[case.reference]),
        {"reply-to": "anna@example.org", "reply-text": "Hej! Vi skickar en ny tömning i morgon."},
    )

    assert response.status_code == 302
    [sent] = smtp_server.messages
    assert sent["In-Reply-To"] == "<q1@example.org>"
    assert f"[{case.reference}]" in sent["Subject"]
    assert case.contacts.filter(direction="out", channel="email").count() == 1


def test_a_refused_reply_keeps_the_text_and_records_nothing(agent_client, make_case, smtp_server):
    case = make_case(channel="email")
    inbound(case)
    smtp_server.refuse = True

    response = agent_client.post(
        reverse("channels:case_reply", args=[case.reference]),
        {"reply-to": "anna@example.org", "reply-text": "Ett svar som inte får försvinna"},
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert "Ett svar som inte får försvinna" in body and "tog inte emot" in body
    assert not case.contacts.filter(direction="out").exists()
    assert not MailMessage.objects.filter(direction="out").exists()


def test_an_empty_reply_names_the_field(agent_client, make_case):
    case = make_case(channel="email")
    response = agent_client.post(
        reverse("channels:case_reply", args=[case.reference]),
        {"reply-to": "anna@example.org", "reply-text": ""},
    )
    assert response.status_code == 422
    assert "text" in response.context["form"].errors


def test_a_bounced_reply_is_flagged_on_the_case(agent_client, make_case):
    case = make_case(channel="email")
    MailMessage.objects.create(
        direction="out",
        kind=MailKind.REPLY,
        message_id="<kt.x@kommun.se>",
        case=case,
        to="fel@example.org",
        subject="Re: fråga",
        at=timezone.now(),
        delivery=Delivery.NOT_DELIVERED,
        delivery_note="Undelivered Mail Returned to Sender",
    )
    page = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Kom inte fram" in page and "Undelivered Mail Returned to Sender" in page


def test_the_team_lead_sees_a_stalled_fetch_and_the_quarantine(
    client_for, team_lead, agent, settings
):
    settings.MAIL_IMAP_HOST = "imap.kommun.se"
    now = timezone.now()
    MailboxState.objects.create(
        mailbox="kundtjanst@imap.kommun.se:993/INBOX",
        last_attempt_at=now,
        last_success_at=now - dt.timedelta(minutes=40),
        last_error="Connection refused",
    )
    QuarantinedMail.objects.create(
        mailbox="m",
        uidvalidity=1,
        uid=7,
        subject="Trasigt meddelande",
        error="ValueError: bad",
        first_failed_at=now,
        last_failed_at=now,
    )
    page = client_for(team_lead).get(reverse("channels:mail_status")).content.decode()
    assert "Hämtningen har stannat." in page and "Connection refused" in page
    assert "Trasigt meddelande" in page and "ValueError: bad" in page
    assert client_for(agent).get(reverse("channels:mail_status")).status_code == 403
    MailboxState.objects.update(last_success_at=now)
    page = client_for(team_lead).get(reverse("channels:mail_status")).content.decode()
    assert "Hämtningen har stannat." not in page


def test_a_reply_template_is_inserted_and_edited_before_sending(
    agent_client, make_case, service, other_service, smtp_server
):
    case = make_case(channel="email")
    inbound(case)
    own = ReplyTemplate.objects.create(
        name="Bygglov – handläggningstid", service=service, text="Handläggningstiden är 10 veckor."
    )
    ReplyTemplate.objects.create(name="Förskola", service=other_service, text="Köregler …")
    ReplyTemplate.objects.create(name="Hälsning", text="Med vänlig hälsning")
    page = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Bygglov – handläggningstid" in page and "Hälsning" in page
    assert "Förskola" not in page  # another service's template is not offered

    inserted = agent_client.post(
        reverse("channels:case_reply", args=[case.reference]),
        {
            "reply-to": "anna@example.org",
            "reply-text": "Hej Anna!",
            "reply-template": own.pk,
            "insert": "1",
        },
    )

    assert inserted.status_code == 200 and smtp_server.messages == []
    assert (
        inserted.context["form"]["text"].value() == "Hej Anna!\n\nHandläggningstiden är 10 veckor."
    )
    agent_client.post(
        reverse("channels:case_reply", args=[case.reference]),
        {"reply-to": "anna@example.org", "reply-text": "Hej Anna! Handläggningstiden är 8 veckor."},
    )
    [sent] = smtp_server.messages
    assert "8 veckor" in sent.get_content()


def test_a_checklists_reply_template_is_offered_on_cases_that_used_it(
    agent_client, agent, make_case, publish_checklist
):
    from checklists import services as checklist_services

    version = publish_checklist(title="Parkeringstillstånd", questions=["Hur söker jag?"])
    ReplyTemplate.objects.create(
        name="Parkering – ansökan", checklist=version.checklist, text="Ansök i e-tjänsten."
    )
    used, other = make_case(channel="email"), make_case(channel="email")
    checklist_services.checklist_use(case=used, version=version, by=agent)

    def offered(case) -> bool:
        page = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        return "Parkering – ansökan" in page

    assert offered(used) and not offered(other)
