"""The agent's main flow in a real browser: log in, log a phone call, resolve it directly."""

import pytest

from cases import services
from cases.forms import service_label
from cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, username="agnes", lands_on="**/cases/new/"):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill("lösenord-för-test")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(lands_on)


def test_agent_logs_a_phone_call_and_resolves_it_directly(
    page, live_server, agent, service, axe_check, screenshot
):
    page.goto(f"{live_server.url}/login/")
    assert axe_check(page) == []
    log_in(page, live_server)
    assert axe_check(page) == []

    # Keyboard only: the service field has focus on load; Enter submits "Lös direkt".
    page.keyboard.type(service_label(service))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Behöver jag bygglov för en braskamin?")
    page.keyboard.press("Tab")
    page.keyboard.type("Nej, men en anmälan till byggnadsnämnden.")
    page.get_by_label("Fråga (kort)").press("Enter")

    status = page.get_by_role("status").filter(has_text="löst direkt")
    status.wait_for()
    case = Case.objects.get()
    assert case.status == "resolved" and case.resolved_directly is True
    assert case.summary == "Behöver jag bygglov för en braskamin?"
    assert case.reference in status.inner_text()
    # The page was not reloaded: the form was swapped in place and is empty for the next call.
    assert page.get_by_label("Fråga (kort)").input_value() == ""
    screenshot(page, "contact-new-desktop")


def test_validation_error_keeps_input_and_is_announced(
    page, live_server, agent, service, axe_check
):
    log_in(page, live_server)
    page.get_by_label("Tjänst").fill("Något som inte finns")
    page.get_by_label("Svar som gavs").fill("Ett svar jag inte vill skriva om")
    page.get_by_role("button", name="Lös direkt").click()
    page.get_by_role("alert").wait_for()
    assert "Okänd tjänst" in page.content()
    assert page.get_by_label("Svar som gavs").input_value() == "Ett svar jag inte vill skriva om"
    assert Case.objects.count() == 0
    assert axe_check(page) == []


def test_case_list_and_detail_are_accessible_at_desktop_and_phone_width(
    page, live_server, agent, make_case, axe_check, screenshot
):
    case = make_case(text="Medborgaren undrar över braskamin")
    services.case_resolve(case=make_case(channel="email"), rosa_level=2, by=agent, note="Svarat")
    log_in(page, live_server)
    for width_name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/cases/")
        page.get_by_role("link", name=case.reference).wait_for()
        assert axe_check(page) == []
        screenshot(page, f"case-list-{width_name}")
        page.goto(f"{live_server.url}/cases/{case.reference}/")
        assert axe_check(page) == []
        screenshot(page, f"case-detail-{width_name}")
    page.goto(f"{live_server.url}/cases/new/")
    assert axe_check(page) == []
    screenshot(page, "contact-new-phone")


def test_filtering_the_case_list_updates_in_place(page, live_server, agent, make_case):
    make_case(summary="Fråga om braskamin")
    email_case = make_case(summary="Mejl om sophämtning", channel="email")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Kanal").select_option("email")
    page.wait_for_url("**channel=email**")
    rows = page.locator("#results tbody tr")
    rows.first.wait_for()
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert email_case.reference in rows.first.inner_text()
