"""The citizen's pages in a real browser, by keyboard only: ask through the contact form (and
recover from errors without losing anything), read the receipt, open the status page, write a
follow-up, answer the service survey. Every page is checked with axe-core at desktop and phone
width and photographed; so is the agent's page for recording a caller's grades."""

import re
import time

import pytest

from cases import services as case_services
from cases.models import Case, Channel, Direction, SurveyAnswer
from tests.factories import SubjectAreaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
QUESTION = "Får jag sätta in en braskamin i mitt fritidshus utan bygglov?"


def check(page, axe_check, screenshot, name):
    """No WCAG 2.1 A/AA violations at either width; a screenshot of each for a person."""
    for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        assert axe_check(page) == [], f"{name} ({width})"
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size(DESKTOP)


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className")


def tab_to(page, element_id: str, limit: int = 30) -> None:
    """Tab forward until the element has focus: proves it is reachable by keyboard."""
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} is not reachable with Tab (stuck at {focused(page)})")


def test_citizen_asks_follows_the_case_and_answers_the_survey(
    page, live_server, agent, settings, axe_check, screenshot
):
    settings.WEB_FORM_MIN_SECONDS = 2
    # Transactional tests flush the areas the data migration made.
    area = SubjectAreaFactory(code="bygglov", name="Bygglov")
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/kontakt/")
    shown_at = time.monotonic()
    check(page, axe_check, screenshot, "contact-form")

    # First attempt: no e-mail address, and sent at once.
    tab_to(page, "id_subject_area")
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Vad gäller frågan?").input_value() == str(area.pk)
    page.keyboard.press("Tab")
    assert focused(page) == "id_question"
    page.keyboard.type(QUESTION)
    page.keyboard.press("Tab")
    assert focused(page) == "id_answer_by_0"  # "Via e-post" is chosen
    tab_to(page, "id_name")
    page.keyboard.type("Karin Berg")
    page.keyboard.press("Tab")  # the hidden trap field is skipped
    assert page.evaluate("document.activeElement.textContent") == "Skicka frågan"
    page.keyboard.press("Enter")

    summary = page.locator(".error-summary")
    summary.wait_for()
    assert focused(page) == "error-summary"  # read first
    assert "Skriv din e-postadress" in summary.inner_text()
    assert page.get_by_label("Din fråga").input_value() == QUESTION  # nothing lost
    assert page.get_by_label("E-postadress").get_attribute("aria-invalid") == "true"
    check(page, axe_check, screenshot, "contact-form-errors")

    # The summary's link leads to the field.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "id_email"
    page.keyboard.type("karin@example.se")
    time.sleep(max(0, 2.2 - (time.monotonic() - shown_at)))
    tab_to(page, "id_name")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/kontakt/kvitto/")

    case = Case.objects.get()
    assert case.channel == Channel.WEB and case.citizen.email == "karin@example.se"
    assert case.subject_area == area
    assert page.get_by_text(case.reference).count() >= 1
    check(page, axe_check, screenshot, "contact-receipt")

    # The status page, through the receipt's link.
    link = page.locator(".receipt__link a")
    assert re.fullmatch(rf"{re.escape(live_server.url)}/arende/[\w-]{{43}}/", link.inner_text())
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/arende/**")
    status_url = page.url
    page.get_by_text("Vi har inte svarat ännu").wait_for()
    check(page, axe_check, screenshot, "status-no-reply")

    case_services.contact_add(
        case=case,
        channel=Channel.EMAIL,
        direction=Direction.OUT,
        text="Hej Karin!\n\nEn braskamin kräver en anmälan, inte bygglov.",
        by=agent,
    )
    case_services.case_set_waiting(case=case, by=agent)
    page.reload()
    page.get_by_text("En braskamin kräver en anmälan").wait_for()

    # A follow-up message, by keyboard.
    tab_to(page, "id_text")
    page.keyboard.type("Tack! Var hittar jag blanketten?")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Ditt meddelande har lagts till").wait_for()
    assert case.contacts.filter(
        direction=Direction.IN, channel=Channel.WEB, text="Tack! Var hittar jag blanketten?"
    ).exists()
    check(page, axe_check, screenshot, "status-with-reply")

    # The survey about the reply.
    survey_link = page.get_by_role("link", name=re.compile("Svara på en kort enkät"))
    survey_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/enkat/**")
    survey_url = page.url
    check(page, axe_check, screenshot, "survey")

    page.get_by_role("button", name="Skicka svaren").focus()
    page.keyboard.press("Enter")  # nothing chosen: every question is named
    page.locator(".error-summary").wait_for()
    assert page.locator(".error-summary li").count() == 3
    check(page, axe_check, screenshot, "survey-errors")

    # Radio groups: Tab enters a group, arrow keys choose.
    tab_to(page, "id_courtesy_0")
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # 5
    page.keyboard.press("Tab")
    assert focused(page) == "id_ease_0"
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 4
    page.keyboard.press("Tab")
    assert focused(page) == "id_clarity_0"
    page.keyboard.press("Space")  # 1
    page.keyboard.press("Tab")
    page.keyboard.type("Trevligt, men jag förstod inte svaret.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/enkat/tack/")
    check(page, axe_check, screenshot, "survey-done")

    grades = dict(SurveyAnswer.objects.values_list("question", "grade"))
    assert grades == {"courtesy": 5, "ease": 4, "clarity": 1}

    # The link worked once; the status page thanks instead of linking.
    page.goto(survey_url)
    page.get_by_role("heading", name="Enkäten är redan besvarad").wait_for()
    check(page, axe_check, screenshot, "survey-used")
    page.goto(status_url)
    page.get_by_text("Tack för att du svarade på enkäten").wait_for()


def test_a_wrong_status_link_gets_a_plain_page(page, live_server, axe_check, screenshot):
    response = page.goto(f"{live_server.url}/arende/finns-inte/")
    assert response.status == 404
    page.get_by_role("heading", name="Länken fungerar inte").wait_for()
    check(page, axe_check, screenshot, "status-unknown")


def test_agent_records_a_callers_grades(page, live_server, agent, make_case, axe_check, screenshot):
    call = make_case(channel="phone").contacts.get()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("agnes")
    page.get_by_label("Lösenord").fill("lösenord-för-test")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/kanaler/kontakter/{call.pk}/enkat/")
    page.get_by_role("heading", name="Servicemätning").wait_for()
    assert page.get_by_role("group", name="Fick du ett tydligt svar?").count() == 0
    check(page, axe_check, screenshot, "agent-survey")

    tab_to(page, "id_courtesy_0")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 4
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # 1
    page.get_by_role("button", name="Spara svaren").click()
    page.wait_for_url(f"**/cases/{call.case.reference}/")
    assert dict(SurveyAnswer.objects.values_list("question", "grade")) == {
        "courtesy": 4,
        "ease": 1,
    }
