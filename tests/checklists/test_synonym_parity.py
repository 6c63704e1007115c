"""Both search backends expand a query with the same synonyms (issue 8, ADR 0010).

The database backend expands in Python (`text.expand_query` via `text.synonym_matches`). The
Elasticsearch backend sends synonym clauses whose words the cluster's `synonym_graph` analyzers
expand, from rules in the index body. Here the cluster's side is computed from exactly what
would be sent — the index body's rules and the query body's clauses — the way Lucene applies
equivalent synonyms (a clause whose words are one member of a rule emits every member of that
rule; the rule's members are analysed by the same chain as the clause), and compared with the
database backend's expansion for the shipped thesaurus, every member of it, and every query of
the relevance fixture. `test_elastic.test_live_synonym_analyzers_emit_what_this_test_assumes`
checks the assumption against a real cluster when one is configured.
"""

import json
from collections import defaultdict

import pytest

from checklists.demo_loader import CHECKLISTS_FILE
from checklists.relevance import load_queries
from checklists.search.elastic import build_query, index_body
from checklists.search.synonyms import Thesaurus
from checklists.search.text import Vocabulary, document_terms, synonym_matches, terms
from checklists.thesaurus import shipped_thesaurus


@pytest.fixture(scope="module")
def thesaurus():
    groups = shipped_thesaurus()["groups"]
    return Thesaurus.from_groups((g["preferred"], g["variants"], g["subject_area"]) for g in groups)


@pytest.fixture(scope="module")
def vocabulary():
    data = json.loads(CHECKLISTS_FILE.read_text(encoding="utf-8"))
    found = set()
    for checklist in data["checklists"]:
        texts = [
            checklist["title"],
            *checklist.get("questions", []),
            *checklist.get("keywords", []),
        ]
        texts += [*checklist.get("steps", []), *checklist.get("collect", [])]
        found.update(document_terms(texts))
    return Vocabulary(frozenset(found))


def database_expansion(text, vocabulary, thesaurus):
    return {
        (expansion.term, expansion.subject_area)
        for match, _ in synonym_matches(text, vocabulary, thesaurus)
        for expansion in thesaurus.expansions([match])
    }


_rules = {}


def analyzer_rules(vocabulary, thesaurus):
    """The synonym rules of each analyzer in the index body, parsed (once per module)."""
    if not _rules:
        analysis = index_body(vocabulary.terms, thesaurus)["settings"]["analysis"]
        for name, analyzer in analysis["analyzer"].items():
            graph = [
                f
                for f in analyzer["filter"]
                if analysis["filter"].get(f, {}).get("type") == "synonym_graph"
            ]
            if graph:
                _rules[name] = _parse_rules(analysis["filter"][graph[0]]["synonyms"])
    return _rules


def cluster_expansion(text, vocabulary, thesaurus):
    """What Elasticsearch's synonym analyzers emit for the synonym clauses of the query."""
    rules = analyzer_rules(vocabulary, thesaurus)
    body = build_query(
        text, limit=10, public_only=False, vocabulary=vocabulary, thesaurus=thesaurus
    )
    emitted = set()
    for clause in body.get("query", {}).get("bool", {}).get("should", []):
        area = ""
        if "bool" in clause:
            area = clause["bool"]["filter"][0]["term"]["subject_area"]
            clause = clause["bool"]["must"][0]
        match = clause["multi_match"]
        if "analyzer" not in match:
            continue  # a typed word's own clause: no synonyms
        tokens = tuple(terms(match["query"]))
        emitted |= {(term, area) for term in rules[match["analyzer"]].get(tokens, ())}
    return emitted


def _parse_rules(lines):
    """Solr-format equivalent synonyms: each member maps to every member's terms; a member in
    several rules gets the union (Lucene merges them)."""
    out = defaultdict(set)
    for line in lines:
        members = [tuple(terms(member)) for member in line.split(",")]
        everything = {term for member in members for term in member}
        for member in members:
            out[member] |= everything
    return out


def test_every_member_of_the_shipped_thesaurus_expands_alike(thesaurus, vocabulary):
    checked = 0
    for group in thesaurus.groups:
        for member in group.members:
            database = database_expansion(member.surface, vocabulary, thesaurus)
            assert database, member.surface
            assert database == cluster_expansion(member.surface, vocabulary, thesaurus), member
            checked += 1
    assert checked > 1500


def test_every_fixture_query_expands_alike(thesaurus, vocabulary):
    expanded = 0
    for item in load_queries():
        database = database_expansion(item["query"], vocabulary, thesaurus)
        assert database == cluster_expansion(item["query"], vocabulary, thesaurus), item["query"]
        expanded += bool(database)
    assert expanded > 50  # most fixture queries meet the thesaurus somewhere


@pytest.mark.parametrize(
    "text",
    [
        "dagis",
        "dagiset",  # inflected trigger
        "larmklockan tjuter",  # compound of thesaurus words: parts expand (database and ES)
        "p-bot på gatan",  # hyphenated member
        "plats på förskolan",  # multi-word member with a stop word inside
        "handikappad p-kort",  # general and area-limited groups
        "säga upp platsen",  # "säga upp" is never "säga"
    ],
)
def test_typical_citizen_phrases_expand_alike(text, thesaurus, vocabulary):
    assert database_expansion(text, vocabulary, thesaurus) == cluster_expansion(
        text, vocabulary, thesaurus
    )


def test_a_compound_of_thesaurus_words_finds_its_group(thesaurus, vocabulary):
    expansion = database_expansion("larmklockan", vocabulary, thesaurus)
    assert ("trygghetslarm", "aldreomsorg") in expansion
