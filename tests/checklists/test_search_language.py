"""Citizens' words in the database backend: compounds, definite forms, the thesaurus (issue 8)."""

import pytest

from checklists.models import SynonymGroup
from checklists.selectors import checklist_search

pytestmark = pytest.mark.django_db(transaction=True)


def results(text):
    return [(version.title, hit.matched) for version, hit in checklist_search(text)]


def test_a_typed_word_finds_a_checklist_that_has_it_only_inside_a_compound_below_an_exact_match(
    publish_checklist,
):
    publish_checklist(title="Höjd hemtjänstavgift", keywords=["hemtjänstavgift"])
    publish_checklist(title="Avgift för parkering", keywords=["avgift"])
    found = results("avgift")
    assert [title for title, _ in found] == ["Avgift för parkering", "Höjd hemtjänstavgift"]
    assert "avgift (i sammansatt ord)" in found[1][1]


def test_a_typed_compound_finds_the_checklist_with_its_parts(publish_checklist):
    publish_checklist(title="Avgift för hemtjänst", keywords=["hemtjänst"])
    found = results("hemtjänstavgiften")
    assert found[0][0] == "Avgift för hemtjänst"
    assert "hemtjänstavgiften (del av ord)" in found[0][1]


@pytest.mark.parametrize("typed", ["bygglovet", "soptunnan", "bygglovets", "soptunnorna"])
def test_definite_forms_the_stemmer_keeps_are_found(typed, publish_checklist):
    publish_checklist(title="Bygglov och soptunna", keywords=["bygglov", "soptunna"])
    assert results(typed)[0][0] == "Bygglov och soptunna"


def test_a_synonym_finds_the_checklist_and_says_why_with_the_typed_word_above_it(
    publish_checklist, team_lead
):
    from checklists.thesaurus import synonym_group_save

    SynonymGroup.objects.all().delete()
    synonym_group_save(by=team_lead, preferred="ekonomiskt bistånd", variants=["socialbidrag"])
    publish_checklist(title="Ansöka om ekonomiskt bistånd")
    publish_checklist(title="Socialbidrag förr och nu")  # has the typed word itself
    found = results("socialbidraget")
    assert [title for title, _ in found] == [
        "Socialbidrag förr och nu",
        "Ansöka om ekonomiskt bistånd",
    ]
    assert "ekonomiskt bistånd — synonym för socialbidraget" in found[1][1]


def test_a_group_limited_to_a_subject_area_expands_only_there(
    publish_checklist, other_service, other_dept_user, team_lead
):
    from checklists.thesaurus import synonym_group_save

    SynonymGroup.objects.all().delete()
    # `service` is in the area "bygglov", `other_service` in "forskola".
    synonym_group_save(
        by=team_lead, preferred="placering", variants=["plats"], subject_area="forskola"
    )
    publish_checklist(title="Placering av bod")  # bygglov: "plats" must not reach it
    publish_checklist(
        target_service=other_service, by=other_dept_user, title="Placering i förskola"
    )
    assert [title for title, _ in results("plats")] == ["Placering i förskola"]


def test_a_thesaurus_change_is_searched_at_once(publish_checklist, team_lead):
    from checklists.thesaurus import synonym_group_delete, synonym_group_save

    SynonymGroup.objects.all().delete()
    publish_checklist(title="Felanmäla gatubelysning")
    assert results("gatlyktan") == []
    group = synonym_group_save(by=team_lead, preferred="gatubelysning", variants=["gatlykta"])
    assert results("gatlyktan")[0][0] == "Felanmäla gatubelysning"
    synonym_group_delete(group=group, by=team_lead)
    assert results("gatlyktan") == []


def test_function_words_match_nothing_however_the_caller_words_it(publish_checklist):
    publish_checklist(title="Tvist mellan grannar om staket", keywords=["staket"])
    publish_checklist(title="Samma avgift varje månad", keywords=["avgift"])
    assert results("mellan åt samma varje") == []
    [(title, matched)] = results("staket mellan oss")
    assert title == "Tvist mellan grannar om staket"
    assert not any("mellan" in label for label in matched)
