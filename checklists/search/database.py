"""Search in the database the product already has: no extra server.

The processed terms of every published version are stored in `ChecklistSearchDoc` and held in
memory per process (`_corpus`, rebuilt when the stored documents change), with an inverted
index. Two stages, so time does not grow with rows × query words
(../shared/notes/search-performance.md):
1. Candidates from the inverted index for the query's selective terms (typed words, typo
   corrections, compound parts, synonyms — not terms in a large share of all checklists), at
   most `CANDIDATES` by a cheap sum of weight × rarity. Until issue 8 the database's full-text
   index did this; with synonyms and compounds a query has tens of terms, and ranking them in
   PostgreSQL cost 15 ms a search at 5,000 checklists against 2 ms here (ADR 0010).
2. The candidates are scored from their stored terms: each query term counts by its weight
   (the agent's own words weigh more than corrections), how rare it is, and the field it is in
   (title > questions, keywords > script). Both databases therefore rank the same way.
"""

from __future__ import annotations

import heapq
import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from checklists.models import ChecklistSearchDoc, ChecklistVersion, VersionStatus
from checklists.search import SearchHit
from checklists.search.synonyms import current_thesaurus
from checklists.search.text import (
    QueryTerm,
    Vocabulary,
    expand_query,
    explain,
    part_of_index,
    terms,
)

CANDIDATES = 100
COMMON_SHARE = 0.08  # a term in more than this share of checklists does not pick candidates
MIN_COMMON_DOCUMENTS = 20
ALWAYS_RAREST = 3
MAX_CANDIDATE_TERMS = 32
FIELD_WEIGHTS = {"title_terms": 3.0, "question_terms": 2.0, "keyword_terms": 2.0, "body_terms": 1.0}


def doc_fields(version: ChecklistVersion) -> dict[str, str]:
    """The processed terms of a version, field by field, as stored for search."""
    body = [*version.steps, *version.collect, version.escalation_target]
    return {
        "title_terms": " ".join(terms(version.title)),
        "question_terms": " ".join(t for q in version.questions for t in terms(q)),
        "keyword_terms": " ".join(t for k in version.keywords for t in terms(k)),
        "body_terms": " ".join(t for text in body for t in terms(text)),
    }


@dataclass
class _Corpus:
    key: tuple[int, object]
    vocabulary: Vocabulary
    document_frequency: Counter[str]
    documents: int
    # Each document's terms per field, so scoring needs no second trip to the database.
    fields: dict[int, tuple[Counter[str], ...]]
    subject_area: dict[int, str]  # each document's KKiK subject area code ("" if none)
    all_terms: dict[int, frozenset[str]]  # each document's terms in any field
    part_of: dict[str, list[str]]  # term → the vocabulary's compounds that contain it
    postings: dict[str, list[int]]  # term → the documents that contain it
    public: frozenset[int]  # documents shown on the public pages


_cache_lock = threading.Lock()
_cache: _Corpus | None = None


def _corpus() -> _Corpus:
    """Vocabulary and term frequencies of the index, rebuilt when the index has changed."""
    global _cache
    # Two index lookups, not a count over the wide rows: a publish writes a newer `indexed_at`
    # or a higher version id. A removal alone is noticed at the next publish; until then the
    # removed version can only be a candidate, and the selector returns published versions only.
    state = ChecklistSearchDoc.objects.aggregate(latest=Max("indexed_at"), last=Max("version_id"))
    key = (state["last"], state["latest"])
    with _cache_lock:
        if _cache is not None and _cache.key == key:
            return _cache
    frequency: Counter[str] = Counter()
    fields: dict[int, tuple[Counter[str], ...]] = {}
    areas: dict[int, str] = {}
    everything: dict[int, frozenset[str]] = {}
    postings: dict[str, list[int]] = {}
    public = set()
    rows = ChecklistSearchDoc.objects.values_list(
        "version_id",
        "public",
        "version__checklist__service__subject_area__code",
        *FIELD_WEIGHTS,
    ).order_by("version_id")
    for version_id, is_public, area, *texts in rows:
        counted = tuple(Counter(text.split()) for text in texts)
        fields[version_id] = counted
        areas[version_id] = area or ""
        everything[version_id] = frozenset().union(*counted)
        frequency.update(everything[version_id])
        for term in everything[version_id]:
            postings.setdefault(term, []).append(version_id)
        if is_public:
            public.add(version_id)
    vocabulary = Vocabulary(frozenset(frequency))
    corpus = _Corpus(
        key,
        vocabulary,
        frequency,
        len(fields),
        fields,
        areas,
        everything,
        part_of_index(vocabulary, frequency),
        postings,
        frozenset(public),
    )
    with _cache_lock:
        _cache = corpus
    return corpus


class DatabaseSearchBackend:
    def index(self, versions: Iterable[ChecklistVersion]) -> None:
        for version in versions:
            if version.status != VersionStatus.PUBLISHED:
                ChecklistSearchDoc.objects.filter(version_id=version.pk).delete()
                continue
            ChecklistSearchDoc.objects.update_or_create(
                version_id=version.pk,
                defaults={
                    "department_id": version.checklist.department_id,
                    "public": version.public,
                    **doc_fields(version),
                },
            )

    def remove(self, version_ids: Iterable[int]) -> None:
        ChecklistSearchDoc.objects.filter(version_id__in=list(version_ids)).delete()

    @transaction.atomic  # searches keep seeing the old index until the new one is complete
    def rebuild(self) -> int:
        ChecklistSearchDoc.objects.all().delete()
        published = ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
            "checklist"
        )
        docs = [
            ChecklistSearchDoc(
                version_id=v.pk,
                department_id=v.checklist.department_id,
                public=v.public,
                **doc_fields(v),
            )
            for v in published
        ]
        ChecklistSearchDoc.objects.bulk_create(docs, batch_size=500)
        return len(docs)

    def search(self, text: str, *, limit: int = 10, public_only: bool = False) -> list[SearchHit]:
        corpus = _corpus()
        query = expand_query(text, corpus.vocabulary, current_thesaurus(), corpus.part_of)
        known = [q for q in query if q.term in corpus.vocabulary.terms]
        if not known:
            return []
        candidates = _candidates(_selective(known, corpus), corpus, public_only=public_only)
        if not candidates:
            return []
        scored = [
            (version_id, *_score(version_id, known, corpus))
            for version_id in candidates
            if version_id in corpus.fields
        ]
        scored = [row for row in scored if row[1] > 0]
        scored.sort(key=lambda row: (-row[1], row[0]))
        # Why each matched, in words, only for the hits returned.
        return [
            SearchHit(version_id, score, tuple(explain(q) for q in matched))
            for version_id, score, matched in scored[:limit]
        ]


def _selective(query: list[QueryTerm], corpus: _Corpus) -> list[QueryTerm]:
    """The terms that find candidates: not those in a large share of all checklists (they
    would make nearly every row a candidate), but always the few rarest. All terms still count
    when the candidates are scored."""
    by_rarity = sorted(query, key=lambda q: corpus.document_frequency[q.term])
    limit = max(COMMON_SHARE * corpus.documents, MIN_COMMON_DOCUMENTS)
    chosen = [q for q in by_rarity if corpus.document_frequency[q.term] <= limit]
    # A long question with synonyms and compounds has a hundred terms: the candidates come from
    # the weightiest (typed words first), rarest first among equals.
    chosen.sort(key=lambda q: (-q.weight, corpus.document_frequency[q.term]))
    return chosen[:MAX_CANDIDATE_TERMS] or by_rarity[:ALWAYS_RAREST]


def _score(
    version_id: int, query: list[QueryTerm], corpus: _Corpus
) -> tuple[float, list[QueryTerm]]:
    field_terms = corpus.fields[version_id]
    area = corpus.subject_area[version_id]
    query = [q for q in query if not q.subject_area or q.subject_area == area]
    present = corpus.all_terms[version_id]
    score = 0.0
    matched: list[QueryTerm] = []
    best: dict[str, float] = dict.fromkeys((q.original for q in query), 0.0)
    for q in query:
        if q.term not in present:
            continue
        strength = sum(
            weight * counts[q.term] / (counts[q.term] + 1.0)
            for weight, counts in zip(FIELD_WEIGHTS.values(), field_terms, strict=True)
            if counts[q.term]
        )
        if not strength:
            continue
        idf = math.log(1 + (corpus.documents + 1) / (corpus.document_frequency[q.term] + 0.5))
        score += q.weight * idf * strength
        best[q.original] = max(best[q.original], q.weight)
        matched.append(q)
    # Matching more of what the agent typed beats matching one word many times: the share of
    # the typed words found, each by its best route (itself, a correction, a part, a synonym).
    score *= 0.5 + sum(best.values()) / (len(best) or 1)
    return round(score, 4), matched


def _candidates(query: list[QueryTerm], corpus: _Corpus, *, public_only: bool) -> list[int]:
    """The documents with any of the terms, the `CANDIDATES` best by weight × rarity."""
    rough: dict[int, float] = {}
    for q in query:
        idf = math.log(1 + (corpus.documents + 1) / (corpus.document_frequency[q.term] + 0.5))
        for version_id in corpus.postings.get(q.term, ()):
            rough[version_id] = rough.get(version_id, 0.0) + q.weight * idf
    if public_only:
        rough = {v: score for v, score in rough.items() if v in corpus.public}
    return heapq.nlargest(CANDIDATES, rough, key=lambda v: (rough[v], -v))
