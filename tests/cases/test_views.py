"""The agent's flows through the workspace, driven with Django's test client."""

import pytest
from django.urls import reverse

from cases import services
from cases.forms import service_label
from cases.models import Case, CaseStatus

pytestmark = pytest.mark.django_db

NEW = reverse("cases:contact_new")


def log_form(chosen, **overrides):
    data = {
        "channel": "phone",
        "service": service_label(chosen),
        "summary": "Behövs bygglov för braskamin?",
        "resolution_note": "Nej, men anmälan krävs.",
        "rosa_level": "1",
        "action": "resolve",
    }
    data.update(overrides)
    return data


def test_login_is_required_for_the_workspace(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_swedish_and_logs_in(client, agent):
    page = client.get(reverse("login"))
    assert "Logga in" in page.content.decode()
    response = client.post(
        reverse("login"), {"username": "agnes", "password": "lösenord-för-test"}, follow=True
    )
    assert response.redirect_chain[-1][0] == NEW


def test_agent_logs_a_phone_call_and_resolves_it_directly(agent_client, agent, service):
    response = agent_client.post(NEW, log_form(service), follow=True)
    case = Case.objects.get()
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_directly is True
    assert case.rosa_level == 1
    assert case.service == service
    assert case.assigned_to == agent
    assert case.first_response_at is not None
    contact = case.contacts.get()
    assert contact.channel == "phone" and contact.answered_at is not None
    assert f"{case.reference} löst direkt." in response.content.decode()


def test_htmx_submission_returns_the_form_partial_with_a_fresh_form(agent_client, service):
    response = agent_client.post(NEW, log_form(service), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="log-form"')
    assert "<html" not in html
    assert "löst direkt" in html
    assert 'value="Behövs bygglov' not in html  # the form is empty for the next caller


def test_leaving_the_case_open_keeps_it_open(agent_client, service):
    agent_client.post(NEW, log_form(service, action="open", rosa_level=""))
    case = Case.objects.get()
    assert case.status == CaseStatus.OPEN
    assert case.rosa_level is None


def test_visit_is_logged_as_a_visit(agent_client, service):
    agent_client.post(NEW, log_form(service, channel="visit"))
    case = Case.objects.get()
    assert case.channel == "visit"
    assert case.contacts.get().answered_at is None


def test_written_question_resolved_on_the_spot_records_the_answer_as_the_reply(
    agent_client, service
):
    agent_client.post(NEW, log_form(service, channel="letter"))
    case = Case.objects.get()
    reply = case.contacts.get(direction="out")
    assert (reply.channel, reply.text) == ("letter", "Nej, men anmälan krävs.")
    assert case.first_response_at == reply.occurred_at
    assert case.resolved_directly is True


def test_service_can_be_typed_by_code_or_exact_name(agent_client, service):
    agent_client.post(NEW, log_form(service, service="bygglov för braskamin"))
    assert Case.objects.get().service == service


def test_validation_errors_name_the_field_and_keep_what_was_typed(agent_client, service):
    data = log_form(service, summary="", service="Finns inte", citizen_personnummer="19850709-9806")
    data["citizen_name"] = "Kim Andersson"
    response = agent_client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert Case.objects.count() == 0
    assert "Okänd tjänst: ”Finns inte”" in html
    assert 'value="Kim Andersson"' in html
    assert "Nej, men anmälan krävs.</textarea>" in html
    form = response.context["form"]
    assert set(form.errors) >= {"summary", "service"}
    assert 'aria-invalid="true"' in html


def test_invalid_personnummer_is_reported_on_its_field(agent_client, service):
    response = agent_client.post(NEW, log_form(service, citizen_personnummer="19850709-9806"))
    assert response.status_code == 422
    assert "Ogiltigt personnummer" in response.context["form"].errors["citizen_personnummer"][0]
    assert Case.objects.count() == 0


def test_refused_resolution_leaves_no_personal_data_behind(agent_client, service):
    from cases.models import Citizen

    data = log_form(service, rosa_level="5", citizen_name="Kim", citizen_phone="070-1234567")
    assert agent_client.post(NEW, data).status_code == 422
    assert Citizen.objects.count() == 0


def test_rosa_level_five_is_not_offered_to_agents_and_refused_if_posted(agent_client, service):
    page = agent_client.get(NEW).content.decode()
    assert '<option value="5"' not in page
    response = agent_client.post(NEW, log_form(service, rosa_level="5"))
    assert response.status_code == 422
    assert "rosa_level" in response.context["form"].errors
    assert Case.objects.count() == 0


def test_manager_may_not_log_contacts(client_for, manager):
    response = client_for(manager).get(NEW)
    assert response.status_code == 403


def test_case_list_filters_by_status_channel_department_and_mine(
    client_for, agent, team_lead, make_case, other_service
):
    open_case = make_case(summary="Öppen fråga om bygglov")
    resolved = services.case_resolve(
        case=make_case(summary="Löst fråga", channel="email"), rosa_level=1, by=agent
    )
    school = make_case(summary="Förskoleplats", service=other_service, by=team_lead)
    client = client_for(agent)
    url = reverse("cases:list")

    def refs(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {c.reference for c in response.context["page"].object_list}

    assert refs() == {open_case.reference, resolved.reference, school.reference}
    assert refs(status="resolved") == {resolved.reference}
    assert refs(channel="email") == {resolved.reference}
    assert refs(department="skola") == {school.reference}
    assert refs(mine="on") == {open_case.reference, resolved.reference}
    assert refs(q=school.reference) == {school.reference}
    assert refs(q="bygglov") == {open_case.reference}


def test_case_list_date_filter_and_bad_range_error(agent_client, make_case):
    make_case()
    url = reverse("cases:list")
    response = agent_client.get(url, {"date_from": "2030-01-02", "date_to": "2030-01-01"})
    assert "date_to" in response.context["form"].errors
    assert response.context["page"].paginator.count == 0
    response = agent_client.get(url, {"date_from": "2000-01-01"})
    assert response.context["page"].paginator.count == 1


def test_case_list_htmx_returns_only_the_results(agent_client, make_case):
    make_case()
    response = agent_client.get(reverse("cases:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert response["Vary"].count("HX-Request") == 1


def test_case_list_pages_with_fixed_query_count(
    agent_client, make_case, settings, django_assert_max_num_queries
):
    settings.CASES_PAGE_SIZE = 10
    for n in range(25):
        make_case(summary=f"Fråga {n}")
    with django_assert_max_num_queries(8):
        response = agent_client.get(reverse("cases:list"), {"page": 3})
    assert len(response.context["page"].object_list) == 5


def test_department_user_sees_only_own_department(client_for, dept_user, make_case, other_service):
    own = make_case()
    other = make_case(service=other_service)
    client = client_for(dept_user)
    listed = {c.reference for c in client.get(reverse("cases:list")).context["page"].object_list}
    assert listed == {own.reference}
    assert client.get(reverse("cases:detail", args=[own.reference])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.reference])).status_code == 404
    assert client.get(reverse("cases:detail", args=["KT-1999-000001"])).status_code == 404


def test_outsider_sees_nothing(client_for, outsider, make_case):
    case = make_case()
    client = client_for(outsider)
    assert client.get(reverse("cases:list")).context["page"].paginator.count == 0
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 404


def test_case_detail_shows_timeline_history_and_masked_personnummer(agent_client, agent, make_case):
    citizen = services.citizen_create(name="Kim", personnummer="198507099805", by=agent)
    case = make_case(citizen=citizen, text="Ringer om braskamin")
    services.case_update(case=case, by=agent, notes="Ring upp i morgon")
    html = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Ringer om braskamin" in html
    assert "19850709-****" in html
    assert "198507099805" not in html
    assert "ändrade ärendet" in html
    assert "Ring upp i morgon" in html


def test_add_contact_resolve_close_and_reopen_from_the_detail_page(agent_client, make_case):
    case = make_case(channel="email")
    detail = reverse("cases:detail", args=[case.reference])
    response = agent_client.post(
        reverse("cases:contact_add", args=[case.reference]),
        {"channel": "email", "direction": "out", "text": "Svar skickat"},
    )
    assert response.status_code == 302 and response["Location"] == detail
    case.refresh_from_db()
    assert case.contacts.count() == 2 and case.first_response_at is not None

    agent_client.post(
        reverse("cases:resolve", args=[case.reference]),
        {"version": case.version, "rosa_level": "2", "note": "Besvarat via e-post"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.rosa_level == 2

    agent_client.post(
        reverse("cases:status_action", args=[case.reference, "close"]), {"version": case.version}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    agent_client.post(
        reverse("cases:status_action", args=[case.reference, "reopen"]), {"version": case.version}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.reopened_count == 1


def test_abandoned_call_is_recorded_without_answer_time(agent_client, make_case):
    case = make_case()
    agent_client.post(
        reverse("cases:contact_add", args=[case.reference]),
        {"channel": "phone", "direction": "in", "abandoned": "on"},
    )
    assert case.contacts.order_by("-id").first().answered_at is None


def test_two_people_editing_get_a_conflict_message(client_for, agent, team_lead, make_case):
    case = make_case()
    version_when_opened = case.version
    edit = reverse("cases:edit", args=[case.reference])
    first = client_for(team_lead).post(
        edit, {"version": version_when_opened, "summary": "Tove skrev detta", "notes": ""}
    )
    assert first.status_code == 302
    second = client_for(agent).post(
        edit, {"version": version_when_opened, "summary": "Agnes skrev detta", "notes": "x"}
    )
    assert second.status_code == 422
    assert "Någon annan har ändrat ärendet" in second.content.decode()
    case.refresh_from_db()
    assert case.summary == "Tove skrev detta"


def test_refused_transition_shows_a_message(agent_client, make_case):
    case = make_case()
    response = agent_client.post(
        reverse("cases:status_action", args=[case.reference, "reopen"]),
        {"version": case.version},
        follow=True,
    )
    assert "kan öppnas igen" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_department_user_may_resolve_at_level_six_on_own_case(client_for, dept_user, make_case):
    case = make_case()
    client_for(dept_user).post(
        reverse("cases:resolve", args=[case.reference]),
        {"version": case.version, "rosa_level": "6"},
    )
    case.refresh_from_db()
    assert case.rosa_level == 6 and case.resolved_directly is False


def test_health_needs_no_login(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


def test_a_case_nobody_is_assigned_to_still_shows(agent_client, make_case):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(assigned_to=None)  # e.g. the user was deleted

    response = agent_client.get(reverse("cases:detail", args=[case.reference]))

    assert response.status_code == 200
    assert "<dt>Handläggare</dt><dd>–</dd>" in response.content.decode()
