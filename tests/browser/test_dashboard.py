"""The manager's dashboard in a real browser: the figures, the charts (vendored Chart.js) with
their tables, the drill-down to the cases; axe-core on every page, at desktop and phone width."""

import datetime as dt

import pytest
from django.utils import timezone

from cases import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_reads_the_figures_and_checks_the_cases_behind_one(
    page, live_server, manager, agent, service, axe_check, screenshot
):
    start = timezone.now() - dt.timedelta(days=2)
    call = services.case_create(
        channel="phone",
        summary="Fråga om sophämtning",
        by=agent,
        service=service,
        occurred_at=start,
        answered_at=start + dt.timedelta(seconds=20),
    )
    services.case_resolve(
        case=call, rosa_level=1, by=agent, resolved_at=start + dt.timedelta(minutes=4)
    )
    services.case_create(
        channel="email",
        summary="Mejl om bygglov",
        by=agent,
        service=service,
        occurred_at=start + dt.timedelta(hours=1),
    )

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Användarnamn").fill("maja")
    page.get_by_label("Lösenord").fill("lösenord-för-test")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/kpi/")
    page.get_by_role("heading", name="KKiK-mått").wait_for()
    page.wait_for_function("document.querySelector('#trend-chart').width > 0")
    # The live section (response times, days to decision) loads into the page after it.
    response = page.locator("section[aria-labelledby=response-h] table")
    response.wait_for()
    assert response.get_by_role("rowheader", name="Telefon").count() == 1
    page.get_by_text("Inga beslut under perioden.").wait_for()
    assert axe_check(page) == []
    screenshot(page, "dashboard-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_check(page) == []
    screenshot(page, "dashboard-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(".figure").filter(has_text="Direkt svar i telefon").get_by_role("link").click()
    page.get_by_role("heading", name="Ärendena bakom måttet").wait_for()
    assert page.get_by_role("link", name=call.reference).count() == 1
    assert axe_check(page) == []
    screenshot(page, "dashboard-drill-down")
