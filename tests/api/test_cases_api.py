"""The case and contact API (/api/v1/cases/, /api/v1/contacts/): shapes, rules, visibility."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from cases import services
from cases.models import Case, CaseStatus, Citizen, Contact

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CASES = "/api/v1/cases/"
CONTACTS = "/api/v1/contacts/"
VALID_PNR = "19850709-9805"  # the personnummer package's documented test number


def case_url(case_or_reference, action: str = "") -> str:
    reference = getattr(case_or_reference, "reference", case_or_reference)
    return f"{CASES}{reference}/{action + '/' if action else ''}"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


def references(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


# ---------------------------------------------------------------------------------------------
# Create


def test_agent_logs_a_case_by_codes_and_gets_its_reference(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "email",
            "summary": "Behöver jag bygglov för en braskamin?",
            "service": "bygglov-braskamin",
            "text": "Hej, jag vill sätta in en braskamin.",
            "occurred_at": "2026-03-02T10:15:00+01:00",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == "KT-2026-000001"
    assert body["status"] == "open"
    assert body["channel"] == "email"
    # The service implies its department and KKiK subject area.
    assert (body["department"], body["service"], body["subject_area"]) == (
        "bygg",
        "bygglov-braskamin",
        "bygglov",
    )
    assert body["assigned_to"] == "agnes"
    assert body["version"] == 1
    assert body["citizen"] is None
    assert body["created_at"] == "2026-03-02T10:15:00+01:00"
    assert body["first_response_at"] is None  # an e-mail is not answered by arriving
    assert [(c["direction"], c["text"]) for c in body["contacts"]] == [
        ("in", "Hej, jag vill sätta in en braskamin.")
    ]
    assert Case.objects.get(reference="KT-2026-000001").contacts.count() == 1


def test_created_at_defaults_to_now(agent_api, service):
    before = timezone.now()
    response = agent_api.post(CASES, {"channel": "visit", "summary": "Öppettider"}, format="json")

    assert response.status_code == 201, response.json()
    created = Case.objects.get(reference=response.json()["reference"]).created_at
    assert before <= created <= timezone.now()


def test_phone_case_answered_at_is_its_first_response(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "phone",
            "summary": "Fråga om bygglov",
            "department": "bygg",
            "occurred_at": "2026-03-02T10:15:00+01:00",
            "answered_at": "2026-03-02T10:15:40+01:00",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["first_response_at"] == "2026-03-02T10:15:40+01:00"
    assert response.json()["contacts"][0]["answered_at"] == "2026-03-02T10:15:40+01:00"


def test_create_with_citizen_stores_the_normalised_number_and_shows_it_masked(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "phone",
            "summary": "Bygglov",
            "service": "bygglov-braskamin",
            "citizen": {
                "name": "Anna Andersson",
                "phone": "070-123 45 67",
                "personnummer": VALID_PNR,
            },
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["citizen"] == {
        "name": "Anna Andersson",
        "phone": "070-123 45 67",
        "email": "",
        "personnummer_masked": "19850709-****",
    }
    assert "9805" not in response.content.decode()
    assert Citizen.objects.get().personnummer == "198507099805"


def test_create_with_only_blank_citizen_details_stays_anonymous(agent_api, service):
    response = agent_api.post(
        CASES,
        {"channel": "chat", "summary": "Fråga", "citizen": {"name": "  ", "email": ""}},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["citizen"] is None
    assert not Citizen.objects.exists()


def test_log_and_resolve_in_one_request(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "phone",
            "summary": "Behöver jag bygglov för braskamin?",
            "service": "bygglov-braskamin",
            "answered_at": None,
            "resolve": {"rosa_level": 2, "note": "Nej, men anmälan till byggnadsnämnden."},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "resolved"
    assert body["rosa_level"] == 2
    assert body["resolved_directly"] is True
    assert body["resolution_note"] == "Nej, men anmälan till byggnadsnämnden."
    assert body["resolved_at"] is not None


def test_refused_resolution_in_one_request_leaves_nothing_behind(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "phone",
            "summary": "Överklagan av beslut",
            "service": "bygglov-braskamin",
            "citizen": {"name": "Anna Andersson", "personnummer": VALID_PNR},
            "resolve": {"rosa_level": 5},
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "rosa-level-above-contact-centre"
    assert not Case.objects.exists()
    assert not Citizen.objects.exists()
    # The reference number was rolled back too: the next case gets the first number.
    again = agent_api.post(CASES, {"channel": "phone", "summary": "Ny fråga"}, format="json")
    assert again.json()["reference"].endswith("-000001")


def test_resolving_above_the_agreed_level_is_refused_through_the_api(agent_api, service):
    from tests.conftest import agree

    agree(service, max_rosa=2)
    response = agent_api.post(
        CASES,
        {
            "channel": "phone",
            "summary": "Fråga",
            "service": service.code,
            "resolve": {"rosa_level": 3},
        },
        format="json",
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "rosa-level-above-agreement",
        "rosa_level",
    )
    assert not Case.objects.exists()


def test_department_user_logs_a_case_for_their_own_department(api_for, dept_user, service):
    response = api_for(dept_user).post(
        CASES, {"channel": "email", "summary": "Fråga", "department": "bygg"}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["assigned_to"] == "bertil"


def test_department_user_may_not_log_a_case_for_another_department(
    api_for, dept_user, service, other_department
):
    response = api_for(dept_user).post(
        CASES, {"channel": "email", "summary": "Fråga", "department": "skola"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "department-not-own"


# ---------------------------------------------------------------------------------------------
# Validation: every bad input is a 400 that names the field, never a 500


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("department", "Okänd förvaltning: ”nope”."),
        ("service", "Okänd tjänst: ”nope”."),
        ("subject_area", "Okänt KKiK-område: ”nope”."),
    ],
)
def test_unknown_codes_are_refused_by_name(agent_api, service, field, message):
    response = agent_api.post(
        CASES, {"channel": "phone", "summary": "Fråga", field: "nope"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {field: [message]}


@pytest.mark.parametrize("value", [{"code": "bygg"}, ["bygg"], 42])
def test_a_code_that_is_not_text_is_refused_as_such(agent_api, service, value):
    response = agent_api.post(
        CASES, {"channel": "phone", "summary": "Fråga", "department": value}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"department": ["Ange koden som text."]}


def test_inactive_department_is_unknown_for_new_cases(agent_api, service, other_department):
    other_department.active = False
    other_department.save()

    response = agent_api.post(
        CASES, {"channel": "phone", "summary": "Fråga", "department": "skola"}, format="json"
    )

    assert response.json() == {"department": ["Okänd förvaltning: ”skola”."]}


def test_unknown_fields_are_refused_by_name_also_when_nested(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "phone",
            "summary": "Fråga",
            "priority": "hög",
            "status": "resolved",
            "citizen": {"name": "Anna", "address": "Storgatan 1"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "priority": ["Okänt fält."],
        "status": ["Okänt fält."],
        "citizen": {"address": ["Okänt fält."]},
    }
    assert not Case.objects.exists()


def test_unknown_field_is_reported_together_with_other_field_errors(agent_api, db):
    response = agent_api.post(CASES, {"channel": "fax", "colour": "blå"}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"channel", "summary", "colour"}


def test_missing_required_fields_are_named(agent_api, db):
    response = agent_api.post(CASES, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"channel", "summary"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"summary": ""}, "summary"),
        ({"summary": "   "}, "summary"),
        ({"summary": "x" * 301}, "summary"),
        ({"summary": ["en", "lista"]}, "summary"),
        ({"summary": "tecken\x00"}, "summary"),
        ({"occurred_at": "2026-02-30T10:00:00+01:00"}, "occurred_at"),
        ({"occurred_at": "i går"}, "occurred_at"),
        ({"occurred_at": 1772442900}, "occurred_at"),
        ({"occurred_at": "2026-03-02"}, "occurred_at"),
        ({"answered_at": "2026-03-02T10:15:00"}, "answered_at"),
        ({"citizen": "Anna Andersson"}, "citizen"),
        ({"citizen": {"email": "inte-en-adress"}}, "citizen"),
        ({"citizen": {"name": "A" * 201}}, "citizen"),
        ({"resolve": {"rosa_level": 7}}, "resolve"),
        ({"resolve": {"rosa_level": "två"}}, "resolve"),
        ({"resolve": True}, "resolve"),
    ],
)
def test_bad_case_input_is_a_field_error(agent_api, service, changes, field):
    response = agent_api.post(
        CASES, {"channel": "phone", "summary": "Fråga", **changes}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Case.objects.exists()


def test_naive_datetime_is_refused_with_a_hint_about_the_offset(agent_api, service):
    response = agent_api.post(
        CASES,
        {"channel": "phone", "summary": "Fråga", "occurred_at": "2026-10-25T02:30:00"},
        format="json",
    )

    assert response.status_code == 400
    assert "tidszon" in response.json()["occurred_at"][0]


def test_datetime_in_utc_is_shown_in_stockholm_time(agent_api, service):
    response = agent_api.post(
        CASES,
        {"channel": "phone", "summary": "Fråga", "occurred_at": "2026-07-01T08:00:00Z"},
        format="json",
    )

    assert response.json()["created_at"] == "2026-07-01T10:00:00+02:00"


def test_invalid_personnummer_is_refused_with_its_domain_code(agent_api, service):
    response = agent_api.post(
        CASES,
        {"channel": "phone", "summary": "Fråga", "citizen": {"personnummer": "19850709-9806"}},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "personnummer-invalid"
    assert response.json()["field"] == "personnummer"
    assert not Citizen.objects.exists()


def test_answered_at_on_an_email_is_refused_with_its_domain_code(agent_api, service):
    response = agent_api.post(
        CASES,
        {
            "channel": "email",
            "summary": "Fråga",
            "occurred_at": "2026-03-02T10:15:00+01:00",
            "answered_at": "2026-03-02T10:16:00+01:00",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "answered-at-only-inbound-phone"


def test_service_of_another_department_is_a_mismatch(agent_api, service, other_service):
    response = agent_api.post(
        CASES,
        {"channel": "phone", "summary": "Fråga", "department": "bygg", "service": "forskoleplats"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "service-department-mismatch"


def test_a_body_that_is_not_json_is_a_400(agent_api, db):
    response = agent_api.post(CASES, data='{"channel": "phone",', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_json_body_that_is_not_an_object_is_a_400(agent_api, db):
    response = agent_api.post(CASES, ["phone", "Fråga"], format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_form_encoded_bodies_are_not_accepted(agent_api, db):
    response = agent_api.post(CASES, {"channel": "phone", "summary": "Fråga"})

    assert response.status_code == 415


@pytest.mark.parametrize("action", ["", "contacts"])
def test_a_browser_gets_json_and_not_an_error_page(api_for, agent, make_case, action):
    case = make_case()
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

    listed = api_for(agent).get(
        CASES + (f"{case.reference}/{action}/" if action else ""), HTTP_ACCEPT=browser_accept
    )

    assert listed.status_code == 200
    assert listed["Content-Type"] == "application/json"


# ---------------------------------------------------------------------------------------------
# List and filters


def test_list_is_paginated_newest_first_without_contacts(agent_api, make_case):
    older = make_case(occurred_at=local(2026, 3, 1, 9, 0))
    newer = make_case(occurred_at=local(2026, 3, 2, 9, 0))

    body = agent_api.get(CASES).json()

    assert body["count"] == 2
    assert [row["reference"] for row in body["results"]] == [newer.reference, older.reference]
    assert "contacts" not in body["results"][0]
    assert body["next"] is None


def test_list_filters_on_status(agent_api, make_case, agent):
    open_case = make_case()
    resolved = services.case_resolve(case=make_case(), rosa_level=1, by=agent)

    assert references(agent_api.get(CASES, {"status": "resolved"})) == {resolved.reference}
    assert references(agent_api.get(CASES, {"status": "open"})) == {open_case.reference}


def test_list_filters_on_channel(agent_api, make_case):
    make_case(channel="phone")
    email = make_case(channel="email")

    assert references(agent_api.get(CASES, {"channel": "email"})) == {email.reference}


def test_list_filters_on_department_code(agent_api, make_case, other_service):
    make_case()
    school = make_case(service=other_service)

    assert references(agent_api.get(CASES, {"department": "skola"})) == {school.reference}


def test_list_filters_on_local_dates(agent_api, make_case):
    # 23:30 in Stockholm on 1 March is 22:30 UTC: it belongs to 1 March, not 2 March.
    late_evening = make_case(occurred_at=local(2026, 3, 1, 23, 30))
    next_morning = make_case(occurred_at=local(2026, 3, 2, 0, 30))

    on_first = agent_api.get(CASES, {"date_from": "2026-03-01", "date_to": "2026-03-01"})
    from_second = agent_api.get(CASES, {"date_from": "2026-03-02"})
    until_first = agent_api.get(CASES, {"date_to": "2026-03-01"})

    assert references(on_first) == {late_evening.reference}
    assert references(from_second) == {next_morning.reference}
    assert references(until_first) == {late_evening.reference}


def test_list_filters_on_mine(agent_api, make_case, team_lead):
    mine = make_case()
    make_case(by=team_lead)

    assert references(agent_api.get(CASES, {"mine": "true"})) == {mine.reference}
    assert len(references(agent_api.get(CASES, {"mine": "false"}))) == 2


def test_list_searches_reference_and_summary(agent_api, make_case):
    braskamin = make_case(summary="Bygglov för braskamin")
    altan = make_case(summary="Bygglov för altan")

    assert references(agent_api.get(CASES, {"q": "altan"})) == {altan.reference}
    assert references(agent_api.get(CASES, {"q": braskamin.reference.lower()})) == {
        braskamin.reference
    }


def test_empty_filter_values_are_ignored(agent_api, make_case):
    make_case()

    response = agent_api.get(CASES, {"status": "", "department": "", "date_from": "", "q": ""})

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "nope"}, "status"),
        ({"channel": "fax"}, "channel"),
        ({"department": "nope"}, "department"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "igår"}, "date_to"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"mine": "kanske"}, "mine"),
    ],
)
def test_bad_filters_are_field_errors(agent_api, db, params, field):
    response = agent_api.get(CASES, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_unknown_department_filter_is_named(agent_api, db):
    response = agent_api.get(CASES, {"department": "nope"})

    assert response.json() == {"department": ["Okänd förvaltning: ”nope”."]}


def test_case_list_makes_a_fixed_number_of_queries(
    agent_api, make_case, agent, django_assert_max_num_queries
):
    citizen = services.citizen_create(name="Anna", personnummer=VALID_PNR)
    make_case(citizen=citizen)
    with CaptureQueriesContext(connection) as few:
        agent_api.get(CASES)
    for n in range(30):
        case = make_case(citizen=citizen if n % 2 else None)
        services.contact_add(case=case, channel="email", direction="out", by=agent, text="Svar")

    with django_assert_max_num_queries(8):
        response = agent_api.get(CASES)

    assert response.json()["count"] == 31
    assert len(few.captured_queries) <= 8
    with CaptureQueriesContext(connection) as many:
        agent_api.get(CASES)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_department_users_case_list_makes_a_fixed_number_of_queries(
    api_for, dept_user, make_case, django_assert_max_num_queries
):
    for _ in range(30):
        make_case()
    client = api_for(dept_user)

    with django_assert_max_num_queries(8):
        response = client.get(CASES)

    assert response.json()["count"] == 30


# ---------------------------------------------------------------------------------------------
# Retrieve


def test_retrieve_by_reference_includes_the_contacts_oldest_first(agent_api, make_case, agent):
    case = make_case(occurred_at=local(2026, 3, 2, 10, 0), text="Fråga")
    services.contact_add(
        case=case,
        channel="email",
        direction="out",
        by=agent,
        text="Svar",
        occurred_at=local(2026, 3, 2, 11, 0),
    )

    response = agent_api.get(case_url(case))

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert [(c["direction"], c["text"], c["handled_by"]) for c in body["contacts"]] == [
        ("in", "Fråga", "agnes"),
        ("out", "Svar", "agnes"),
    ]
    assert body["contacts"][0]["case"] == case.reference


def test_retrieve_shows_the_personnummer_masked_only(agent_api, make_case):
    case = make_case(citizen=services.citizen_create(name="Anna", personnummer=VALID_PNR))

    detail = agent_api.get(case_url(case))
    listed = agent_api.get(CASES)

    assert detail.json()["citizen"]["personnummer_masked"] == "19850709-****"
    assert listed.json()["results"][0]["citizen"]["personnummer_masked"] == "19850709-****"
    for response in (detail, listed):
        assert "9805" not in response.content.decode()
        assert 'personnummer"' not in response.content.decode()


def test_retrieve_of_a_missing_case_is_404(agent_api, db):
    assert agent_api.get(case_url("KT-2026-999999")).status_code == 404


def test_retrieve_makes_a_fixed_number_of_queries(
    agent_api, make_case, agent, django_assert_max_num_queries
):
    case = make_case()
    for _ in range(20):
        services.contact_add(case=case, channel="email", direction="in", by=agent)

    with django_assert_max_num_queries(6):
        response = agent_api.get(case_url(case))

    assert len(response.json()["contacts"]) == 21


# ---------------------------------------------------------------------------------------------
# Visibility and permissions per role


@pytest.mark.parametrize(
    "url",
    [CASES, case_url("KT-2026-000001"), case_url("KT-2026-000001", "contacts"), CONTACTS],
)
def test_anonymous_requests_are_refused_not_redirected(api_for, make_case, url):
    make_case()

    response = api_for().get(url)

    # 403 while SessionAuthentication is listed first, 401 if TokenAuthentication is.
    assert response.status_code in (401, 403)
    assert "results" not in response.json()
    assert "reference" not in response.json()


def test_anonymous_create_is_refused(api_for, service):
    response = api_for().post(CASES, {"channel": "phone", "summary": "Fråga"}, format="json")

    assert response.status_code in (401, 403)
    assert not Case.objects.exists()


def test_outsider_sees_an_empty_list_and_404s(api_for, outsider, make_case):
    case = make_case()
    client = api_for(outsider)

    assert client.get(CASES).json()["count"] == 0
    assert client.get(CONTACTS).json()["count"] == 0
    assert client.get(case_url(case)).status_code == 404
    assert client.get(case_url(case, "contacts")).status_code == 404
    assert client.post(case_url(case, "resolve"), {"rosa_level": 1}).status_code == 404
    assert client.patch(case_url(case), {"summary": "x"}, format="json").status_code == 404


def test_outsider_may_not_log_a_case(api_for, outsider, service):
    response = api_for(outsider).post(
        CASES,
        {"channel": "phone", "summary": "Fråga", "service": "bygglov-braskamin"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not-allowed"


def test_a_refused_role_gets_403_before_its_input_is_checked(api_for, manager, service):
    response = api_for(manager).post(
        CASES,
        {"channel": "phone", "summary": "Fråga", "citizen": {"personnummer": "19850709-9806"}},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not-allowed"
    assert not Citizen.objects.exists()


def test_department_user_sees_only_their_departments_cases(
    api_for, dept_user, make_case, other_service
):
    own = make_case()
    other = make_case(service=other_service)
    client = api_for(dept_user)

    assert references(client.get(CASES)) == {own.reference}
    assert client.get(case_url(own)).status_code == 200
    assert client.get(case_url(other)).status_code == 404
    assert {c["case"] for c in client.get(CONTACTS).json()["results"]} == {own.reference}


def test_a_hidden_case_answers_exactly_like_a_missing_one(
    api_for, dept_user, make_case, other_service
):
    hidden = make_case(service=other_service)
    client = api_for(dept_user)

    for action in ("", "contacts", "resolve", "close", "reopen", "escalate"):
        method = client.get if action in ("", "contacts") else client.post
        seen = method(case_url(hidden, action), {}, format="json")
        missing = method(case_url("KT-2026-999999", action), {}, format="json")
        assert (seen.status_code, seen.json()) == (missing.status_code, missing.json())
        assert seen.status_code == 404
    patched = client.patch(case_url(hidden), {"summary": "x"}, format="json")
    assert patched.status_code == 404


def test_department_user_adds_a_contact_and_resolves_their_departments_case(
    api_for, dept_user, make_case
):
    case = make_case()
    client = api_for(dept_user)

    contact = client.post(
        case_url(case, "contacts"),
        {"channel": "email", "direction": "out", "text": "Beslut skickat"},
        format="json",
    )
    resolved = client.post(case_url(case, "resolve"), {"rosa_level": 5}, format="json")

    assert contact.status_code == 201, contact.json()
    assert contact.json()["handled_by"] == "bertil"
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["rosa_level"] == 5
    assert resolved.json()["resolved_directly"] is False


def test_manager_reads_every_case(api_for, manager, make_case, other_service):
    own = make_case()
    other = make_case(service=other_service)
    client = api_for(manager)

    assert references(client.get(CASES)) == {own.reference, other.reference}
    assert client.get(case_url(other)).status_code == 200
    assert client.get(CONTACTS).json()["count"] == 2


def test_manager_writes_are_refused(api_for, manager, make_case, unit):
    case = make_case()
    client = api_for(manager)

    responses = [
        client.post(CASES, {"channel": "phone", "summary": "Fråga"}, format="json"),
        client.patch(case_url(case), {"summary": "Ändrad"}, format="json"),
        client.post(case_url(case, "resolve"), {"rosa_level": 1}, format="json"),
        client.post(case_url(case, "close"), {}, format="json"),
        client.post(
            case_url(case, "escalate"),
            {"unit": "bygglov", "question": "Fråga", "callback_channel": "phone"},
            format="json",
        ),
        client.post(
            case_url(case, "contacts"), {"channel": "phone", "direction": "out"}, format="json"
        ),
    ]

    assert [r.status_code for r in responses] == [403] * len(responses)
    assert {r.json()["code"] for r in responses} == {"not-allowed"}
    case.refresh_from_db()
    assert (case.status, case.summary, case.version) == (
        "open",
        "Fråga om bygglov för braskamin",
        1,
    )


def test_team_lead_works_like_an_agent(api_for, team_lead, make_case):
    case = make_case()

    response = api_for(team_lead).post(case_url(case, "resolve"), {"rosa_level": 3}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "resolved"


def test_token_authentication_reads_and_writes(api_for, agent, service):
    token = Token.objects.create(user=agent)
    client = api_for()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    created = client.post(CASES, {"channel": "phone", "summary": "Fråga"}, format="json")
    listed = client.get(CASES)

    assert created.status_code == 201, created.json()
    assert created.json()["assigned_to"] == "agnes"
    assert listed.json()["count"] == 1


def test_a_wrong_token_is_refused(api_for, agent, make_case):
    make_case()
    client = api_for()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = client.get(CASES)

    assert response.status_code in (401, 403)
    assert "results" not in response.json()


# ---------------------------------------------------------------------------------------------
# Update (PATCH) and the version check


def test_patch_changes_the_classification_and_bumps_the_version(
    agent_api, make_case, other_service, team_lead
):
    case = make_case()

    response = agent_api.patch(
        case_url(case),
        {
            "summary": "Förskoleplats",
            "notes": "Ringer tillbaka",
            "service": "forskoleplats",
            "department": "skola",
            "assigned_to": "tove",
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["summary"], body["notes"], body["assigned_to"]) == (
        "Förskoleplats",
        "Ringer tillbaka",
        "tove",
    )
    assert (body["department"], body["service"], body["subject_area"]) == (
        "skola",
        "forskoleplats",
        "forskola",
    )
    assert body["version"] == 2


def test_patch_without_version_is_applied(agent_api, make_case):
    case = make_case()

    response = agent_api.patch(case_url(case), {"notes": "Anteckning"}, format="json")

    assert response.status_code == 200
    assert response.json()["notes"] == "Anteckning"


def test_patch_with_a_stale_version_is_a_conflict_and_changes_nothing(agent_api, make_case):
    case = make_case()
    agent_api.patch(case_url(case), {"notes": "Först", "version": 1}, format="json")

    response = agent_api.patch(case_url(case), {"notes": "Sedan", "version": 1}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "case-version-conflict"
    case.refresh_from_db()
    assert (case.notes, case.version) == ("Först", 2)


def test_patch_may_clear_the_service(agent_api, make_case):
    case = make_case()

    response = agent_api.patch(case_url(case), {"service": None}, format="json")

    assert response.status_code == 200
    assert response.json()["service"] is None
    assert response.json()["department"] == "bygg"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"status": "closed"}, {"status": ["Okänt fält."]}),
        ({"reference": "KT-1"}, {"reference": ["Okänt fält."]}),
        ({"assigned_to": "nobody"}, {"assigned_to": ["Okänd användare: ”nobody”."]}),
        ({"assigned_to": 1}, {"assigned_to": ["Ange användarnamnet som text."]}),
        ({"service": "nope"}, {"service": ["Okänd tjänst: ”nope”."]}),
    ],
)
def test_patch_refuses_unknown_fields_and_names(agent_api, make_case, body, expected):
    case = make_case()

    response = agent_api.patch(case_url(case), body, format="json")

    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"version": 1}, "non_field_errors"),
        ({"summary": "x", "version": "ett"}, "version"),
        ({"summary": "x", "version": 0}, "version"),
        ({"summary": ""}, "summary"),
    ],
)
def test_patch_bad_input_is_a_field_error(agent_api, make_case, body, field):
    case = make_case()

    response = agent_api.patch(case_url(case), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_put_is_not_offered(agent_api, make_case):
    case = make_case()

    response = agent_api.put(case_url(case), {"summary": "x"}, format="json")

    assert response.status_code == 405


# ---------------------------------------------------------------------------------------------
# Actions


def test_resolve_records_level_note_and_direct_answer(agent_api, make_case):
    case = make_case()

    response = agent_api.post(
        case_url(case, "resolve"),
        {"rosa_level": 1, "note": "Öppettider lämnade", "version": 1},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["rosa_level"], body["resolved_directly"]) == ("resolved", 1, True)
    assert body["resolution_note"] == "Öppettider lämnade"
    assert body["version"] == 2


def test_resolve_at_rosa_5_is_refused_for_an_agent(agent_api, make_case):
    case = make_case()

    response = agent_api.post(case_url(case, "resolve"), {"rosa_level": 5}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "rosa-level-above-contact-centre"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


@pytest.mark.parametrize("body", [{"rosa_level": 7}, {"rosa_level": 0}, {}, {"rosa_level": None}])
def test_resolve_needs_a_rosa_level_from_1_to_6(agent_api, make_case, body):
    case = make_case()

    response = agent_api.post(case_url(case, "resolve"), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["rosa_level"]


def test_resolving_a_closed_case_is_a_refused_transition(agent_api, make_case, agent):
    case = services.case_close(case=make_case(), by=agent)

    response = agent_api.post(case_url(case, "resolve"), {"rosa_level": 1}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "status-transition-not-allowed"


def test_resolve_with_a_stale_version_is_a_conflict(agent_api, make_case, agent):
    case = make_case()
    services.case_update(case=case, by=agent, notes="Ändrad av någon annan")

    response = agent_api.post(
        case_url(case, "resolve"), {"rosa_level": 1, "version": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "case-version-conflict"


def test_close_then_reopen(agent_api, make_case):
    case = make_case()

    closed = agent_api.post(case_url(case, "close"), format="json")
    reopened = agent_api.post(case_url(case, "reopen"), {"version": 2}, format="json")

    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None
    assert reopened.status_code == 200, reopened.json()
    assert reopened.json()["status"] == "open"
    assert reopened.json()["closed_at"] is None
    assert reopened.json()["version"] == 3


def test_closing_a_closed_case_is_a_refused_transition(agent_api, make_case, agent):
    case = services.case_close(case=make_case(), by=agent)

    response = agent_api.post(case_url(case, "close"), {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "status-transition-not-allowed"


def test_reopening_an_open_case_is_a_refused_transition(agent_api, make_case):
    case = make_case()

    response = agent_api.post(case_url(case, "reopen"), {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "status-transition-not-allowed"


def test_reopened_case_no_longer_counts_as_answered_directly(agent_api, make_case, agent):
    case = services.case_resolve(case=make_case(), rosa_level=1, by=agent)
    agent_api.post(case_url(case, "reopen"), {}, format="json")

    response = agent_api.post(case_url(case, "resolve"), {"rosa_level": 1}, format="json")

    assert response.json()["resolved_directly"] is False


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_status_actions_refuse_unknown_fields(agent_api, make_case, action):
    case = make_case()

    response = agent_api.post(case_url(case, action), {"reason": "x"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"reason": ["Okänt fält."]}


# ---------------------------------------------------------------------------------------------
# Contacts


def test_contact_added_on_a_case_is_listed_with_it(agent_api, make_case):
    case = make_case(channel="email", occurred_at=local(2026, 3, 2, 9, 0))

    created = agent_api.post(
        case_url(case, "contacts"),
        {
            "channel": "email",
            "direction": "out",
            "occurred_at": "2026-03-02T13:00:00+01:00",
            "text": "Svar till medborgaren",
        },
        format="json",
    )
    listed = agent_api.get(case_url(case, "contacts"))

    assert created.status_code == 201, created.json()
    assert created.json()["case"] == case.reference
    assert created.json()["occurred_at"] == "2026-03-02T13:00:00+01:00"
    assert [(c["direction"], c["text"]) for c in listed.json()["results"]] == [
        ("in", ""),
        ("out", "Svar till medborgaren"),
    ]
    case.refresh_from_db()
    assert case.first_response_at == local(2026, 3, 2, 13, 0)


def test_inbound_phone_contact_with_answered_at(agent_api, make_case):
    case = make_case(occurred_at=local(2026, 3, 2, 9, 0))

    response = agent_api.post(
        case_url(case, "contacts"),
        {
            "channel": "phone",
            "direction": "in",
            "occurred_at": "2026-03-02T10:00:00+01:00",
            "answered_at": "2026-03-02T10:00:45+01:00",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["answered_at"] == "2026-03-02T10:00:45+01:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"channel": "fax", "direction": "in"}, "channel"),
        ({"channel": "phone", "direction": "sideways"}, "direction"),
        ({"channel": "phone"}, "direction"),
        ({"channel": "phone", "direction": "in", "occurred_at": "2026-03-02T10:00"}, "occurred_at"),
        ({"channel": "phone", "direction": "in", "answered_at": "klockan tio"}, "answered_at"),
        ({"channel": "phone", "direction": "in", "text": 42, "mood": "glad"}, "mood"),
    ],
)
def test_bad_contact_input_is_a_field_error(agent_api, make_case, body, field):
    case = make_case()

    response = agent_api.post(case_url(case, "contacts"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_contact_before_the_case_is_refused_with_its_domain_code(agent_api, make_case):
    case = make_case(occurred_at=local(2026, 3, 2, 9, 0))

    response = agent_api.post(
        case_url(case, "contacts"),
        {"channel": "email", "direction": "in", "occurred_at": "2026-03-01T09:00:00+01:00"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "contact-before-case"
    assert response.json()["field"] == "occurred_at"


def test_contact_log_filters_on_channel_direction_and_local_dates(agent_api, make_case, agent):
    case = make_case(channel="phone", occurred_at=local(2026, 3, 1, 23, 30))
    reply = services.contact_add(
        case=case,
        channel="email",
        direction="out",
        by=agent,
        occurred_at=local(2026, 3, 2, 0, 15),
    )

    def ids(params):
        response = agent_api.get(CONTACTS, params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    first = case.contacts.get(direction="in").pk
    assert ids({}) == [reply.pk, first]  # newest first
    assert ids({"channel": "email"}) == [reply.pk]
    assert ids({"direction": "in"}) == [first]
    assert ids({"date_from": "2026-03-02"}) == [reply.pk]
    assert ids({"date_to": "2026-03-01"}) == [first]
    assert ids({"date_from": "2026-03-01", "date_to": "2026-03-02"}) == [reply.pk, first]


@pytest.mark.parametrize(
    "params",
    [{"channel": "fax"}, {"direction": "up"}, {"date_from": "2026-02-30"}, {"date_to": "x"}],
)
def test_contact_log_bad_filters_are_field_errors(agent_api, db, params):
    response = agent_api.get(CONTACTS, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


def test_contact_lists_make_a_fixed_number_of_queries(
    agent_api, make_case, agent, django_assert_max_num_queries
):
    case = make_case()
    for n in range(30):
        services.contact_add(
            case=case if n % 2 else make_case(), channel="email", direction="out", by=agent
        )

    with django_assert_max_num_queries(8):
        log = agent_api.get(CONTACTS)
    with django_assert_max_num_queries(8):
        nested = agent_api.get(case_url(case, "contacts"))

    assert log.json()["count"] == Contact.objects.count()
    assert nested.json()["count"] == 16
