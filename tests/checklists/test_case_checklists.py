import pytest
from django.urls import reverse

from checklists.models import ChecklistUse, Feedback

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_uses_a_checklist_on_an_existing_case(agent_client, make_case, publish_checklist):
    version = publish_checklist(title="Braskamin – anmälan", keywords=["braskamin"])
    case = make_case()
    detail = reverse("cases:detail", args=[case.reference])
    results = agent_client.get(
        reverse("checklists:search"), {"q": "braskamin", "case": case.reference}
    ).content.decode()
    use_url = reverse("checklists:use_on_case", args=[version.pk, case.reference])
    assert f'action="{use_url}"' in results
    response = agent_client.post(use_url, {"q": "braskamin"})
    assert response.status_code == 302 and response["Location"] == detail
    assert ChecklistUse.objects.get(case=case).search_text == "braskamin"
    page = agent_client.get(detail).content.decode()
    assert "Braskamin – anmälan" in page and "version 1" in page


def test_checklist_cannot_be_used_on_a_case_the_user_cannot_see(
    client_for, other_dept_user, make_case, publish_checklist
):
    version = publish_checklist(title="Braskamin")
    case = make_case()
    response = client_for(other_dept_user).post(
        reverse("checklists:use_on_case", args=[version.pk, case.reference])
    )
    assert response.status_code == 404
    assert not ChecklistUse.objects.exists()


def test_agent_flags_the_used_checklist_and_the_department_sees_it(
    agent_client, agent, make_case, publish_checklist
):
    version = publish_checklist(title="Braskamin")
    case = make_case()
    agent_client.post(reverse("checklists:use_on_case", args=[version.pk, case.reference]))
    url = reverse("checklists:feedback_on_case", args=[version.pk, case.reference])
    empty = agent_client.post(url, {"kind": "wrong", "comment": " "}, follow=True)
    assert "Skriv vad som är fel" in empty.content.decode()
    agent_client.post(url, {"kind": "incomplete", "comment": "Avgiften saknas."})
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.comment, feedback.by, feedback.case) == (
        "incomplete",
        "Avgiften saknas.",
        agent,
        case,
    )


def test_feedback_only_on_a_checklist_used_on_that_case(agent_client, make_case, publish_checklist):
    version = publish_checklist(title="Braskamin")
    case = make_case()
    url = reverse("checklists:feedback_on_case", args=[version.pk, case.reference])
    assert agent_client.post(url, {"kind": "wrong", "comment": "x"}).status_code == 404
