"""A team lead keeps the thesaurus (synonymordlista) in the browser: finds a group, edits it and
reads its history. Each page is checked with axe-core and photographed at desktop and phone
width into /tmp/shots/ (SCREENSHOT_DIR to change) for a person to look at."""

import importlib
import json
import os
from pathlib import Path

import pytest
from django.db.models import Q

from checklists.models import SynonymGroup
from checklists.thesaurus import (
    FORMAT,
    shipped_thesaurus,
    synonym_group_save,
    thesaurus_import,
)
from tests.browser.conftest import sign_in
from tests.factories import SubjectAreaFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/shots"))
VIEWPORTS = (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 390, "height": 844}))


def check_and_capture(page, name, axe_check):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width_name, viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        assert axe_check(page) == [], f"{name} at {width_name} width"
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(SHOTS / f"thesaurus-{name}-{width_name}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS[0][1])


@pytest.fixture
def shipped(team_lead):
    """The product's thesaurus and the KKiK areas, as the migrations load them (a transactional
    test starts from an empty database)."""
    migration = importlib.import_module("cases.migrations.0002_subject_areas_and_roles")
    for code, name in migration.SUBJECT_AREAS:
        SubjectAreaFactory(code=code, name=name)
    SynonymGroup.objects.all().delete()
    thesaurus_import(data=shipped_thesaurus(), by=team_lead)


def test_team_lead_finds_edits_and_reads_the_history_of_a_group(
    page, live_server, team_lead, manager, shipped, axe_check
):
    sign_in(page, live_server, "tove")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Synonymordlista"
    ).click()
    page.get_by_role("heading", name="Synonymordlista", level=1).wait_for()
    assert page.get_by_text(f"{SynonymGroup.objects.count()} grupper").is_visible()
    check_and_capture(page, "list", axe_check)

    page.get_by_label("Sök term").fill("dagis")
    page.get_by_label("Område").select_option(label="Förskola")
    page.get_by_role("button", name="Filtrera").click()
    expected = (
        SynonymGroup.objects.filter(subject_area="forskola")
        .filter(Q(preferred__icontains="dagis") | Q(variants__icontains="dagis"))
        .count()
    )
    assert expected > 1  # the shipped thesaurus has several
    page.get_by_text(f"{expected} grupper").wait_for()
    row = page.get_by_role("row").filter(has_text="daghem")
    assert "Förskola" in row.inner_text()
    assert "Dagis och daghem är äldre namn." in row.inner_text()
    check_and_capture(page, "list-filtered", axe_check)

    row.get_by_role("link", name="Ändra förskola").click()
    page.get_by_role("heading", name="Ändra ”förskola”").wait_for()
    variants = page.get_by_label("Varianter")
    assert variants.input_value().splitlines()[:2] == ["dagis", "daghem"]
    check_and_capture(page, "edit", axe_check)

    # A mistake first: the summary names it and links to the field; nothing typed is lost.
    page.get_by_label("Föredragen term").fill("")
    variants.fill(variants.input_value() + "\nförskolan")
    page.get_by_role("button", name="Spara ändringar").click()
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name="Skriv den föredragna termen.").wait_for()
    assert page.get_by_label("Varianter").input_value().endswith("förskolan")
    check_and_capture(page, "edit-error", axe_check)
    summary.get_by_role("link", name="Skriv den föredragna termen.").click()
    assert page.evaluate("document.activeElement.id") == "id_preferred"

    # Meanwhile a manager changes the group: the save is refused, their text and hers shown.
    group = SynonymGroup.objects.get(preferred="förskola", subject_area="forskola")
    synonym_group_save(
        by=manager,
        preferred="förskola",
        variants=[*group.variant_list, "barnträdgård"],
        subject_area="forskola",
        note=group.note,
        group=group,
    )
    page.get_by_label("Föredragen term").fill("förskola")
    page.get_by_role("button", name="Spara ändringar").click()
    page.get_by_role("heading", name="Så är gruppen sparad nu").wait_for()
    assert "barnträdgård" in page.locator(".saved-now").inner_text()
    assert page.get_by_label("Varianter").input_value().endswith("förskolan")
    check_and_capture(page, "edit-conflict", axe_check)

    # Having compared, she adds the manager's word and saves over it.
    variants.fill(variants.input_value() + "\nbarnträdgård")
    page.get_by_role("button", name="Spara ändringar").click()
    page.get_by_role("status").filter(has_text="Gruppen ”förskola” är sparad.").wait_for()
    group.refresh_from_db()
    assert group.variant_list[-2:] == ["förskolan", "barnträdgård"]

    page.get_by_role("link", name="Historik förskola").click()
    page.get_by_role("heading", name="Historik för ”förskola”").wait_for()
    newest, before = page.locator(".history > li").first, page.locator(".history > li").nth(1)
    assert "Tove" in newest.inner_text() and "ändrade gruppen" in newest.inner_text()
    assert "+ förskolan" in newest.inner_text()
    assert "Maja" in before.inner_text() and "+ barnträdgård" in before.inner_text()
    check_and_capture(page, "history", axe_check)

    # Removing a group asks first.
    page.get_by_role("link", name="Ändra gruppen").click()
    page.get_by_role("link", name="Ta bort gruppen …").click()
    page.get_by_role("button", name="Ja, ta bort gruppen").wait_for()
    check_and_capture(page, "delete-confirm", axe_check)
    page.get_by_role("link", name="Avbryt").click()
    page.get_by_role("heading", name="Ändra ”förskola”").wait_for()
    assert SynonymGroup.objects.filter(pk=group.pk).exists()


def test_a_bad_import_file_lists_every_problem(page, live_server, team_lead, axe_check):
    sign_in(page, live_server, "tove")
    page.goto(f"{live_server.url}/checklists/manage/synonymer/importera/")
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "ordlista.json",
                "mimeType": "application/json",
                "buffer": json.dumps(
                    {
                        "format": FORMAT,
                        "groups": [
                            {"preferred": "", "variants": ["x"]},
                            {"preferred": "sopor", "variants": []},
                        ],
                    }
                ).encode(),
            }
        ]
    )
    page.get_by_label("Ersätt hela ordlistan").check()
    page.get_by_role("button", name="Importera").click()
    page.get_by_role("alert").get_by_role(
        "link", name="Inget importerades: filen har 2 fel."
    ).wait_for()
    problems = page.locator(".problems li")
    assert problems.count() == 2
    assert "grupp 2 (sopor): variants" in problems.nth(1).inner_text()
    check_and_capture(page, "import-error", axe_check)
