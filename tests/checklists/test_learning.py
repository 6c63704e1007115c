"""The search learns from the checklists agents choose (issue 8)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from checklists import learning, selectors
from checklists.models import (
    ChecklistUse,
    LearnedTerm,
    LearnedTermTotal,
    SearchTermUse,
    SynonymGroup,
)
from checklists.selectors import checklist_search

pytestmark = pytest.mark.django_db(transaction=True)


def use(agent, make_case, version, text, *, days_ago=0):
    """An agent searched for `text` and used `version` on a new case, `days_ago` days ago."""
    from checklists import services

    record = services.checklist_use(case=make_case(), version=version, by=agent, search_text=text)
    if days_ago:
        at = timezone.now() - dt.timedelta(days=days_ago)
        ChecklistUse.objects.filter(pk=record.pk).update(at=at)
        SearchTermUse.objects.filter(use=record).update(day=at.date())
        learning.learning_rebuild()
    return record


def titles(text):
    return [version.title for version, _ in checklist_search(text)]


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("p-bot 19800101-1234 bilen", "p-bot bilen"),
        ("ring 070-123 45 67 om bygglov", "ring om bygglov"),
        ("svar till anna.berg@example.se faktura", "svar till faktura"),
        ("+46 8 123 456 78 hemtjänst", "hemtjänst"),
        ("ärende KT-2026-00012 www.example.se/sida dagis", "ärende KT- dagis"),
    ],
)
def test_personal_data_is_removed_before_the_search_text_is_stored(typed, stored):
    assert learning.scrub_personal_data(typed) == stored


def test_using_a_checklist_from_the_case_page_records_the_scrubbed_terms(
    agent_client, make_case, publish_checklist
):
    version = publish_checklist(title="Parkeringsbot", keywords=["felparkering"])
    case = make_case()
    agent_client.post(
        reverse("checklists:use_on_case", args=[version.pk, case.reference]),
        {"q": "P-bot på bilen, pnr 19800101-1234"},
    )
    used = ChecklistUse.objects.get(case=case)
    assert used.search_text == "P-bot på bilen, pnr"
    assert sorted(SearchTermUse.objects.values_list("word", "term")) == [
        ("bilen", "bil"),
        ("bot", "bot"),
        ("p", "p"),
        ("pnr", "pnr"),
    ]
    assert set(SearchTermUse.objects.values_list("checklist_id", flat=True)) == {
        version.checklist_id
    }


def test_the_api_records_a_use_through_the_same_service(agent, make_case, publish_checklist):
    version = publish_checklist(title="Parkeringsbot")
    case = make_case()
    client = APIClient()
    client.force_authenticate(agent)
    response = client.post(
        f"/api/v1/cases/{case.reference}/checklist-uses/",
        {"version": version.pk, "search_text": "p-bot, ring 0701234567"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["search_text"] == "p-bot, ring"
    assert set(SearchTermUse.objects.values_list("word", flat=True)) == {"p", "bot", "ring"}
    missing = client.post(
        f"/api/v1/cases/{case.reference}/checklist-uses/", {"version": 999999}, format="json"
    )
    assert missing.status_code == 404


def test_a_word_in_no_checklist_and_no_synonym_group_finds_what_agents_chose_three_times(
    agent, make_case, publish_checklist
):
    SynonymGroup.objects.all().delete()
    publish_checklist(title="Felparkerad bil", keywords=["felparkering"])
    target = publish_checklist(title="Överklaga parkeringsanmärkning", keywords=["överklagan"])
    assert titles("lappen vindrutan") == []  # neither word is in any checklist or group
    for _ in range(3):
        use(agent, make_case, target, "lappen på vindrutan")
    results = checklist_search("lappen vindrutan")
    assert [v.title for v, _ in results][0] == "Överklaga parkeringsanmärkning"
    assert "tidigare vald för: lappen, vindrutan" in results[0][1].matched


def test_one_mistaken_choice_never_outranks_a_strong_text_match(
    agent, make_case, publish_checklist
):
    strong = publish_checklist(
        title="Bygglov för braskamin", keywords=["braskamin"], questions=["Får jag ha braskamin?"]
    )
    wrong = publish_checklist(title="Sotning av braskamin och skorsten", keywords=["sotning"])
    use(agent, make_case, wrong, "bygglov braskamin")
    assert titles("bygglov braskamin")[0] == strong.title
    # Many choices lift it, but never past half of the best text score.
    for _ in range(30):
        use(agent, make_case, wrong, "bygglov braskamin")
    results = checklist_search("bygglov braskamin")
    scores = {v.title: hit.score for v, hit in results}
    assert scores[wrong.title] > 0
    text_only = {hit.version_id: hit.score for hit in _backend_hits("bygglov braskamin")}
    assert scores[wrong.title] - text_only[wrong.pk] < 0.5 * max(text_only.values())


def _backend_hits(text):
    from checklists.search import get_backend

    return get_backend().search(text, limit=10)


def test_choices_decay_with_age(agent, make_case, publish_checklist):
    fresh = publish_checklist(title="Anmäla vattenläcka")
    old = publish_checklist(title="Anmäla stopp i avloppet")
    use(agent, make_case, fresh, "översvämning")
    use(agent, make_case, old, "översvämning", days_ago=learning.HALF_LIFE_DAYS)
    evidence = learning.learned_for("översvämning")
    # A choice half-life days old weighs 1/2; each checklist's evidence is its weight times its
    # share of the word's weight (1.5 in all).
    assert evidence[fresh.checklist_id].evidence == pytest.approx(1.0 * 1.0 / 1.5, abs=0.01)
    assert evidence[old.checklist_id].evidence == pytest.approx(0.5 * 0.5 / 1.5, abs=0.01)
    # Four half-lives later the old choice weighs a sixteenth of what it did.
    later = learning.learned_for(
        "översvämning", today=timezone.localdate() + dt.timedelta(days=4 * 180)
    )
    assert later[fresh.checklist_id].evidence == pytest.approx(
        evidence[fresh.checklist_id].evidence / 16, rel=0.02
    )


def test_learned_weights_follow_the_uses_when_cases_are_deleted(
    agent, make_case, publish_checklist
):
    version = publish_checklist(title="Anmäla vattenläcka")
    first = use(agent, make_case, version, "översvämning källare")
    use(agent, make_case, version, "översvämning")
    before = learning.learned_for("översvämning")[version.checklist_id].evidence
    first.case.delete()  # retention: the case goes, its search terms with it
    assert not SearchTermUse.objects.filter(use_id=first.pk).exists()
    after = learning.learned_for("översvämning")[version.checklist_id].evidence
    assert after == pytest.approx(before / 2, rel=0.01)
    assert "källare" not in [
        w for found in learning.learned_for("källare").values() for w in found.words
    ]
    kept = dict(LearnedTerm.objects.values_list("term", "weight"))
    totals = dict(LearnedTermTotal.objects.values_list("term", "weight"))
    assert totals == pytest.approx(kept)  # one checklist: its weights are the totals
    learning.learning_rebuild()
    assert dict(LearnedTerm.objects.values_list("term", "weight")) == pytest.approx(kept)
    assert dict(LearnedTermTotal.objects.values_list("term", "weight")) == pytest.approx(totals)


def test_team_lead_accepts_a_suggested_synonym_and_the_search_then_knows_it(
    agent, team_lead, make_case, publish_checklist, client_for
):
    SynonymGroup.objects.all().delete()
    version = publish_checklist(title="Överklaga parkeringsanmärkning")
    for _ in range(selectors.SUGGEST_MIN_USES):
        use(agent, make_case, version, "lappen")
    page = client_for(team_lead).get(reverse("checklists_manage:thesaurus_suggestions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "lappen" in html and "Överklaga parkeringsanmärkning" in html
    response = client_for(team_lead).post(
        reverse("checklists_manage:thesaurus_suggestions"),
        {
            "action": "accept",
            "word": "lappen",
            "term": "lapp",
            "checklist": version.checklist_id,
            "preferred": "parkeringsanmärkning",
            "subject_area": "",
        },
    )
    assert response.status_code == 302
    group = SynonymGroup.objects.get(preferred="parkeringsanmärkning")
    assert group.variant_list == ["lappen"]
    assert group.history.first().history_user == team_lead
    assert selectors.suggested_synonyms() == []  # now in the thesaurus
    results = checklist_search("lappen")
    assert results[0][0].pk == version.pk
    assert "parkeringsanmärkning — synonym för lappen" in results[0][1].matched


def test_team_lead_rejects_a_suggestion_and_it_is_not_suggested_again(
    agent, team_lead, make_case, publish_checklist, client_for
):
    version = publish_checklist(title="Överklaga parkeringsanmärkning")
    for _ in range(selectors.SUGGEST_MIN_USES):
        use(agent, make_case, version, "qwertz")
    assert [s.word for s in selectors.suggested_synonyms()] == ["qwertz"]
    client_for(team_lead).post(
        reverse("checklists_manage:thesaurus_suggestions"),
        {"action": "reject", "term": "qwertz", "checklist": version.checklist_id},
    )
    assert selectors.suggested_synonyms() == []


def test_words_the_checklist_already_contains_are_not_suggested(
    agent, make_case, publish_checklist
):
    version = publish_checklist(title="Överklaga parkeringsanmärkning")
    for _ in range(5):
        use(agent, make_case, version, "överklaga")
    assert selectors.suggested_synonyms() == []


def test_agents_cannot_open_the_suggestions(agent_client):
    response = agent_client.get(reverse("checklists_manage:thesaurus_suggestions"))
    assert response.status_code == 403


def test_a_word_chosen_for_many_checklists_is_not_suggested(agent, make_case, publish_checklist):
    first = publish_checklist(title="Anmäla vattenläcka")
    second = publish_checklist(title="Anmäla stopp i avloppet")
    for version in (first, second):
        for _ in range(selectors.SUGGEST_MIN_USES):
            use(agent, make_case, version, "grejen")
    assert selectors.suggested_synonyms() == []
    use(agent, make_case, first, "grejen")  # now 4 of its 7 choices went to the first
    assert [s.checklist.pk for s in selectors.suggested_synonyms()] == [first.checklist_id]


def test_a_suggestion_proposes_the_titles_most_telling_word_as_preferred_term(
    agent, make_case, publish_checklist
):
    leak = publish_checklist(title="Anmäla vattenläcka")
    publish_checklist(title="Anmäla stopp i avloppet")
    for _ in range(selectors.SUGGEST_MIN_USES):
        use(agent, make_case, leak, "skvätt")
    [suggestion] = selectors.suggested_synonyms()
    assert (suggestion.word, suggestion.preferred) == ("skvätt", "vattenläcka")


def test_the_suggestions_page_reads_a_fixed_number_of_queries(
    agent, team_lead, make_case, publish_checklist, client_for, django_assert_max_num_queries
):
    words = ["aaapp", "bbbepp", "cccipp", "dddopp", "eeeupp", "fffypp"]
    for n, word in enumerate(words):
        version = publish_checklist(title=f"Ärende nummer {n} om {word[:3]}tjänst")
        for _ in range(selectors.SUGGEST_MIN_USES):
            use(agent, make_case, version, word)
    client = client_for(team_lead)
    assert len(selectors.suggested_synonyms()) == len(words)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("checklists_manage:thesaurus_suggestions"))
    assert all(word in page.content.decode() for word in words)


def test_function_words_in_a_search_are_not_learned(agent, make_case, publish_checklist):
    version = publish_checklist(title="Anmäla vattenläcka")
    use(agent, make_case, version, "det rinner mellan väggarna åt samma håll")
    learned = sorted(SearchTermUse.objects.values_list("word", flat=True))
    assert learned == ["håll", "rinner", "väggarna"]


def test_the_stop_word_migration_forgets_function_words_recorded_before_it(
    agent, make_case, publish_checklist
):
    import importlib

    from django.apps import apps

    version = publish_checklist(title="Anmäla vattenläcka")
    record = use(agent, make_case, version, "läckan")
    SearchTermUse.objects.bulk_create(
        [
            SearchTermUse(use=record, checklist_id=version.checklist_id, term=w, word=w, day=d)
            for w, d in (("mellan", timezone.localdate()), ("samma", timezone.localdate()))
        ]
    )
    learning.learning_rebuild()
    assert LearnedTermTotal.objects.filter(term="mellan").exists()
    migration = importlib.import_module("checklists.migrations.0007_swedish_stop_words")
    migration.reindex_and_forget_function_words(apps, None)
    assert list(SearchTermUse.objects.values_list("word", flat=True)) == ["läckan"]
    assert list(LearnedTermTotal.objects.values_list("term", flat=True)) == [
        SearchTermUse.objects.get().term
    ]
