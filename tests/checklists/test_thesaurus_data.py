"""The data for issue 8: the starting municipal thesaurus and the relevance fixture.

Plain file checks, no database: the thesaurus in checklists/thesaurus/sv_municipal.json and the
queries in tests/checklists/relevance_queries.json, against the demo checklists and the KKiK
subject areas of the demo municipality (cases/demo/data.py).
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from cases.demo.data import DEPARTMENTS

ROOT = Path(__file__).resolve().parents[2]
THESAURUS = ROOT / "checklists" / "thesaurus" / "sv_municipal.json"
QUERIES = ROOT / "tests" / "checklists" / "relevance_queries.json"
CHECKLISTS = ROOT / "checklists" / "demo" / "checklists.json"

MIN_GROUPS = 300
MIN_QUERIES = 150
MIN_PER_CLASS = 20
MAX_PER_CHECKLIST = 4
CLASSES = ("plain", "inflected", "compound", "misspelt", "no_diacritics", "synonym", "long")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _words(text: str) -> set[str]:
    """Lower-cased words of three letters or more, punctuation stripped."""
    text = unicodedata.normalize("NFC", text).casefold()
    return {w for w in re.findall(r"[^\W_]+", text) if len(w) >= 3}


@pytest.fixture(scope="module")
def thesaurus() -> dict:
    return _load(THESAURUS)


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return _load(QUERIES)["queries"]


@pytest.fixture(scope="module")
def checklists() -> dict[str, dict]:
    return {c["title"]: c for c in _load(CHECKLISTS)["checklists"]}


# --- thesaurus ----------------------------------------------------------------------------------


def test_thesaurus_format(thesaurus):
    assert thesaurus["format"] == "kundtjanst-thesaurus/1"
    assert thesaurus["language"] == "sv"
    assert isinstance(thesaurus["groups"], list)
    for group in thesaurus["groups"]:
        assert set(group) <= {"preferred", "variants", "subject_area", "note"}, group
        assert {"preferred", "variants", "subject_area"} <= set(group), group
        assert isinstance(group["preferred"], str)
        assert isinstance(group["variants"], list) and group["variants"], group
        assert isinstance(group["subject_area"], str)
        assert isinstance(group.get("note", ""), str)


def test_thesaurus_has_enough_groups(thesaurus):
    assert len(thesaurus["groups"]) >= MIN_GROUPS


def test_thesaurus_terms_are_not_empty(thesaurus):
    for group in thesaurus["groups"]:
        for term in [group["preferred"], *group["variants"]]:
            assert isinstance(term, str) and term.strip(), group
            assert term == term.strip() and "  " not in term, group


def test_thesaurus_subject_areas_exist(thesaurus):
    codes = {s.subject_area for d in DEPARTMENTS for s in d.services if s.subject_area}
    used = {g["subject_area"] for g in thesaurus["groups"]} - {""}
    assert used <= codes, used - codes


def test_thesaurus_has_no_duplicate_terms_within_a_subject_area(thesaurus):
    seen: dict[tuple[str, str], str] = {}
    duplicates = []
    for group in thesaurus["groups"]:
        preferred = group["preferred"].casefold()
        terms = [t.casefold() for t in group["variants"]]
        assert preferred not in terms, f"{group['preferred']!r} is also its own variant"
        assert len(set(terms)) == len(terms), f"duplicate variant in {group['preferred']!r}"
        for term in [preferred, *terms]:
            key = (group["subject_area"], term)
            if key in seen:
                duplicates.append((key, seen[key], group["preferred"]))
            seen[key] = group["preferred"]
    assert not duplicates, duplicates


# --- relevance fixture --------------------------------------------------------------------------


def test_queries_format(queries):
    for q in queries:
        assert (
            {"query", "expected", "class"} <= set(q) <= {"query", "expected", "class", "added_for"}
        )
        assert all(isinstance(q[f], str) and q[f].strip() for f in ("query", "expected", "class"))
        assert q["class"] in CLASSES, q


def test_enough_queries_in_every_class(queries):
    assert len(queries) >= MIN_QUERIES
    per_class = Counter(q["class"] for q in queries)
    short = {c: per_class[c] for c in CLASSES if per_class[c] < MIN_PER_CLASS}
    assert not short, short


def test_expected_titles_are_published_checklists(queries, checklists):
    missing = [q["expected"] for q in queries if q["expected"] not in checklists]
    assert not missing, missing
    unpublished = [
        q["expected"] for q in queries if checklists[q["expected"]]["status"] != "published"
    ]
    assert not unpublished, unpublished


def test_no_checklist_expected_too_often(queries):
    counts = Counter(q["expected"] for q in queries)
    too_many = {title: n for title, n in counts.items() if n > MAX_PER_CHECKLIST}
    assert not too_many, too_many


def test_queries_are_not_repeated(queries):
    counts = Counter(" ".join(re.findall(r"[^\W_]+", q["query"].casefold())) for q in queries)
    repeated = [text for text, n in counts.items() if n > 1]
    assert not repeated, repeated


def test_no_diacritics_queries_have_none(queries):
    bad = [
        q["query"]
        for q in queries
        if q["class"] == "no_diacritics" and re.search("[åäöÅÄÖ]", q["query"])
    ]
    assert not bad, bad


def test_synonym_queries_share_no_word_with_their_checklist(queries, checklists):
    shared = {}
    for q in queries:
        if q["class"] != "synonym":
            continue
        c = checklists[q["expected"]]
        text = " ".join([c["title"], *c["questions"], *c["keywords"], *c["steps"]])
        common = _words(q["query"]) & _words(text)
        if common:
            shared[q["query"]] = sorted(common)
    assert not shared, shared
