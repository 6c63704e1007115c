import pytest
from django.urls import reverse

from cases.forms import service_label
from cases.models import Case
from checklists.models import ChecklistUse, SearchRecord

pytestmark = pytest.mark.django_db(transaction=True)  # search follows the commit


def test_search_returns_the_checklist_and_why_it_matched(agent_client, publish_checklist):
    version = publish_checklist(
        title="Braskamin – bygglov eller anmälan?", keywords=["braskamin", "eldstad"]
    )
    response = agent_client.get(
        reverse("checklists:search"), {"q": "braskaminen bygglv"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="checklist-results"')
    assert version.title in html
    assert "bygglv (stavning)" in html


def test_search_says_when_nothing_was_found(agent_client, publish_checklist):
    publish_checklist(title="Braskamin")
    html = agent_client.get(reverse("checklists:search"), {"q": "simhall"}).content.decode()
    assert "Ingen checklista hittades för ”simhall”" in html


def test_checklist_script_renders_markdown_safely(agent_client, publish_checklist):
    version = publish_checklist(
        title="Sophämtning",
        steps=["Säg **tisdag**.", "<script>alert(1)</script> [Läs mer](javascript:alert(1))"],
    )
    html = agent_client.get(reverse("checklists:detail", args=[version.pk])).content.decode()
    assert "<strong>tisdag</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html


def test_ny_kontakt_records_the_checklist_version_used(agent_client, publish_checklist, service):
    version = publish_checklist(title="Braskamin")
    agent_client.post(
        reverse("cases:contact_new"),
        {
            "channel": "phone",
            "service": "",
            "summary": "Kamin?",
            "rosa_level": "1",
            "action": "resolve",
            "checklist_version": version.pk,
            "search_text": "kamin bygglov",
        },
    )
    case = Case.objects.get()
    use = ChecklistUse.objects.get(case=case)
    assert (use.version, use.search_text) == (version, "kamin bygglov")
    assert case.service == service  # taken from the checklist
    assert SearchRecord.objects.count() == 0


def test_ny_kontakt_without_checklist_keeps_the_search_for_knowledge_gaps(agent_client, service):
    agent_client.post(
        reverse("cases:contact_new"),
        {
            "channel": "phone",
            "service": service_label(service),
            "summary": "Fråga om något nytt",
            "rosa_level": "1",
            "action": "resolve",
            "search_text": "laddstolpe  gatan",
        },
    )
    assert SearchRecord.objects.get().text == "laddstolpe gatan"
