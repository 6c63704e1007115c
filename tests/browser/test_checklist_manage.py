"""A department user writes a checklist in the browser and sends it for review."""

import pytest

from checklists.models import ChecklistVersion, VersionStatus
from tests.browser.test_agent_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844}))


def check_and_capture(page, name, axe_check, screenshot):
    for width_name, viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        assert axe_check(page) == [], f"{name} at {width_name} width"
        screenshot(page, f"checklist-manage-{name}-{width_name}")
    page.set_viewport_size(VIEWPORTS[0][1])


def test_department_user_writes_a_checklist_and_submits_it(
    page, live_server, dept_user, service, publish_checklist, axe_check, screenshot
):
    publish_checklist(title="Eldningsförbud – vad gäller?", review_by="2020-01-01")
    log_in(page, live_server, username="bertil", lands_on="**/escalations/")
    page.get_by_role("link", name="Checklistor").click()
    page.wait_for_url("**/checklists/manage/")
    page.get_by_role("heading", name="Att granska").wait_for()
    check_and_capture(page, "index", axe_check, screenshot)

    page.get_by_role("link", name="Ny checklista").click()
    page.get_by_label("Tjänst").select_option(
        label="Bygglov för braskamin – Samhällsbyggnadsförvaltningen"
    )
    page.get_by_label("Rubrik").fill("Braskamin – bygglov eller anmälan?")
    page.get_by_label("Medborgarens frågor").fill(
        "Behöver jag bygglov för en braskamin?\nFår jag sätta in kaminen själv?"
    )
    page.get_by_label("Nyckelord").fill("braskamin, eldstad, kamin")
    page.get_by_label("Svarsmanus").fill(
        "Förklara att en ny eldstad kräver **anmälan**, inte bygglov.\n\n"
        "Be om fastighetsbeteckning."
    )
    page.get_by_label("Länkar").fill("Anmälan eldstad | kommun.example/eldstad")
    page.get_by_label("ROSA-nivå").select_option("2")
    page.get_by_role("button", name="Spara utkast").click()

    # The bad link is named by its line; everything typed is still there.
    page.get_by_role("alert").wait_for()
    assert "Rad 1:" in page.locator(".field--error").inner_text()
    assert page.get_by_label("Nyckelord").input_value() == "braskamin, eldstad, kamin"
    check_and_capture(page, "form-error", axe_check, screenshot)
    page.get_by_label("Länkar").fill("Anmälan eldstad | https://kommun.example/eldstad")
    page.get_by_role("button", name="Spara utkast").click()

    page.get_by_role("heading", name="Braskamin – bygglov eller anmälan?", level=1).wait_for()
    assert "anmälan" in page.locator("#checklist-script strong").inner_text()
    check_and_capture(page, "draft", axe_check, screenshot)

    page.get_by_role("button", name="Skicka till granskning").click()
    page.get_by_role("status").filter(has_text="skickad till granskning").wait_for()
    version = ChecklistVersion.objects.get(title="Braskamin – bygglov eller anmälan?")
    assert version.status == VersionStatus.IN_REVIEW
    assert version.links == [{"title": "Anmälan eldstad", "url": "https://kommun.example/eldstad"}]
    check_and_capture(page, "in-review", axe_check, screenshot)
    page.get_by_text("Arkivera …").click()  # a second step, so a slip does not archive
    page.get_by_role("button", name="Ja, arkivera").wait_for()
    assert axe_check(page) == []
    screenshot(page, "checklist-manage-archive-confirm-desktop")

    page.get_by_role("link", name="Ändra").click()
    page.get_by_label("Rubrik").wait_for()
    check_and_capture(page, "form-edit", axe_check, screenshot)

    page.get_by_role("navigation").get_by_role("link", name="Checklistor").click()
    page.get_by_role("link", name=version.title).wait_for()
    check_and_capture(page, "index-with-draft", axe_check, screenshot)
