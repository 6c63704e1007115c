"""The team lead's thesaurus (synonymordlista) pages: list and filter, create, edit (with the
conflict check), delete, history, import, export, and who may open them."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import urlencode

from checklists.models import SynonymGroup
from checklists.thesaurus import FORMAT, synonym_group_save, thesaurus_export
from tests.factories import SubjectAreaFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("checklists_manage:thesaurus")
CREATE = reverse("checklists_manage:thesaurus_create")
IMPORT = reverse("checklists_manage:thesaurus_import")
EXPORT = reverse("checklists_manage:thesaurus_export")


def url(name, group):
    return reverse(f"checklists_manage:thesaurus_{name}", args=[group.pk])


@pytest.fixture
def lead_client(client_for, team_lead):
    return client_for(team_lead)


@pytest.fixture
def area(db):
    return SubjectAreaFactory(code="bygglov", name="Bygglov")


@pytest.fixture
def group(team_lead, area):
    return synonym_group_save(
        by=team_lead,
        preferred="bastu",
        variants=["vedbastu", "strandbastu"],
        subject_area=area.code,
        note="Bygglov eller anmälan",
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def edit_data(group, **overrides):
    data = {
        "updated_at": group.updated_at.isoformat(),
        "preferred": group.preferred,
        "variants": "\r\n".join(group.variant_list),
        "subject_area": group.subject_area,
        "note": group.note,
    }
    data.update(overrides)
    return data


def upload(data, name="ordlista.json"):
    body = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def listed(response):
    return [group.preferred for group, _area in response.context["rows"]]


# The list


def test_team_lead_sees_the_whole_thesaurus_fifty_groups_a_page(
    lead_client, django_assert_max_num_queries
):
    total = SynonymGroup.objects.count()
    assert total > 50, "the migrations load the shipped thesaurus"
    with django_assert_max_num_queries(10):
        response = lead_client.get(INDEX)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == total
    assert len(response.context["rows"]) == 50
    assert f"{total} grupper" in response.content.decode()

    # Abbreviations in capitals are sorted among the other words, not before them.
    first = listed(response)
    assert first[0][:1].islower()
    capitals = [
        p for p in SynonymGroup.objects.values_list("preferred", flat=True) if p[:1].isupper()
    ]
    assert capitals, "the shipped thesaurus has abbreviations"
    last = first[-1][:1].lower()
    assert [c for c in capitals if c[:1].lower() < last and c not in first] == []
    assert [c for c in capitals if c[:1].lower() > last and c in first] == []
    second = listed(lead_client.get(INDEX, {"page": 2}))
    assert len(second) == 50 and not set(first) & set(second)


def test_the_list_filters_on_preferred_term_and_variants_whatever_the_case(
    lead_client, group, team_lead
):
    SynonymGroup.objects.exclude(pk=group.pk).delete()  # only this test's groups, not shipped
    synonym_group_save(by=team_lead, preferred="ålgräsvik", variants=["Ålgräs-viken"])

    assert listed(lead_client.get(INDEX, {"q": "BASTU"})) == ["bastu"]
    assert listed(lead_client.get(INDEX, {"q": "Strandbas"})) == ["bastu"]
    # Non-ASCII capitals too (SQLite's LIKE folds only ASCII).
    assert listed(lead_client.get(INDEX, {"q": "ÅLGRÄS"})) == ["ålgräsvik"]
    response = lead_client.get(INDEX, {"q": "strandbastu"})
    row = response.content.decode()
    assert "vedbastu, strandbastu" in row
    assert "Bygglov" in row and "Bygglov eller anmälan" in row
    assert url("edit", group) in row and url("history", group) in row


def test_the_list_filters_on_subject_area_or_on_groups_for_every_area(
    lead_client, group, team_lead
):
    general = synonym_group_save(by=team_lead, preferred="bastu", variants=["hundbastu"])

    in_area = lead_client.get(INDEX, {"area": "bygglov"})
    assert {g.pk for g, _ in in_area.context["rows"]} == set(
        SynonymGroup.objects.filter(subject_area="bygglov").values_list("pk", flat=True)[:50]
    )
    assert group.pk in {g.pk for g, _ in in_area.context["rows"]}

    everywhere = lead_client.get(INDEX, {"q": "bastu", "area": "*"})
    assert [g.pk for g, _ in everywhere.context["rows"]] == [general.pk]
    assert "Gäller alla områden" in everywhere.content.decode()


def test_the_filter_with_htmx_returns_only_the_list(lead_client, group):
    response = lead_client.get(INDEX, {"q": "bastu"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="thesaurus-list"' in body and "<html" not in body
    assert response["Vary"].lower().count("hx-request") == 1


# Create and edit


def test_team_lead_creates_a_group_one_variant_per_line(lead_client, team_lead, area):
    response = lead_client.post(
        CREATE,
        {
            "preferred": "Kolonilott",
            "variants": "odlingslott\r\n\r\nkolonilotter\r\nodlingslott",
            "subject_area": area.code,
            "note": "Odling",
        },
        follow=True,
    )

    group = SynonymGroup.objects.get(preferred="kolonilott", subject_area="bygglov")
    assert group.variant_list == ["odlingslott", "kolonilotter"]
    assert group.note == "Odling"
    assert group.history.get().history_user == team_lead
    assert response.redirect_chain == [(f"{INDEX}?{urlencode({'q': 'kolonilott'})}", 302)]
    assert messages_of(response) == ["Gruppen ”kolonilott” är sparad."]


def test_manager_edits_a_group(client_for, manager, group):
    response = client_for(manager).post(
        url("edit", group),
        edit_data(group, variants="vedbastu\r\nbasturum", subject_area="", note=""),
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.variant_list == ["vedbastu", "basturum"]
    assert group.subject_area == ""
    assert group.history.latest().history_user == manager


def test_the_edit_form_shows_the_group_and_its_version(lead_client, group):
    response = lead_client.get(url("edit", group))

    body = response.content.decode()
    assert f'value="{group.updated_at.isoformat()}"' in body
    assert "\nvedbastu\nstrandbastu</textarea>" in body
    assert '<option value="bygglov" selected>Bygglov</option>' in body


def test_a_duplicate_preferred_term_is_refused_on_that_field(lead_client, group, area):
    before = SynonymGroup.objects.count()
    response = lead_client.post(
        CREATE, {"preferred": "Bastu", "variants": "basturum", "subject_area": area.code}
    )

    assert response.status_code == 422
    assert SynonymGroup.objects.count() == before
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["preferred"]] == ["synonym-group-exists"]
    body = response.content.decode()
    # The summary links to the field, the field's error is tied to it for screen readers.
    assert (
        '<a href="#id_preferred">Det finns redan en grupp för ”bastu” i samma område.</a>' in body
    )
    assert 'aria-describedby="id_preferred_helptext id_preferred_error"' in body
    assert 'id="id_preferred_error"' in body
    assert "\nbasturum</textarea>" in body  # what was typed is kept


def test_the_form_reports_every_missing_field(lead_client):
    response = lead_client.post(CREATE, {"preferred": " ", "variants": ""})

    assert response.status_code == 422
    body = response.content.decode()
    assert '<a href="#id_preferred">Skriv den föredragna termen.</a>' in body
    assert '<a href="#id_variants">Skriv minst en variant (en per rad).</a>' in body


def test_an_edit_of_a_group_someone_changed_meanwhile_overwrites_nothing(
    lead_client, manager, group
):
    stale = edit_data(
        group, variants="vedbastu\r\nstrandbastu\r\nbastuaggregat", note="Min anteckning"
    )
    synonym_group_save(
        by=manager,
        preferred="bastu",
        variants=["vedbastu", "bastuflotte"],
        subject_area="bygglov",
        group=group,
    )

    response = lead_client.post(url("edit", group), stale)

    assert response.status_code == 409
    errors = response.context["form"].non_field_errors().as_data()
    assert [e.code for e in errors] == ["synonym-group-conflict"]
    group.refresh_from_db()
    assert group.variant_list == ["vedbastu", "bastuflotte"]
    assert group.note == ""
    body = response.content.decode().replace("\r\n", "\n")
    assert "Någon annan har ändrat gruppen sedan du öppnade den." in body
    assert "\nvedbastu\nstrandbastu\nbastuaggregat</textarea>" in body  # their text, kept
    assert 'value="Min anteckning"' in body
    assert "Så är gruppen sparad nu" in body and "vedbastu, bastuflotte" in body
    # Saving again after comparing is a deliberate choice: it takes the current version.
    assert f'value="{group.updated_at.isoformat()}"' in body
    again = lead_client.post(
        url("edit", group), dict(stale, updated_at=group.updated_at.isoformat())
    )
    assert again.status_code == 302
    group.refresh_from_db()
    assert group.variant_list == ["vedbastu", "strandbastu", "bastuaggregat"]


def test_an_edit_without_the_version_read_is_refused(lead_client, group):
    data = edit_data(group, variants="basturum")
    del data["updated_at"]

    response = lead_client.post(url("edit", group), data)

    assert response.status_code == 422
    assert "Läs in sidan igen" in response.content.decode()
    group.refresh_from_db()
    assert group.variant_list == ["vedbastu", "strandbastu"]


# Delete and history


def test_team_lead_deletes_a_group_after_confirming(lead_client, group):
    confirm = lead_client.get(url("delete", group))
    assert confirm.status_code == 200
    assert "Ja, ta bort gruppen" in confirm.content.decode()
    assert SynonymGroup.objects.filter(pk=group.pk).exists()

    response = lead_client.post(
        url("delete", group), {"updated_at": group.updated_at.isoformat()}, follow=True
    )

    assert response.redirect_chain == [(INDEX, 302)]
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()
    assert messages_of(response) == ["Gruppen ”bastu” är borttagen."]


def test_a_group_changed_since_the_confirmation_is_not_deleted(lead_client, manager, group):
    read_at = group.updated_at.isoformat()
    synonym_group_save(
        by=manager, preferred="bastu", variants=["basturum"], subject_area="bygglov", group=group
    )

    response = lead_client.post(url("delete", group), {"updated_at": read_at})

    assert response.status_code == 409
    assert SynonymGroup.objects.filter(pk=group.pk).exists()
    body = response.content.decode()
    assert "Någon annan har ändrat gruppen" in body and "basturum" in body


def test_the_history_shows_each_change_who_made_it_newest_first(
    lead_client, client_for, manager, group
):
    client_for(manager).post(
        url("edit", group),
        edit_data(
            group, variants="vedbastu\r\nbastuaggregat", subject_area="", note="Alla områden"
        ),
    )

    response = lead_client.get(url("history", group))

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(row.kind, row.user.username) for row in rows] == [("~", "maja"), ("+", "tove")]
    changed = {change.label: change for change in rows[0].changes}
    assert changed["Varianter"].added == ["bastuaggregat"]
    assert changed["Varianter"].removed == ["strandbastu"]
    assert (changed["Område"].old, changed["Område"].new) == ("Bygglov", "Alla områden")
    assert changed["Anteckning"].new == "Alla områden"
    assert "Föredragen term" not in changed
    body = response.content.decode()
    listed_changes = body[body.index('<ol class="history') :]
    assert listed_changes.index("Maja") < listed_changes.index("Tove")
    assert "ändrade gruppen" in body and "skapade gruppen" in body
    assert "+ bastuaggregat" in body and "− strandbastu" in body


def test_the_history_of_a_deleted_group_says_who_deleted_it(lead_client, group):
    lead_client.post(url("delete", group), {"updated_at": group.updated_at.isoformat()})

    response = lead_client.get(url("history", group))

    assert response.status_code == 200
    assert response.context["rows"][0].kind == "-"
    assert "tog bort gruppen" in response.content.decode()
    assert (
        lead_client.get(reverse("checklists_manage:thesaurus_history", args=[999_999])).status_code
        == 404
    )


# Import and export


def test_importing_a_good_file_reports_what_was_created_and_updated(lead_client, group, team_lead):
    before = SynonymGroup.objects.count()
    data = {
        "format": FORMAT,
        "groups": [
            {
                "preferred": "bastu",
                "variants": ["vedbastu", "bastuaggregat"],
                "subject_area": "bygglov",
            },
            {"preferred": "zzz-term-ett", "variants": ["ett"]},
            {"preferred": "zzz-term-två", "variants": ["två"], "note": "test"},
        ],
    }

    response = lead_client.post(IMPORT, {"file": upload(data)}, follow=True)

    assert response.redirect_chain == [(INDEX, 302)]
    assert messages_of(response) == [
        "Synonymordlistan är importerad: 2 nya och 1 uppdaterade grupper."
    ]
    assert SynonymGroup.objects.count() == before + 2
    group.refresh_from_db()
    assert group.variant_list == ["vedbastu", "bastuaggregat"]
    assert (
        SynonymGroup.objects.get(preferred="zzz-term-två").history.get().history_user == team_lead
    )


def test_a_bad_file_shows_every_problem_and_imports_nothing(lead_client, group):
    before = SynonymGroup.objects.count()
    data = {
        "format": FORMAT,
        "groups": [
            {"preferred": "zzz-bra", "variants": ["fin"]},
            {"preferred": "", "variants": ["x"]},
            {"preferred": "sopor", "variants": []},
            {"preferred": "zzz-bra", "variants": ["igen"]},
        ],
    }

    response = lead_client.post(IMPORT, {"file": upload(data), "replace": "on"})

    assert response.status_code == 422
    assert SynonymGroup.objects.count() == before
    assert not SynonymGroup.objects.filter(preferred="zzz-bra").exists()
    problems = response.context["form"].problems()
    assert problems[0] == "Inget importerades:"
    assert len(problems) == 4
    body = response.content.decode()
    for line in problems[1:]:
        assert f"<li>{line}</li>" in body.replace("&#x27;", "'")
    assert "grupp 3 (sopor): variants" in body
    assert "grupp 4 (zzz-bra): preferred: finns redan" in body
    assert '<a href="#id_file">Inget importerades: filen har 3 fel.</a>' in body
    assert 'aria-describedby="id_file_helptext id_file_error"' in body


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "Filen är inte giltig JSON (rad 1"),
        (b'{"format": "annat"}', "Filen är inte en synonymordlista"),
        ("ö".encode("latin-1"), "Filen är inte sparad som UTF-8."),
    ],
)
def test_a_file_that_is_no_thesaurus_is_refused_on_the_file_field(lead_client, content, expected):
    before = SynonymGroup.objects.count()

    response = lead_client.post(IMPORT, {"file": upload(content)})

    assert response.status_code == 422
    assert expected in " ".join(response.context["form"].problems())
    assert SynonymGroup.objects.count() == before


def test_import_without_a_file_names_the_field(lead_client):
    response = lead_client.post(IMPORT, {})

    assert response.status_code == 422
    assert '<a href="#id_file">Välj filen att importera.</a>' in response.content.decode()


def test_replacing_the_thesaurus_removes_the_groups_not_in_the_file(lead_client, group):
    data = {
        "format": FORMAT,
        "groups": [
            {"preferred": "bastu", "variants": ["basturum"], "subject_area": "bygglov"},
            {"preferred": "dagis", "variants": ["förskola"]},
        ],
    }

    response = lead_client.post(IMPORT, {"file": upload(data), "replace": "on"}, follow=True)

    assert messages_of(response) == [
        "Synonymordlistan är importerad: 1 nya och 1 uppdaterade grupper."
    ]
    assert sorted(SynonymGroup.objects.values_list("preferred", flat=True)) == ["bastu", "dagis"]
    assert SynonymGroup.objects.get(preferred="bastu").pk == group.pk


def test_the_export_imported_into_an_empty_thesaurus_gives_the_same_groups(lead_client, group):
    response = lead_client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="synonymordlista.json"'
    text = response.content.decode("utf-8")
    assert '"preferred": "förskola"' in text  # UTF-8 as is, not \u00f6
    assert text.startswith('{\n  "format": "kundtjanst-thesaurus/1"')
    exported = json.loads(text)
    assert exported == thesaurus_export()
    count = SynonymGroup.objects.count()

    SynonymGroup.objects.all().delete()
    imported = lead_client.post(IMPORT, {"file": upload(response.content)}, follow=True)

    assert messages_of(imported) == [
        f"Synonymordlistan är importerad: {count} nya och 0 uppdaterade grupper."
    ]
    assert thesaurus_export() == exported


# Who may open the pages


def all_urls(group):
    return [
        INDEX,
        CREATE,
        IMPORT,
        EXPORT,
        url("edit", group),
        url("delete", group),
        url("history", group),
    ]


@pytest.mark.parametrize("role", ["agent", "dept_user", "outsider"])
def test_other_roles_get_no_access(request, client_for, group, role):
    client = client_for(request.getfixturevalue(role))
    for page in all_urls(group):
        response = client.get(page)
        assert response.status_code == 403, page
        assert "Synonymordlistan sköts av arbetsledare och chefer." in response.content.decode()
    response = client.post(url("edit", group), edit_data(group, variants="hackad"))
    assert response.status_code == 403
    response = client.post(url("delete", group), {"updated_at": group.updated_at.isoformat()})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.variant_list == ["vedbastu", "strandbastu"]


def test_nobody_signed_out_reaches_the_thesaurus(client, group):
    for page in all_urls(group):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("login"))


def test_the_navigation_links_the_thesaurus_for_team_leads_and_managers_only(
    lead_client, client_for, manager, agent, dept_user
):
    link = f'href="{INDEX}" aria-current="page">Synonymordlista</a>'
    assert link in lead_client.get(INDEX).content.decode()
    home_of = {manager: reverse("kpi:dashboard"), agent: reverse("cases:list")}
    assert ">Synonymordlista</a>" in client_for(manager).get(home_of[manager]).content.decode()
    for user in (agent, dept_user):
        assert "Synonymordlista" not in client_for(user).get(reverse("cases:list")).content.decode()
    # On the thesaurus pages, "Checklistor" is not the current page.
    assert 'manage/" aria-current="page">Checklistor' not in lead_client.get(INDEX).content.decode()
