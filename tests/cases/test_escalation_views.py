"""The hand-over and the department inbox, driven with Django's test client: from the agent's
case page to the department's actions and back to the agent."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import CaseStatus, Contact, Escalation, EscalationStatus
from tests.factories import UnitFactory, make_department_user

pytestmark = pytest.mark.django_db

INBOX = reverse("escalations:inbox")


def detail(escalation) -> str:
    return reverse("escalations:detail", args=[escalation.pk])


def action(escalation, name: str) -> str:
    return reverse("escalations:action", args=[escalation.pk, name])


def hand_over(client, case, **fields):
    """Post the case page's hand-over form as the agent fills it in."""
    data = {
        "version": case.version,
        "unit": "bygglov",
        "question": "Bygglov för kamin?",
        "callback_channel": "phone",
        "callback_to": "070-111 22 33",
        "priority": "normal",
        **fields,
    }
    return client.post(reverse("cases:escalate", args=[case.reference]), data, follow=True)


def test_agent_escalates_from_the_case_page_with_the_suggested_unit_and_deadline(
    agent_client, make_case, unit, service
):
    case = make_case()
    page = agent_client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Överlämna till förvaltning" in page
    assert 'value="bygglov" selected' in page  # routed to the department's unit

    response = hand_over(
        agent_client,
        case,
        question="Får jag sätta in en braskamin i fritidshuset?",
        told_citizen="Bygglovsenheten ringer upp senast på onsdag.",
        callback_due="",
        note="",
    )

    escalation = Escalation.objects.get()
    assert escalation.callback_to == "070-111 22 33"
    assert escalation.created_by.username == "agnes"
    body = response.content.decode()
    assert "Överlämnat till Bygglovsenheten" in body
    assert "Överlämningar" in body and "Bygglovsenheten" in body
    case.refresh_from_db()
    assert case.status == CaseStatus.ESCALATED


def test_a_bad_hand_over_names_the_field_and_keeps_what_was_typed(agent_client, make_case, unit):
    case = make_case()

    # An anonymous caller: no number to fall back on.
    response = hand_over(agent_client, case, question="Fråga om kamin", callback_to="")

    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_callback_to_error"' in body
    assert "Ange telefonnumret" in body
    assert "Fråga om kamin" in body
    assert not Escalation.objects.exists()


def test_department_inbox_shows_own_escalations_by_deadline_with_counts(
    client_for, make_case, escalate, other_unit, dept_user
):
    later = escalate(make_case(), callback_due=timezone.now() + dt.timedelta(days=2))
    sooner = escalate(make_case(), callback_due=timezone.now() + dt.timedelta(hours=2))
    escalate(make_case(), unit=other_unit)  # another department's
    client = client_for(dept_user)

    body = client.get(INBOX).content.decode()

    assert body.index(sooner.case.reference) < body.index(later.case.reference)
    assert body.count("KT-") == 2
    assert 'Nya <span class="tab__count">2</span>' in body
    assert "Förvaltning" not in body.split("<form", 1)[1].split("</form>", 1)[0]


def test_inbox_tabs_and_unit_filter(client_for, make_case, escalate, dept_user, department):
    inspection = UnitFactory(code="tillsyn", name="Tillsynsenheten", department=department)
    new = escalate(make_case())
    elsewhere = escalate(make_case(), unit=inspection)
    accepted = escalate(make_case())
    services.escalation_accept(escalation=accepted, by=dept_user)
    client = client_for(dept_user)

    def refs(query: str) -> set[str]:
        body = client.get(f"{INBOX}?{query}").content.decode()
        return {e.case.reference for e in (new, elsewhere, accepted) if e.case.reference in body}

    assert refs("state=new") == {new.case.reference, elsewhere.case.reference}
    assert refs("state=accepted") == {accepted.case.reference}
    assert refs("state=new&unit=tillsyn") == {elsewhere.case.reference}
    assert refs("state=open&mine=on") == {accepted.case.reference}
    htmx = client.get(f"{INBOX}?state=new", headers={"HX-Request": "true"}).content.decode()
    assert htmx.lstrip().startswith('<section id="results"')


def test_overdue_list_for_team_leads_across_departments(
    client_for, make_case, escalate, other_unit, team_lead
):
    soon = timezone.now() + dt.timedelta(minutes=1)
    late = escalate(
        make_case(occurred_at=timezone.now() - dt.timedelta(days=3)),
        at=timezone.now() - dt.timedelta(days=3),
        callback_due=timezone.now() - dt.timedelta(hours=1),
    )
    late_elsewhere = escalate(
        make_case(occurred_at=timezone.now() - dt.timedelta(days=3)),
        unit=other_unit,
        at=timezone.now() - dt.timedelta(days=3),
        callback_due=timezone.now() - dt.timedelta(hours=5),
    )
    on_time = escalate(make_case(), callback_due=soon + dt.timedelta(days=1))

    body = client_for(team_lead).get(f"{INBOX}?state=overdue").content.decode()

    assert late.case.reference in body and late_elsewhere.case.reference in body
    assert on_time.case.reference not in body
    assert body.count('class="badge badge--overdue"') == 2
    assert 'class="tab tab--alert"' in body
    case_page = client_for(team_lead).get(reverse("cases:detail", args=[late.case.reference]))
    assert "Utlovad återkoppling försenad" in case_page.content.decode()


def test_department_accepts_answers_and_the_agent_sees_the_return_on_the_case(
    client_for, make_case, escalate, dept_user, agent
):
    case = make_case()
    escalation = escalate(case)
    department = client_for(dept_user)

    page = department.get(detail(escalation)).content.decode()
    assert "Ta emot" in page and escalation.question in page
    accepted = department.post(action(escalation, "accept"), {"version": 1}, follow=True)
    assert "Du har tagit emot överlämningen" in accepted.content.decode()
    returned = department.post(
        action(escalation, "return"),
        {"version": 2, "answer": "Ingen bygglovsplikt; gör en anmälan på webben."},
        follow=True,
    )
    assert "tillbaka hos kundtjänst" in returned.content.decode()

    case_page = client_for(agent).get(reverse("cases:detail", args=[case.reference]))
    body = case_page.content.decode()
    assert "Svar från förvaltningen att ge medborgaren" in body
    assert "Ingen bygglovsplikt" in body
    assert "lämnade tillbaka ärendet till kundtjänst med svar" in body  # on the timeline
    assert "tog emot överlämningen" in body
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_department_contacts_the_citizen_decides_and_closes(
    client_for, make_case, escalate, dept_user
):
    case = make_case(occurred_at=timezone.now() - dt.timedelta(days=1))
    escalation = escalate(case)
    client = client_for(dept_user)
    today = timezone.localdate().isoformat()

    client.post(
        action(escalation, "contact"),
        {"version": 1, "channel": "phone", "occurred_at": "", "text": "Ringde och förklarade."},
    )
    client.post(
        action(escalation, "decision"),
        {"version": 2, "decision": "Startbesked lämnat", "decided_on": today},
    )
    closed = client.post(
        action(escalation, "close"), {"version": 3, "rosa_level": "5", "note": "Klart."}
    )

    assert closed.status_code == 302
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CLOSED
    assert escalation.decided_on == timezone.localdate()
    assert Contact.objects.filter(case=case, direction="out", handled_by=dept_user).count() == 1
    case.refresh_from_db()
    assert (case.status, case.rosa_level) == (CaseStatus.RESOLVED, 5)


def test_two_people_acting_at_once_get_a_conflict_message(
    client_for, make_case, escalate, dept_user, department
):
    colleague = make_department_user(department, username="greta", first_name="Greta")
    escalation = escalate(make_case())
    first = client_for(dept_user).post(action(escalation, "accept"), {"version": 1})
    assert first.status_code == 302

    second = client_for(colleague).post(
        action(escalation, "return"), {"version": 1, "answer": "Greta svarar"}
    )

    assert second.status_code == 422
    body = second.content.decode()
    assert "Någon annan har hanterat överlämningen" in body
    assert "Greta svarar" in body  # what she wrote is not lost
    escalation.refresh_from_db()
    assert (escalation.status, escalation.return_answer) == (EscalationStatus.ACCEPTED, "")


def test_a_bad_decision_date_is_shown_on_its_field(client_for, make_case, escalate, dept_user):
    escalation = escalate(make_case())
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    response = client_for(dept_user).post(
        action(escalation, "decision"),
        {"version": 1, "decision": "Bifall", "decided_on": tomorrow},
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_decided_on_error"' in body and "framtiden" in body


@pytest.mark.parametrize("who", ["agent", "manager", "other_dept_user"])
def test_others_cannot_act_on_a_departments_escalation(
    request, client_for, make_case, escalate, who
):
    escalation = escalate(make_case())
    client = client_for(request.getfixturevalue(who))

    response = client.post(action(escalation, "accept"), {"version": 1})

    assert response.status_code == (404 if who == "other_dept_user" else 403)
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.NEW


def test_the_escalation_page_shows_no_actions_to_the_contact_centre(
    agent_client, make_case, escalate
):
    escalation = escalate(make_case())
    body = agent_client.get(detail(escalation)).content.decode()
    assert escalation.question in body
    assert "Ta emot" not in body


def test_outsider_has_no_inbox(client_for, outsider):
    assert client_for(outsider).get(INBOX).status_code == 403


def test_inbox_query_count_does_not_grow_with_the_list(
    client_for, make_case, escalate, dept_user, django_assert_max_num_queries
):
    client = client_for(dept_user)
    escalate(make_case())
    client.get(INBOX)  # warm the session and role caches
    with django_assert_max_num_queries(12) as few:
        client.get(INBOX)
    for _ in range(10):
        escalate(make_case())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(INBOX)


def test_documents_go_with_the_hand_over_and_only_those_who_see_the_case_get_them(
    agent_client, client_for, make_case, unit, dept_user, other_dept_user, outsider, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = make_case()
    drawing = SimpleUploadedFile("ritning kamin.pdf", b"%PDF-1.4 ritning", "application/pdf")
    letter = SimpleUploadedFile("brev.txt", b"Hej kommunen!", "text/plain")

    hand_over(agent_client, case, attachments=[drawing, letter])

    escalation = Escalation.objects.get()
    files = list(escalation.attachments.order_by("name"))
    assert [(f.name, f.size) for f in files] == [("brev.txt", 13), ("ritning kamin.pdf", 16)]
    stored = files[1].file.path
    assert stored.startswith(str(settings.MEDIA_ROOT)) and "ritning" not in stored
    url = reverse("cases:attachment", args=[case.reference, files[1].pk])
    page = client_for(dept_user).get(detail(escalation)).content.decode()
    assert url in page
    download = client_for(dept_user).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ritning"
    assert download["Content-Type"] == "application/octet-stream"
    assert "attachment;" in download["Content-Disposition"]
    assert client_for(other_dept_user).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_a_too_large_document_is_refused_by_name_and_nothing_is_handed_over(
    agent_client, make_case, unit, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.ATTACHMENT_MAX_BYTES = 10
    case = make_case()

    response = hand_over(
        agent_client,
        case,
        attachments=[SimpleUploadedFile("stor.pdf", b"x" * 11, "application/pdf")],
    )

    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_attachments_error"' in body and "”stor.pdf” är större än" in body
    assert not Escalation.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_admin_lists_units_escalations_and_sent_reminders(
    client_for, make_case, escalate, unit
):
    from tests.factories import UserFactory

    escalate(make_case())
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = client_for(admin_user)

    for model in ("unit", "escalation", "reminderdigest"):
        assert client.get(f"/admin/cases/{model}/").status_code == 200
    page = client.get(f"/admin/cases/unit/{unit.pk}/change/").content.decode()
    assert "Bygglovsenheten" in page and "bertil" in page
