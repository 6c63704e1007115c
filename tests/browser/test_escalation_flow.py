"""The hand-over in a real browser: the agent escalates with a promised callback, the
department finds it in its inbox, takes it and sends it back with an answer, and the agent sees
the answer on the case. Every page is checked with axe-core and photographed."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import CaseStatus, Escalation, EscalationStatus
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_escalation_round_trip_between_agent_and_department(
    page, live_server, agent, dept_user, unit, make_case, axe_check, screenshot
):
    case = make_case(summary="Får jag sätta in en braskamin i fritidshuset?")

    # The agent hands the case over from the case page.
    sign_in(page, live_server, "agnes")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    page.get_by_text("Överlämna med utlovad återkoppling").click()
    assert page.get_by_label("Överlämna till enhet").input_value() == "bygglov"
    assert page.get_by_label("Återkoppling senast").input_value() != ""  # the service's deadline
    page.get_by_label("Vad medborgaren har fått veta").fill(
        "Bygglovsenheten ringer upp inom två arbetsdagar."
    )
    page.get_by_label("Telefonnummer eller adress").fill("070-111 22 33")
    assert axe_check(page) == []
    screenshot(page, "escalate-form-desktop")
    page.get_by_role("button", name="Överlämna", exact=True).click()
    page.get_by_role("status").filter(has_text="Överlämnat till Bygglovsenheten").wait_for()
    escalation = Escalation.objects.get()
    assert escalation.callback_to == "070-111 22 33"

    # The department's inbox.
    sign_in(page, live_server, "bertil")
    page.goto(f"{live_server.url}/escalations/")
    page.get_by_role("link", name=case.reference).wait_for()
    tabs = page.get_by_role("navigation", name="Överlämningar per läge")
    assert tabs.get_by_role("link", name="Nya 1").count() == 1
    assert axe_check(page) == []
    screenshot(page, "escalation-inbox-desktop")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Ta emot").click()
    page.get_by_role("status").filter(has_text="Du har tagit emot").wait_for()
    page.get_by_text("Lämna tillbaka till kundtjänst med svar").click()
    page.get_by_label("Svar som kundtjänst ger medborgaren").fill(
        "Ingen bygglovsplikt. Gör en anmälan om eldstad på kommunens webbplats."
    )
    assert axe_check(page) == []
    screenshot(page, "escalation-detail-desktop")
    page.get_by_role("button", name="Lämna tillbaka").click()
    page.get_by_role("status").filter(has_text="tillbaka hos kundtjänst").wait_for()
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.RETURNED

    # The agent sees the answer to give on the case, and the timeline says what happened.
    sign_in(page, live_server, "agnes")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    answer = page.locator(".notice--answer")
    assert "Ingen bygglovsplikt" in answer.inner_text()
    assert "lämnade tillbaka ärendet till kundtjänst" in page.locator(".history").inner_text()
    assert axe_check(page) == []
    screenshot(page, "case-with-return-desktop")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_stale_action_shows_the_conflict_in_the_browser(
    page, live_server, dept_user, make_case, escalate, axe_check
):
    escalation = escalate(make_case())
    sign_in(page, live_server, "bertil")
    page.goto(f"{live_server.url}/escalations/{escalation.pk}/")
    # Meanwhile a colleague takes it.
    from cases import services
    from tests.factories import make_department_user

    colleague = make_department_user(escalation.department, username="greta")
    services.escalation_accept(escalation=escalation, by=colleague)

    page.get_by_role("button", name="Ta emot").click()

    page.get_by_role("alert").filter(has_text="Någon annan har hanterat").wait_for()
    assert axe_check(page) == []


def test_inbox_and_figures_read_well_on_a_phone(
    page,
    live_server,
    team_lead,
    make_case,
    escalate,
    other_unit,
    axe_check,
    screenshot,
):
    past = timezone.now() - dt.timedelta(days=3)
    for minutes, unit in ((0, None), (30, other_unit), (60, None)):
        start = past + dt.timedelta(minutes=minutes)
        kwargs = {"unit": unit} if unit else {}
        escalate(
            make_case(occurred_at=start - dt.timedelta(minutes=5)),
            at=start,
            callback_due=start + dt.timedelta(days=1),
            **kwargs,
        )
    sign_in(page, live_server, "tove")
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/escalations/?state=overdue")
        page.locator(".badge--overdue").first.wait_for()
        assert page.locator(".badge--overdue").count() == 3
        assert axe_check(page) == []
        screenshot(page, f"escalation-overdue-{name}")
        page.goto(f"{live_server.url}/kpi/escalations/")
        assert axe_check(page) == []
        screenshot(page, f"return-flow-{name}")
