"""Relevance is measured, not hoped: recall@3 ≥ 0.9 over the fixture, on both databases."""

import importlib
import json

import pytest

from cases.demo.generator import organisation_ensure
from cases.models import SubjectArea
from checklists.demo_loader import CHECKLISTS_FILE
from checklists.models import VersionStatus
from checklists.relevance import HELDOUT_FILES, evaluate, load_queries
from checklists.thesaurus import shipped_thesaurus, thesaurus_import
from checklists.transfer import checklists_import

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_checklists(db):
    # Transactional tests flush what data migrations made: put the KKiK areas back.
    areas = importlib.import_module("cases.migrations.0002_subject_areas_and_roles")
    for code, name in areas.SUBJECT_AREAS:
        SubjectArea.objects.get_or_create(code=code, defaults={"name": name})
    organisation_ensure()
    thesaurus_import(data=shipped_thesaurus())
    created = checklists_import(data=json.loads(CHECKLISTS_FILE.read_text(encoding="utf-8")))
    return created


def test_fixture_is_large_enough_and_points_at_published_checklists(demo_checklists):
    published = {v.title for v in demo_checklists if v.status == VersionStatus.PUBLISHED}
    queries = load_queries()
    assert len(published) >= 150
    assert len(queries) >= 40
    assert {q["expected"] for q in queries} <= published


@pytest.mark.parametrize("name", sorted(HELDOUT_FILES))
def test_held_out_sets_point_at_published_checklists(demo_checklists, name):
    """Measured, never tuned on (no recall is asserted), but a query for a checklist the search
    cannot show would count as a miss of the search."""
    published = {v.title for v in demo_checklists if v.status == VersionStatus.PUBLISHED}
    queries = load_queries(HELDOUT_FILES[name])
    assert len(queries) >= 60
    assert [q["query"] for q in queries if q["expected"] not in published] == []


def test_recall_at_3_is_at_least_90_percent_in_every_class(demo_checklists):
    queries = load_queries()
    classes = {q["class"] for q in queries}
    assert classes == {
        "plain",
        "inflected",
        "compound",
        "misspelt",
        "no_diacritics",
        "synonym",
        "long",
    }
    assert len(queries) >= 150
    results = evaluate(queries)
    for name in classes:
        result = results[name]
        assert result.queries >= 20, name
        assert result.recall_at_3 >= 0.9, (
            f"{name}: recall@3 {result.recall_at_3:.2f}, missed: {result.misses}"
        )
