"""The citizen's status page (/arende/<token>/): status, date, the replies sent to them — never
internal notes or hand-over details — and a follow-up message that lands on the case."""

import datetime as dt
import secrets

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseStatus, Channel, Direction
from channels_app.models import SurveyInvitation
from channels_app.system import channel_user
from channels_app.web import services

pytestmark = pytest.mark.django_db

SENDER = services.ip_hash("192.0.2.1")


@pytest.fixture
def web_case(db):
    """A question through the contact form's service, as a citizen sends it."""
    submission = services.web_question_submit(
        sender=SENDER,
        question="Hur söker jag bygglov för en altan?",
        answer_by="email",
        email="karin@example.se",
        name="Karin Berg",
    )
    return submission.case, reverse("web:status", args=[submission.status.token])


def reply(case, by, text, channel=Channel.EMAIL, **kwargs):
    return case_services.contact_add(
        case=case, channel=channel, direction=Direction.OUT, text=text, by=by, **kwargs
    )


def test_status_page_shows_status_date_and_replies_oldest_first(client, web_case, agent):
    case, url = web_case
    now = timezone.now()
    reply(case, agent, "Det andra svaret.", occurred_at=now + dt.timedelta(minutes=2))
    reply(case, agent, "Det första svaret.", occurred_at=now + dt.timedelta(minutes=1))
    case_services.case_set_waiting(case=case, by=agent)

    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert case.reference in html
    assert "Vi väntar på svar från dig" in html
    assert timezone.localtime(case.created_at).strftime("%Y-%m-%d") in html
    assert html.index("Det första svaret.") < html.index("Det andra svaret.")
    # The citizen's own question is not a reply.
    assert "Hur söker jag bygglov för en altan?" not in html


def test_status_page_never_shows_notes_escalations_or_internal_contacts(
    client, make_case, agent, dept_user, escalate
):
    case = make_case(
        channel="email", notes="INTERN ANTECKNING om grannen", text="Min fråga om bygglov"
    )
    url = reverse("web:status", args=[services.status_link_create(case=case).token])
    # An internal inbound call note by the agent, and an answer to the citizen.
    called = timezone.now()
    case_services.contact_add(
        case=case,
        channel=Channel.PHONE,
        direction=Direction.IN,
        text="SAMTALSANTECKNING: ringde själv och var arg",
        by=agent,
        occurred_at=called,
        answered_at=called,
    )
    reply(case, agent, "Vi har lämnat din fråga vidare till bygglovsenheten.")
    escalation = escalate(
        case,
        note="HEMLIG NOT till förvaltningen",
        told_citizen="ÖVERLÄMNINGSTEXT",
        question="ÖVERLÄMNAD FRÅGA",
        callback_to="070-999 88 77",
    )
    case_services.escalation_contact_citizen(
        escalation=escalation, by=dept_user, channel=Channel.EMAIL, text="Beslutet är klart."
    )

    html = client.get(url).content.decode()
    assert "Din fråga handläggs av en förvaltning" in html
    assert "Vi har lämnat din fråga vidare" in html and "Beslutet är klart." in html
    for internal in (
        "INTERN ANTECKNING",
        "SAMTALSANTECKNING",
        "Min fråga om bygglov",
        "HEMLIG NOT",
        "ÖVERLÄMNINGSTEXT",
        "ÖVERLÄMNAD FRÅGA",
        "070-999 88 77",
        "Bygglovsenheten",
        "Samhällsbyggnadsförvaltningen",
        "Agnes",
        "Bertil",
        case.summary,
    ):
        assert internal not in html, internal


def test_token_pages_are_private(client, web_case):
    _, url = web_case
    response = client.get(url)
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_token_is_a_404_that_says_nothing_about_the_case(client, web_case):
    case, url = web_case
    wrong = [
        reverse("web:status", args=[secrets.token_urlsafe(32)]),
        reverse("web:status", args=[url.split("/")[2][:-1] + "x"]),
        reverse("web:status", args=["x" * 500]),
    ]
    bodies = set()
    for address in wrong:
        response = client.get(address)
        assert response.status_code == 404
        assert case.reference not in response.content.decode()
        bodies.add(response.content.decode())
    assert len(bodies) == 1
    assert "Länken fungerar inte" in bodies.pop()
    assert client.post(wrong[0], {"text": "Hej"}).status_code == 404
    assert case.contacts.count() == 1


def test_a_follow_up_becomes_an_inbound_web_contact_and_reopens_a_waiting_case(
    client, web_case, agent
):
    case, url = web_case
    reply(case, agent, "Vilken fastighet gäller det?")
    case_services.case_set_waiting(case=case, by=agent)

    response = client.post(url, {"text": "Fastigheten är Storby 1:23."})
    assert response.status_code == 302 and response.url == url
    contact = case.contacts.order_by("-occurred_at", "-id").first()
    assert (contact.channel, contact.direction) == (Channel.WEB, Direction.IN)
    assert contact.text == "Fastigheten är Storby 1:23."
    assert contact.handled_by == channel_user()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert "Tack! Ditt meddelande har lagts till i ärendet." in client.get(url).content.decode()


def test_an_empty_or_too_long_follow_up_is_refused_on_the_field(client, web_case, settings):
    case, url = web_case
    response = client.post(url, {"text": "  "})
    html = response.content.decode()
    assert response.status_code == 422
    assert '<li><a href="#id_text">Skriv ditt meddelande.</a></li>' in html
    assert 'aria-describedby="id_text_error"' in html
    settings.WEB_FORM_MAX_LENGTH = 10
    response = client.post(url, {"text": "Ett alldeles för långt meddelande"})
    assert "Meddelandet får vara högst 10 tecken. Nu är det 33 tecken." in (
        response.content.decode()
    )
    assert case.contacts.count() == 1


def test_follow_ups_are_rate_limited(client, web_case, settings):
    case, url = web_case
    settings.WEB_FORM_RATE_LIMIT = 2
    assert client.post(url, {"text": "Ett"}).status_code == 302
    assert client.post(url, {"text": "Två"}).status_code == 302
    response = client.post(url, {"text": "Tre"})
    assert response.status_code == 429
    assert "Tre" in response.content.decode()
    assert case.contacts.count() == 3


def test_replies_get_survey_links_when_the_page_is_shown(client, web_case, agent):
    case, url = web_case
    recent = reply(case, agent, "Ett svar.")
    old = reply(case, agent, "Ett gammalt svar.")
    old.occurred_at = timezone.now() - dt.timedelta(days=31)  # a reply from long ago
    old.save(update_fields=["occurred_at"])

    html = client.get(url).content.decode()
    invitation = SurveyInvitation.objects.get()
    assert invitation.contact == recent
    assert invitation.get_absolute_url() in html
    assert "Svara på en kort enkät" in html
    # Showing the page again makes no second invitation.
    client.get(url)
    assert SurveyInvitation.objects.count() == 1


def test_the_status_page_makes_a_fixed_number_of_queries(
    client, web_case, agent, django_assert_max_num_queries
):
    case, url = web_case
    for n in range(5):
        reply(case, agent, f"Svar {n}.")
    client.get(url)  # creates the invitations
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.content.decode().count("Svara på en kort enkät") == 5


def test_the_pages_own_posts_pass_although_no_referrer_makes_their_origin_null(web_case):
    """Under `Referrer-Policy: no-referrer` browsers send `Origin: null` with the page's form
    posts; the token in the address, not a cookie, is what authorises them."""
    case, url = web_case
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(url, {"text": "Ett tillägg."}, HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert case.contacts.filter(direction=Direction.IN, text="Ett tillägg.").exists()
