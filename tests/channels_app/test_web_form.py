"""The public contact form (/kontakt/): a citizen's question becomes a web case; invalid fields
are named; robots (hidden field, too fast, too many) are refused and the citizen loses nothing."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Channel, Citizen, Contact, Direction
from channels_app.models import (
    MailKind,
    MailMessage,
    StatusLink,
    WebAttemptKind,
    WebAttemptOutcome,
    WebFormAttempt,
)
from channels_app.models.web import token_hash
from channels_app.system import channel_user
from channels_app.web.forms import started_token
from tests.factories import SubjectAreaFactory

pytestmark = pytest.mark.django_db

QUESTION = "Hej! Får jag sätta in en braskamin i mitt fritidshus utan bygglov?"


@pytest.fixture
def area(db):
    return SubjectAreaFactory(code="bygglov", name="Bygglov")


def form_data(**changes):
    """What a person sends after a while on the page."""
    data = {
        "subject_area": "",
        "question": QUESTION,
        "answer_by": "email",
        "email": "karin@example.se",
        "phone": "",
        "name": "Karin Berg",
        "website": "",
        "started": started_token(time.time() - 20),
    }
    data.update(changes)
    return data


def post(client, data, **extra):
    return client.post(reverse("web:contact"), data, **extra)


def nothing_created():
    return not Case.objects.exists() and not Citizen.objects.exists()


def test_form_needs_no_login_and_carries_the_spam_traps(client, area):
    response = client.get(reverse("web:contact"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sv">' in html
    assert '<label for="id_question">Din fråga' in html
    assert '<option value="" selected>Vet inte / annat</option>' in html
    assert f'<option value="{area.pk}">Bygglov</option>' in html
    assert "<legend>Hur vill du få svar?" in html
    # The honeypot: hidden from screen readers, out of the tab order, never autofilled.
    honeypot = re.search(r'<div class="hp" aria-hidden="true">.*?</div>', html, re.S).group(0)
    assert 'name="website"' in honeypot
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot
    assert '<label for="id_website">Lämna det här fältet tomt</label>' in honeypot
    assert re.search(r'<input type="hidden" name="started" value="[^"]+">', html)


def test_a_question_becomes_one_web_case_with_citizen_and_first_contact(client, area):
    response = post(client, form_data(subject_area=area.pk))

    assert response.status_code == 302 and response.url == reverse("web:receipt")
    case = Case.objects.get()
    assert case.channel == Channel.WEB
    assert case.subject_area == area
    assert case.summary.startswith("Hej! Får jag sätta in en braskamin")
    assert case.citizen.name == "Karin Berg" and case.citizen.email == "karin@example.se"
    assert case.citizen.phone == ""
    contact = Contact.objects.get()
    assert (contact.case, contact.channel, contact.direction) == (case, "web", Direction.IN)
    assert contact.text == QUESTION
    assert contact.handled_by == channel_user()
    assert case.first_response_at is None
    assert Citizen.objects.count() == 1

    receipt = client.get(response.url)
    html = receipt.content.decode()
    assert case.reference in html
    token = re.search(r'href="http://testserver/arende/([^/"]+)/"', html).group(1)
    # Only the hash is stored; the link opens the case's status page.
    link = StatusLink.objects.get()
    assert link.case == case and link.token_hash == token_hash(token) != token
    assert client.get(reverse("web:status", args=[token])).status_code == 200
    assert receipt["Referrer-Policy"] == "no-referrer"
    assert "no-store" in receipt["Cache-Control"]


def test_the_contact_form_keeps_its_csrf_protection(area):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("web:contact"), form_data()).status_code == 403
    html = browser.get(reverse("web:contact")).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(reverse("web:contact"), form_data(csrfmiddlewaretoken=csrf))
    assert response.status_code == 302 and Case.objects.count() == 1


def test_receipt_page_without_a_submission_sends_to_the_form(client):
    response = client.get(reverse("web:receipt"))
    assert response.status_code == 302 and response.url == reverse("web:contact")


def test_the_receipt_email_is_the_acknowledgement_with_the_status_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data())
    case = Case.objects.get()
    [message] = mail.outbox
    assert message.to == ["karin@example.se"]
    assert case.reference in message.subject and case.reference in message.body
    token = re.search(r"http://127\.0\.0\.1:8000/arende/([^/\s]+)/", message.body).group(1)
    assert StatusLink.objects.get(token_hash=token_hash(token)).case == case
    # Recorded on the case as the acknowledgement, which never counts as the reply.
    assert MailMessage.objects.get(case=case).kind == MailKind.ACKNOWLEDGEMENT
    assert not case.contacts.filter(direction=Direction.OUT).exists()
    case.refresh_from_db()
    assert case.first_response_at is None


def test_the_receipt_goes_through_a_real_smtp_server(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, form_data(email="olof@example.se"))
    [message] = smtp_server.messages
    assert message["To"] == "olof@example.se"
    assert Case.objects.get().reference in message["Subject"]
    assert "/arende/" in message.get_content()


def test_a_mail_server_that_is_down_loses_no_question(
    client, smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, form_data())
    assert response.status_code == 302
    assert Case.objects.count() == 1


def test_an_answer_by_phone_keeps_only_the_phone_number_and_sends_no_mail(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, form_data(answer_by="phone", phone="070-123 45 67", email="karin@example.se")
        )
    assert response.status_code == 302
    citizen = Case.objects.get().citizen
    assert citizen.phone == "070-123 45 67" and citizen.email == ""
    assert mail.outbox == []
    assert "via telefon" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"question": "  "}, "question", "Skriv din fråga."),
        (
            {"question": "x" * 4001},
            "question",
            "Frågan får vara högst 4000 tecken. Nu är den 4001 tecken.",
        ),
        ({"email": ""}, "email", "Skriv din e-postadress, eftersom du vill ha svar via e-post."),
        ({"email": "karin.example.se"}, "email", "Skriv e-postadressen så här: namn@exempel.se."),
        (
            {"answer_by": "phone", "phone": ""},
            "phone",
            "Skriv ditt telefonnummer, eftersom du vill bli uppringd.",
        ),
        (
            {"answer_by": "phone", "phone": "ring mig"},
            "phone",
            "Skriv telefonnumret med siffror, till exempel 070-123 45 67.",
        ),
        ({"name": "N" * 201}, "name", "Namnet får vara högst 200 tecken."),
        ({"subject_area": "999999"}, "subject_area", "Välj ett av områdena i listan."),
        ({"answer_by": ""}, "answer_by", "Välj hur du vill få svar."),
    ],
)
def test_each_invalid_field_is_named_tied_to_the_field_and_listed_at_the_top(
    client, changes, field, message
):
    response = post(client, form_data(**changes))
    html = response.content.decode()

    assert response.status_code == 422
    assert nothing_created()
    anchor = f"id_{field}_0" if field == "answer_by" else f"id_{field}"
    # The summary links to the field; the field says what is wrong and points at it.
    assert f'<li><a href="#{anchor}">{message}</a></li>' in html
    assert f'<p class="error" id="id_{field}_error">{message}</p>' in html
    if field == "answer_by":
        assert 'aria-describedby="id_answer_by_error"' in html
    else:
        widget = re.search(rf'<(input|select|textarea)[^>]*id="id_{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in widget
        assert f"id_{field}_error" in re.search(r'aria-describedby="([^"]+)"', widget).group(1)
    # Nothing the citizen typed is lost.
    if field != "question":
        assert QUESTION in html


def test_a_filled_honeypot_is_refused_with_a_message_and_nothing_created(client):
    response = post(client, form_data(website="http://spam.example"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "ett fält som ska lämnas tomt var ifyllt" in html
    assert nothing_created()
    assert QUESTION in html and "karin@example.se" in html
    # A person who got here by mistake can send again: the trap comes back empty.
    assert "http://spam.example" not in html
    attempt = WebFormAttempt.objects.get()
    assert (attempt.kind, attempt.outcome) == (WebAttemptKind.QUESTION, WebAttemptOutcome.HONEYPOT)


def test_a_form_sent_faster_than_a_person_can_is_refused(client, settings):
    settings.WEB_FORM_MIN_SECONDS = 3
    response = post(client, form_data(started=started_token(time.time() - 1)))
    html = response.content.decode()
    assert response.status_code == 422
    assert "vänta några sekunder och skicka igen" in html
    assert nothing_created() and QUESTION in html
    assert WebFormAttempt.objects.get().outcome == WebAttemptOutcome.TOO_FAST


def test_a_form_shown_again_keeps_its_first_timestamp(client):
    """Time spent correcting counts: a quick fix after an error is not "too fast"."""
    first = started_token(time.time() - 20)
    html = post(client, form_data(email="", started=first)).content.decode()
    assert f'name="started" value="{first}"' in html
    html = post(client, form_data(email="", started="forged")).content.decode()
    assert 'name="started" value="forged"' not in html
    assert re.search(r'name="started" value="[^"]+:[^"]+"', html)


@pytest.mark.parametrize("started", ["", "forged", started_token(time.time() - 3 * 24 * 3600)])
def test_a_missing_forged_or_day_old_timestamp_asks_to_send_again(client, started):
    response = post(client, form_data(started=started))
    assert response.status_code == 422
    assert "Formuläret har varit öppet för länge" in response.content.decode()
    assert nothing_created()


def test_the_minimum_fill_time_is_a_setting(client, settings):
    settings.WEB_FORM_MIN_SECONDS = 0
    assert post(client, form_data(started=started_token())).status_code == 302


def test_too_many_questions_from_one_address_are_refused(client, settings):
    settings.WEB_FORM_RATE_LIMIT = 2
    assert post(client, form_data()).status_code == 302
    assert post(client, form_data()).status_code == 302

    response = post(client, form_data(question="Den tredje frågan"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "Du har skickat många meddelanden på kort tid" in html
    assert "Den tredje frågan" in html
    assert Case.objects.count() == 2
    # Another sender is not affected.
    assert post(client, form_data(), REMOTE_ADDR="192.0.2.7").status_code == 302
    # The addresses are kept only as keyed hashes.
    hashes = set(WebFormAttempt.objects.values_list("ip_hash", flat=True))
    assert len(hashes) == 2 and all(len(h) == 64 and "127.0.0.1" not in h for h in hashes)


def test_refused_robots_count_against_the_limit_but_add_no_rows_beyond_it(client, settings):
    settings.WEB_FORM_RATE_LIMIT = 2
    for _ in range(5):
        post(client, form_data(website="spam"))
    assert WebFormAttempt.objects.count() == 2
    assert post(client, form_data()).status_code == 429


def test_the_rate_limit_forgets_after_its_window(client, settings):
    settings.WEB_FORM_RATE_LIMIT = 1
    settings.WEB_FORM_RATE_WINDOW_MINUTES = 10
    assert post(client, form_data()).status_code == 302
    WebFormAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=11))
    assert post(client, form_data()).status_code == 302
    # The old row was deleted as the new one arrived.
    assert WebFormAttempt.objects.count() == 1


def test_behind_a_proxy_the_forwarded_address_is_counted_and_forgeries_ignored(client, settings):
    settings.WEB_FORM_RATE_LIMIT = 1
    settings.WEB_FORM_PROXY_COUNT = 1
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert post(client, form_data(), **first).status_code == 302
    # Writing another address in front of one's own does not reset the count.
    forged = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.1"}
    assert post(client, form_data(), **forged).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    assert post(client, form_data(), **other).status_code == 302
