"""Escalations in the API (/api/v1/cases/<ref>/escalate/, /api/v1/escalations/): the same
rules and the same visibility as the workspace."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import CaseStatus, EscalationStatus

ESCALATIONS = "/api/v1/escalations/"


def escalate_url(case) -> str:
    return f"/api/v1/cases/{case.reference}/escalate/"


def url(escalation, action: str = "") -> str:
    return f"{ESCALATIONS}{escalation.pk}/{action + '/' if action else ''}"


HAND_OVER = {
    "unit": "forskoleantagning",
    "question": "När får vi besked om förskoleplats i augusti?",
    "told_citizen": "Förskoleantagningen ringer upp.",
    "callback_channel": "phone",
    "callback_to": "070-765 43 21",
}


def test_agent_escalates_with_the_default_promise(
    agent_api, api_for, make_case, other_unit, other_dept_user, dept_user
):
    case = make_case()

    response = agent_api.post(escalate_url(case), {**HAND_OVER, "version": 1}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["unit"], body["department"]) == (
        "new",
        "forskoleantagning",
        "skola",
    )
    assert body["case"]["reference"] == case.reference
    assert body["case"]["status"] == CaseStatus.ESCALATED
    due = dt.datetime.fromisoformat(body["callback_due"])
    assert due > timezone.now() + dt.timedelta(days=1)  # two working days from now
    assert body["overdue"] is False
    # The receiving department sees it; the former one no longer sees the case.
    assert api_for(other_dept_user).get(url_for_id(body["id"])).status_code == 200
    assert api_for(dept_user).get(f"/api/v1/cases/{case.reference}/").status_code == 404


def url_for_id(pk: int) -> str:
    return f"{ESCALATIONS}{pk}/"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"unit": "nope"}, {"unit": ["Okänd enhet: ”nope”."]}),
        ({"question": ""}, ["question"]),
        ({"callback_channel": "web"}, ["callback_channel"]),
        ({"callback_due": "2026-03-04T12:00:00"}, ["callback_due"]),  # no time zone
        ({"department": "skola"}, {"department": ["Okänt fält."]}),
    ],
)
def test_bad_hand_over_input_is_a_field_error(agent_api, make_case, other_unit, changes, expected):
    case = make_case()

    response = agent_api.post(escalate_url(case), {**HAND_OVER, **changes}, format="json")

    assert response.status_code == 400
    if isinstance(expected, dict):
        assert response.json() == expected
    else:
        assert list(response.json()) == expected


def test_a_refused_rule_names_its_code_and_field(agent_api, make_case, other_unit):
    response = agent_api.post(
        escalate_url(make_case()), {**HAND_OVER, "callback_to": "ring mig"}, format="json"
    )
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == (
        "callback-to-required",
        "callback_to",
    )


def test_escalating_a_resolved_case_is_a_refused_transition(
    agent_api, make_case, agent, other_unit
):
    case = services.case_resolve(case=make_case(), rosa_level=1, by=agent)
    response = agent_api.post(escalate_url(case), HAND_OVER, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "status-transition-not-allowed"


def test_department_lists_only_its_own_escalations_and_sees_only_what_it_needs(
    api_for, make_case, escalate, other_unit, dept_user
):
    own = escalate(make_case(notes="Intern anteckning från kundtjänst"))
    other = escalate(make_case(), unit=other_unit)
    client = api_for(dept_user)

    listed = client.get(ESCALATIONS).json()

    assert [row["id"] for row in listed["results"]] == [own.pk]
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other, "accept"), {}, format="json").status_code == 404
    case_part = listed["results"][0]["case"]
    assert set(case_part) == {
        "reference",
        "summary",
        "status",
        "channel",
        "created_at",
        "service",
        "citizen_name",
    }


def test_list_filters_by_state_and_unit(api_for, make_case, escalate, dept_user, agent):
    fresh = escalate(make_case())
    taken = escalate(make_case())
    services.escalation_accept(escalation=taken, by=dept_user)
    returned = escalate(make_case())
    services.escalation_return(escalation=returned, by=dept_user, answer="Svar")
    client = api_for(agent)

    def ids(query: str) -> list[int]:
        return [row["id"] for row in client.get(f"{ESCALATIONS}?{query}").json()["results"]]

    assert sorted(ids("")) == sorted([fresh.pk, taken.pk])  # open ones by default
    assert ids("state=new") == [fresh.pk]
    assert ids("state=returned") == [returned.pk]
    assert sorted(ids("all=true")) == sorted([fresh.pk, taken.pk, returned.pk])
    assert ids("unit=bygglov&state=accepted&mine=true") == []
    assert client.get(f"{ESCALATIONS}?state=bogus").status_code == 400


def test_department_works_an_escalation_through_the_api(api_for, make_case, escalate, dept_user):
    case = make_case(occurred_at=timezone.now() - dt.timedelta(days=2))
    escalation = escalate(case)
    client = api_for(dept_user)

    accepted = client.post(url(escalation, "accept"), {"version": 1}, format="json")
    contacted = client.post(
        url(escalation, "contact"),
        {"channel": "phone", "text": "Ringde upp.", "version": 2},
        format="json",
    )
    decided = client.post(
        url(escalation, "decision"),
        {
            "decision": "Beviljat",
            "decided_on": timezone.localdate().isoformat(),
            "application_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "version": 3,
        },
        format="json",
    )
    closed = client.post(url(escalation, "close"), {"rosa_level": 6, "version": 4}, format="json")

    assert [r.status_code for r in (accepted, contacted, decided, closed)] == [200] * 4
    assert accepted.json()["owner"] == "bertil"
    assert contacted.json()["status"] == EscalationStatus.ANSWERED
    assert contacted.json()["callback_at"] is not None
    assert decided.json()["decided_on"] == timezone.localdate().isoformat()
    assert closed.json()["status"] == EscalationStatus.CLOSED
    assert closed.json()["case"]["status"] == CaseStatus.RESOLVED


def test_reassign_by_username_and_unit_code(api_for, make_case, escalate, dept_user, department):
    from tests.factories import make_department_user

    make_department_user(department, username="greta")
    escalation = escalate(make_case())

    response = api_for(dept_user).post(
        url(escalation, "reassign"), {"owner": "greta", "unit": "bygglov"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["owner"], response.json()["status"]) == ("greta", "accepted")


def test_a_stale_version_is_a_409_and_changes_nothing(api_for, make_case, escalate, dept_user):
    escalation = escalate(make_case())
    client = api_for(dept_user)
    client.post(url(escalation, "accept"), {"version": 1}, format="json")

    response = client.post(
        url(escalation, "return"), {"answer": "Svar", "version": 1}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "escalation-version-conflict"
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.ACCEPTED


@pytest.mark.parametrize("who", ["agent", "manager", "team_lead"])
def test_only_department_staff_act(request, api_for, make_case, escalate, who):
    escalation = escalate(make_case())
    client = api_for(request.getfixturevalue(who))

    assert client.get(url(escalation)).status_code == 200  # they may read it
    response = client.post(url(escalation, "accept"), {}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "not-allowed"


def test_anonymous_and_outsiders_get_nothing(api_for, make_case, escalate, outsider):
    escalation = escalate(make_case())
    assert api_for().get(ESCALATIONS).status_code in (401, 403)
    assert api_for(outsider).get(ESCALATIONS).json()["count"] == 0
    assert api_for(outsider).get(url(escalation)).status_code == 404


def test_units_are_listed_for_routing(api_for, agent, dept_user, unit, other_unit):
    assert {u["code"] for u in api_for(agent).get("/api/v1/units/").json()["results"]} == {
        "bygglov",
        "forskoleantagning",
    }
    assert [u["code"] for u in api_for(dept_user).get("/api/v1/units/").json()["results"]] == [
        "bygglov"
    ]


def test_attachments_are_listed_with_a_download_link(api_for, make_case, escalate, dept_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    escalation = escalate(
        make_case(), attachments=[SimpleUploadedFile("ritning.pdf", b"%PDF", "application/pdf")]
    )
    client = api_for(dept_user)

    listed = client.get(url(escalation)).json()["attachments"]

    assert [(a["name"], a["size"]) for a in listed] == [("ritning.pdf", 4)]
    assert client.get(listed[0]["url"]).status_code == 200
