"""The service survey (DOMAIN.md "Service survey"): a one-time link per contact that expires,
courtesy and ease for every contact and clarity for written ones, grades that reach
`SurveyAnswer` and so the KKiK measure; and the agent recording a caller's grades."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Channel, Direction, SurveyAnswer
from channels_app.models import SurveyComment, SurveyInvitation
from channels_app.web import services
from kpi.measures.common import MeasureFilters
from kpi.measures.survey import survey_measure
from kundtjanst.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def email_reply(make_case, agent):
    case = make_case(channel="email", text="Hur ansöker jag om bygglov?")
    return case_services.contact_add(
        case=case, channel=Channel.EMAIL, direction=Direction.OUT, text="Så här gör du.", by=agent
    )


@pytest.fixture
def phone_call(make_case):
    return make_case(channel="phone").contacts.get()


def survey_url(contact):
    return services.survey_invitation_create(contact).get_absolute_url()


def today_measure(question):
    today = timezone.localdate()
    return survey_measure(MeasureFilters(date_from=today, date_to=today), question)


def legends(html):
    return re.findall(r"<legend>(.*?)</legend>", html)


def test_an_invitation_is_one_per_contact_with_a_signed_link(email_reply):
    invitation = services.survey_invitation_create(email_reply)
    assert services.survey_invitation_create(email_reply) == invitation
    url = invitation.get_absolute_url()
    assert url.startswith("/enkat/") and invitation.nonce in url
    # The stored nonce alone opens nothing: the link carries the site's signature too.
    assert url != f"/enkat/{invitation.nonce}/"
    assert invitation.get_full_url() == "http://127.0.0.1:8000" + url
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=30)


def test_a_written_reply_is_rated_on_courtesy_ease_and_clarity(client, email_reply):
    url = survey_url(email_reply)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert legends(html) == [
        "Hur nöjd är du med bemötandet?",
        "Hur lätt var det att få hjälp?",
        "Fick du ett tydligt svar?",
    ]
    assert '<span class="grade__num">1</span><span class="grade__words">Mycket missnöjd' in html

    response = client.post(
        url, {"courtesy": "5", "ease": "4", "clarity": "2", "comment": "Snabbt, men otydligt."}
    )
    assert response.status_code == 302 and response.url == reverse("web:survey_done")
    grades = dict(SurveyAnswer.objects.filter(contact=email_reply).values_list("question", "grade"))
    assert grades == {"courtesy": 5, "ease": 4, "clarity": 2}
    assert SurveyComment.objects.get(contact=email_reply).text == "Snabbt, men otydligt."
    assert SurveyInvitation.objects.get().used_at is not None
    # The KKiK measures count it: (5 − 1) × 25 = 100, (2 − 1) × 25 = 25.
    courtesy = today_measure("courtesy")
    assert (courtesy.rated, courtesy.index) == (1, 100)
    assert today_measure("clarity").index == 25
    assert "Tack för dina svar!" in client.get(response.url).content.decode()


def test_the_survey_post_passes_with_the_null_origin_of_a_no_referrer_page(email_reply):
    url = survey_url(email_reply)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(url, {"courtesy": "3", "ease": "3", "clarity": "3"}, HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert SurveyAnswer.objects.filter(contact=email_reply).count() == 3


def test_a_phone_callback_is_not_asked_about_clarity(client, make_case, agent):
    case = make_case(channel="email")
    callback = case_services.contact_add(
        case=case, channel=Channel.PHONE, direction=Direction.OUT, text="Ringde upp.", by=agent
    )
    url = survey_url(callback)
    assert "Fick du ett tydligt svar?" not in client.get(url).content.decode()
    client.post(url, {"courtesy": "4", "ease": "3", "clarity": "1"})
    assert set(SurveyAnswer.objects.values_list("question", flat=True)) == {"courtesy", "ease"}
    assert today_measure("clarity").rated == 0


def test_the_link_works_once(client, email_reply):
    url = survey_url(email_reply)
    client.post(url, {"courtesy": "5", "ease": "5", "clarity": "5"})
    for response in (
        client.get(url),
        client.post(url, {"courtesy": "1", "ease": "1", "clarity": "1"}),
    ):
        assert response.status_code == 410
        assert "Enkäten är redan besvarad" in response.content.decode()
    assert sorted(SurveyAnswer.objects.values_list("grade", flat=True)) == [5, 5, 5]


def test_an_expired_link_gets_a_clear_page(client, email_reply):
    url = survey_url(email_reply)
    SurveyInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    for response in (client.get(url), client.post(url, {"courtesy": "5", "ease": "5"})):
        assert response.status_code == 410
        assert "Länken har gått ut" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_the_service_refuses_an_expired_or_used_invitation(email_reply):
    invitation = services.survey_invitation_create(email_reply)
    SurveyInvitation.objects.update(expires_at=timezone.now())
    grades = {"courtesy": 3, "ease": 3, "clarity": 3}
    with pytest.raises(DomainError) as expired:
        services.survey_answer_by_citizen(invitation=invitation, grades=grades)
    assert expired.value.code == "survey-link-expired"
    SurveyInvitation.objects.update(
        expires_at=timezone.now() + dt.timedelta(days=1), used_at=timezone.now()
    )
    with pytest.raises(DomainError) as used:
        services.survey_answer_by_citizen(invitation=invitation, grades=grades)
    assert used.value.code == "survey-link-used"


@pytest.mark.parametrize("token", ["nonsense", "abc.def", None])
def test_a_wrong_or_forged_link_is_a_404(client, email_reply, token):
    if token is None:  # a real nonce with a made-up signature
        token = f"{services.survey_invitation_create(email_reply).nonce}.forgedsignature"
    response = client.get(reverse("web:survey", args=[token]))
    assert response.status_code == 404
    assert "Länken fungerar inte" in response.content.decode()


def test_a_missing_or_invalid_grade_is_named_and_nothing_is_recorded(client, email_reply):
    url = survey_url(email_reply)
    response = client.post(url, {"courtesy": "6", "clarity": "3", "comment": "Bra"})
    html = response.content.decode()
    assert response.status_code == 422
    courtesy = "Välj hur nöjd du är med bemötandet, från 1 till 5."
    ease = "Välj hur lätt det var att få hjälp, från 1 till 5."
    assert f'<li><a href="#id_courtesy_0">{courtesy}</a></li>' in html
    assert f'<li><a href="#id_ease_0">{ease}</a></li>' in html
    assert 'aria-describedby="id_ease_error"' in html
    assert 'value="3" id="id_clarity_2" required checked' in html  # kept
    assert not SurveyAnswer.objects.exists()
    assert SurveyInvitation.objects.get().used_at is None


def test_the_service_asks_only_the_contacts_questions(phone_call, agent):
    with pytest.raises(DomainError) as error:
        services.survey_answer_by_agent(
            contact=phone_call, by=agent, grades={"courtesy": 4, "ease": 4, "clarity": 4}
        )
    assert error.value.code == "survey-questions-mismatch"
    assert not SurveyAnswer.objects.exists()


def test_the_status_page_link_goes_once_the_survey_is_answered(client, make_case, agent):
    case = make_case(channel="email")
    status = reverse("web:status", args=[services.status_link_create(case=case).token])
    case_services.contact_add(
        case=case, channel=Channel.EMAIL, direction=Direction.OUT, text="Svar.", by=agent
    )
    html = client.get(status).content.decode()
    url = re.search(r'href="(/enkat/[^"]+)"', html).group(1)
    client.post(url, {"courtesy": "4", "ease": "4", "clarity": "4"})
    html = client.get(status).content.decode()
    assert "/enkat/" not in html
    assert "Tack för att du svarade på enkäten" in html


def agent_page(contact):
    return reverse("web:agent_survey", args=[contact.pk])


def test_the_agent_records_a_callers_grades(client_for, agent, phone_call):
    client = client_for(agent)
    page = client.get(agent_page(phone_call))
    html = page.content.decode()
    assert page.status_code == 200
    assert legends(html) == ["Hur nöjd är du med bemötandet?", "Hur lätt var det att få hjälp?"]

    response = client.post(agent_page(phone_call), {"courtesy": "4", "ease": "2", "comment": "Kö"})
    assert response.status_code == 302
    assert response.url == reverse("cases:detail", args=[phone_call.case.reference])
    grades = dict(SurveyAnswer.objects.values_list("question", "grade"))
    assert grades == {"courtesy": 4, "ease": 2}
    assert SurveyComment.objects.get().recorded_by == agent
    assert today_measure("courtesy").rated == 1 and today_measure("ease").index == 25
    # Once per contact.
    again = client.post(agent_page(phone_call), {"courtesy": "1", "ease": "1"})
    assert "redan besvarad" in again.content.decode()
    assert SurveyAnswer.objects.count() == 2


def test_a_team_lead_may_record_grades_too(client_for, team_lead, phone_call):
    response = client_for(team_lead).post(agent_page(phone_call), {"courtesy": "5", "ease": "5"})
    assert response.status_code == 302 and SurveyAnswer.objects.count() == 2


def test_the_agent_does_not_grade_written_contacts_or_abandoned_calls(
    client_for, agent, email_reply, make_case
):
    client = client_for(agent)
    abandoned = make_case(channel="phone", answered_at=None).contacts.get()
    for contact in (email_reply, abandoned):
        response = client.post(agent_page(contact), {"courtesy": "5", "ease": "5"})
        assert "Här registreras betyg för samtal och besök" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


@pytest.mark.parametrize("who", ["other_dept_user", "dept_user", "manager", "outsider"])
def test_only_the_contact_centre_records_grades(client_for, request, phone_call, who):
    response = client_for(request.getfixturevalue(who)).post(
        agent_page(phone_call), {"courtesy": "5", "ease": "5"}
    )
    assert response.status_code == 403
    assert not SurveyAnswer.objects.exists()


def test_the_agent_page_needs_a_login_and_an_existing_contact(client, client_for, agent):
    response = client.get(reverse("web:agent_survey", args=[1]))
    assert response.status_code == 302 and "/login/" in response.url
    assert client_for(agent).get(reverse("web:agent_survey", args=[999999])).status_code == 404
