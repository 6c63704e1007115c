import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from checklists import services
from checklists.models import Agreement, AgreementLine, Feedback
from checklists.reports import agreements_expiring, cases_resolved_above_agreement, knowledge_gaps
from tests.conftest import agree

pytestmark = pytest.mark.django_db

URL = reverse("checklists:follow_up")


def test_cases_resolved_above_todays_agreement_are_listed(make_case, agent, service, department):
    case = case_services.case_resolve(case=make_case(), rosa_level=3, by=agent)
    assert list(cases_resolved_above_agreement(today=timezone.localdate())) == []
    agree(service, max_rosa=2)  # the agreement was tightened afterwards
    listed = list(cases_resolved_above_agreement(today=timezone.localdate()))
    assert [c.reference for c in listed] == [case.reference]
    assert listed[0].max_rosa_today == 2


def test_expiring_agreement_is_flagged_unless_a_successor_exists(department, service):
    today = timezone.localdate()
    ending = Agreement.objects.create(
        department=department,
        valid_from=today - dt.timedelta(days=300),
        valid_to=today + dt.timedelta(days=10),
        revised_on=today - dt.timedelta(days=300),
    )
    assert ending in agreements_expiring(today=today)
    Agreement.objects.create(
        department=department,
        valid_from=today + dt.timedelta(days=11),
        valid_to=today + dt.timedelta(days=376),
        revised_on=today,
    )
    assert ending not in agreements_expiring(today=today)


def test_knowledge_gaps_group_searches_without_a_checklist(make_case, agent, department):
    for text in ("Laddstolpe", "laddstolpe ", "laddstolpe", "elsparkcykel"):
        services.search_record(case=make_case(), text=text, by=agent)
    gaps = knowledge_gaps(department=department)
    assert [(g.text, g.count) for g in gaps] == [("laddstolpe", 3), ("elsparkcykel", 1)]


def test_department_user_sees_own_follow_up_and_resolves_feedback(
    client_for, dept_user, agent, make_case, publish_checklist, manager
):
    version = publish_checklist(title="Braskamin")
    case = make_case()
    feedback = services.feedback_create(
        version=version, kind="wrong", comment="Fel avgift.", by=agent, case=case
    )
    client = client_for(dept_user)
    page = client.get(URL).content.decode()
    assert "Fel avgift." in page and "Samhällsbyggnadsförvaltningen" in page
    client.post(
        reverse("checklists:feedback_resolve", args=[feedback.pk]), {"resolution": "Rättat"}
    )
    feedback.refresh_from_db()
    assert feedback.resolved_by == dept_user and feedback.resolution == "Rättat"
    assert "Fel avgift." not in client.get(URL).content.decode()


def test_other_department_cannot_resolve_the_feedback(
    client_for, other_dept_user, agent, make_case, publish_checklist
):
    version = publish_checklist(title="Braskamin")
    feedback = services.feedback_create(version=version, kind="wrong", comment="x", by=agent)
    response = client_for(other_dept_user).post(
        reverse("checklists:feedback_resolve", args=[feedback.pk]), follow=True
    )
    assert "får inte ändra" in response.content.decode()
    assert Feedback.objects.get().resolved_at is None


def test_manager_sees_expiring_agreements_and_agents_have_no_follow_up(
    client_for, manager, agent, department, service
):
    line = AgreementLine.objects.get(service=service)
    line.agreement.valid_to = timezone.localdate() + dt.timedelta(days=5)
    line.agreement.save()
    page = client_for(manager).get(URL).content.decode()
    assert "löper ut inom 30 dagar" in page
    assert client_for(agent).get(URL).status_code == 404


def test_follow_up_is_in_the_menu_for_those_who_may_see_it(client_for, dept_user, manager, agent):
    for user, shown in ((dept_user, True), (manager, True), (agent, False)):
        html = client_for(user).get(reverse("cases:list")).content.decode()
        assert (URL in html) is shown
