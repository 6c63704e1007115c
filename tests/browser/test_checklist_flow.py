"""The agent finds a checklist by the citizen's words, uses it, and resolves the call."""

import pytest

from cases.models import Case
from checklists.models import ChecklistUse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_finds_uses_and_resolves_with_a_checklist(
    page, live_server, agent, publish_checklist, service, axe_check, screenshot
):
    version = publish_checklist(
        title="Braskamin – bygglov eller anmälan?",
        keywords=["braskamin", "eldstad"],
        questions=["Behöver jag bygglov för en braskamin?"],
        steps=[
            "Förklara att en ny eldstad kräver **anmälan**, inte bygglov.",
            "Be om fastighetsbeteckning.",
        ],
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("agnes")
    page.get_by_label("Lösenord").fill("lösenord-för-test")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/cases/new/")

    page.get_by_label("Sök på medborgarens ord").fill("får man sätta in braskaminen själv")
    use = page.get_by_role("button", name="Använd")
    use.wait_for()
    assert axe_check(page) == []
    use.focus()
    page.keyboard.press("Enter")
    page.locator("#checklist-script").wait_for()
    assert "anmälan" in page.locator("#checklist-script").inner_text()
    # Focus moved to the question field; the service came from the checklist.
    page.keyboard.type("Braskamin utan bygglov?")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="löst direkt").wait_for()
    screenshot(page, "contact-new-with-checklist")
    assert page.get_by_label("Sök på medborgarens ord").input_value() == ""
    assert page.locator("#checklist-script").count() == 0

    case = Case.objects.get()
    assert case.service == service and case.resolved_directly
    assert ChecklistUse.objects.get(case=case).version == version


def test_public_faq_is_accessible_for_citizens(
    page, live_server, publish_checklist, axe_check, screenshot
):
    version = publish_checklist(
        title="Braskamin – anmälan", public=True, steps=["En ny eldstad kräver **anmälan**."]
    )
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/fragor-och-svar/")
        assert axe_check(page) == []
        screenshot(page, f"public-faq-{name}")
    page.get_by_label("Vad undrar du över?").fill("braskamin")
    page.locator("#answers a", has_text=version.title).click()
    page.wait_for_url(f"**/fragor-och-svar/{version.pk}/")
    assert axe_check(page) == []


def test_follow_up_page_is_accessible(page, live_server, team_lead, service, axe_check, screenshot):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("tove")
    page.get_by_label("Lösenord").fill("lösenord-för-test")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/checklists/follow-up/")
    page.get_by_role("heading", name="Överenskommelser").wait_for()
    assert axe_check(page) == []
    screenshot(page, "follow-up-desktop")


def test_citizens_word_finds_the_checklist_with_the_reason_and_a_team_lead_accepts_a_suggestion(
    page,
    live_server,
    agent,
    team_lead,
    publish_checklist,
    other_service,
    other_dept_user,
    make_case,
    axe_check,
    screenshot,
):
    from checklists import selectors
    from checklists import services as checklist_services
    from checklists.models import SynonymGroup
    from checklists.thesaurus import shipped_thesaurus, thesaurus_import

    from .conftest import sign_in

    thesaurus_import(data=shipped_thesaurus())  # transactional tests flush the migration's rows
    forskola = publish_checklist(
        target_service=other_service,  # in the subject area of the thesaurus's "förskola" group
        by=other_dept_user,
        title="Ansöka om förskoleplats",
        keywords=["förskola"],
    )
    sign_in(page, live_server, "agnes")
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Sök på medborgarens ord").fill("dagis")
    why = page.locator(".result__why").first
    why.wait_for()
    assert "synonym för dagis" in why.inner_text()
    assert axe_check(page) == []
    screenshot(page, "search-why-synonym")

    # Agents keep choosing the checklist for a word it does not contain.
    for _ in range(selectors.SUGGEST_MIN_USES):
        checklist_services.checklist_use(
            case=make_case(), version=forskola, by=agent, search_text="barnpassning"
        )
    page.context.clear_cookies()
    sign_in(page, live_server, "tove")
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/checklists/manage/synonymer/forslag/")
        page.get_by_role("heading", name="Synonymförslag", exact=True).wait_for()
        assert axe_check(page) == []
        screenshot(page, f"synonym-suggestions-{name}")
    page.get_by_label("Synonym till (föredragen term)").fill("förskola")
    page.get_by_role("button", name="Godkänn som synonym barnpassning").click()
    page.get_by_text("”barnpassning” finns nu i synonymordlistan.").wait_for()
    assert "barnpassning" in SynonymGroup.objects.get(preferred="förskola").variant_list
