"""Checklist search in Elasticsearch, for municipalities that already run a cluster.

Used when `ELASTICSEARCH_URL` is set. It answers like the database backend
(`checklists.search.database`): the same fields and field weights (title 3, questions 2,
keywords 2, script 1), the same Swedish processing (the `letter` tokenizer splits where
`text.WORD` does, `text.STOP_WORDS`, the Snowball Swedish stemmer that `snowballstemmer` also
implements, then folding å/ä/ö to a/a/o), one typo tolerated in terms of five letters or more,
and hits best first with ties broken by version id. Compound splitting ("bygglovsansökan" →
bygglov + ansökan) is not done here yet.

The query has one named `multi_match` per word the agent typed, not one `multi_match` over the
whole text:
- `minimum_should_match` of a `multi_match` counts terms within one field, so in a long
  question a checklist with "bygglov" in its title and "skorsten" in its script would need both
  in the same field. Per-word clauses make "30 % of the words" count over the whole checklist.
  (`cross_fields`, which is term-centred, does not allow fuzziness.)
- Each clause is named after its word, so `matched_queries` tells the agent which words hit.
- Each clause is `most_fields`: a word's score is the sum over the fields it is in, weighted,
  which is how the database backend scores; `best_fields` would count only the best field.

Index layout: the backend reads and writes the alias `index_alias()`
(`<ELASTICSEARCH_INDEX_PREFIX>-checklists`, prefix "kundtjanst" by default). `rebuild()` builds
a new timestamped index beside the live one, loads it, and moves the alias in one atomic
`_aliases` call before deleting the old index, so search keeps answering during a rebuild. A
publish that commits while a rebuild is loading is written to the old index and lost with it:
rebuild in a quiet hour, or run it again. Writes never create an index (`require_alias`); the
first write when there is no alias at all builds the whole index instead.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from elasticsearch import Elasticsearch, NotFoundError
from elasticsearch.dsl import (
    Boolean,
    Document,
    Index,
    Keyword,
    Long,
    MetaField,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.helpers import bulk

from checklists.models import ChecklistVersion, VersionStatus
from checklists.search import SearchHit
from checklists.search.synonyms import Match, Thesaurus, current_thesaurus
from checklists.search.text import (
    DEFINITE_PATTERN,
    MIN_COMPOUND_PART,
    MIN_CORRECTED_LENGTH,
    STOP_WORDS,
    QueryTerm,
    Vocabulary,
    document_terms,
    explain,
    normalise,
    synonym_matches,
    terms,
    words,
)

logger = logging.getLogger(__name__)

DEFAULT_INDEX_PREFIX = "kundtjanst"
REQUEST_TIMEOUT = 5.0  # seconds: an agent is on the phone while the search runs
REBUILD_TIMEOUT = 120.0  # seconds per request while loading a whole index
BULK_CHUNK = 500

FIELDS = ("title^3", "questions^2", "keywords^2", "body")
# One edit in terms of five letters or more and never two: the database backend's rule
# (`text.MIN_CORRECTED_LENGTH`, one insert, delete, substitution or swap). Plain "AUTO:5,9" would
# allow two edits from nine letters on, which is most Swedish compounds, and find checklists the
# database backend does not. No term is 256 letters long: the `letter` tokenizer cuts at 255.
FUZZINESS = f"AUTO:{MIN_CORRECTED_LENGTH},256"
# Short questions need one word to match (as in the database backend); in a long, rambling one
# ("hej, jag har köpt en braskamin och undrar om ...") about a third of the words must.
MATCH_PERCENT = 30
# Every word is a clause per field with up to 50 fuzzy expansions: a pasted e-mail must not
# reach the cluster's clause limit. The first words of a question carry it.
MAX_QUERY_WORDS = 20
SOURCE_FIELDS = ["title", "questions", "keywords", "body"]
SYNONYM_PREFIX = "synonym:"

SWEDISH_FILTERS = [
    "lowercase",
    token_filter("kundtjanst_swedish_stop", "stop", stopwords=sorted(STOP_WORDS)),
    token_filter("kundtjanst_swedish_stemmer", "stemmer", language="swedish"),
    # The definite endings the stemmer keeps, then the stemmer once more (`text.normalise`).
    token_filter(
        "kundtjanst_swedish_definite",
        "pattern_replace",
        pattern=DEFINITE_PATTERN,
        replacement="$1",
    ),
    "kundtjanst_swedish_stemmer",
    # After the stemmer, as in `text.normalise`: the Swedish suffix rules read å, ä and ö.
    "asciifolding",
]
swedish = analyzer("kundtjanst_swedish", tokenizer="letter", filter=SWEDISH_FILTERS)
PARTS_ANALYZER = "kundtjanst_swedish_parts"
SYNONYM_ANALYZER = "kundtjanst_synonyms"
# The `.parts` subfields hold each word and the checklists' words inside it (a dictionary
# decompounder over the published vocabulary, ADR 0010); they weigh less than the words
# themselves, so an exact match ranks above a split one.
PARTS_FIELDS = ("title.parts^1.5", "questions.parts", "keywords.parts", "body.parts^0.5")


def synonym_analyzer_name(subject_area: str) -> str:
    return f"{SYNONYM_ANALYZER}_{subject_area}" if subject_area else SYNONYM_ANALYZER


def _analysis(vocabulary: frozenset[str], thesaurus: Thesaurus) -> dict[str, Any]:
    """The analyzers that depend on the data: decompounding and the thesaurus."""
    chain = [
        "lowercase",
        "kundtjanst_swedish_stop",
        "kundtjanst_swedish_stemmer",
        "kundtjanst_swedish_definite",
        "kundtjanst_swedish_stemmer",
        "asciifolding",
    ]
    filters: dict[str, Any] = {
        "kundtjanst_decompounder": {
            "type": "dictionary_decompounder",
            "word_list": sorted(t for t in vocabulary if len(t) >= MIN_COMPOUND_PART),
            "min_subword_size": MIN_COMPOUND_PART,
            "only_longest_match": True,
        }
    }
    analyzers: dict[str, Any] = {
        PARTS_ANALYZER: {
            "type": "custom",
            "tokenizer": "letter",
            "filter": [*chain, "kundtjanst_decompounder"],
        }
    }
    for area in ["", *thesaurus.subject_areas()]:
        rules = thesaurus.rules(area)
        if not rules:
            continue
        name = synonym_analyzer_name(area)
        filters[f"{name}_graph"] = {"type": "synonym_graph", "synonyms": rules}
        analyzers[name] = {
            "type": "custom",
            "tokenizer": "letter",
            "filter": [*chain, f"{name}_graph"],
        }
    return {"filter": filters, "analyzer": analyzers}


class ChecklistDocument(Document):
    """A published checklist version as Elasticsearch stores it; `_id` is the version id."""

    version_id = Long()
    department = Keyword()  # the department's id, as the database backend stores it
    subject_area = Keyword()  # the KKiK subject area code: area-limited synonyms apply there
    public = Boolean()
    title = Text(analyzer=swedish, fields={"parts": Text(analyzer=PARTS_ANALYZER)})
    questions = Text(analyzer=swedish, fields={"parts": Text(analyzer=PARTS_ANALYZER)})
    keywords = Text(analyzer=swedish, fields={"parts": Text(analyzer=PARTS_ANALYZER)})
    # the script: steps, what to collect, where to escalate
    body = Text(analyzer=swedish, fields={"parts": Text(analyzer=PARTS_ANALYZER)})

    class Meta:
        dynamic = MetaField("strict")

    @classmethod
    def from_version(cls, version: ChecklistVersion) -> ChecklistDocument:
        body = [*version.steps, *version.collect, version.escalation_target]
        area = version.checklist.service.subject_area
        return cls(
            meta={"id": str(version.pk)},
            version_id=version.pk,
            department=str(version.checklist.department_id),
            subject_area=area.code if area else "",
            public=version.public,
            title=version.title,
            questions=list(version.questions),
            keywords=list(version.keywords),
            body=[text for text in body if text],
        )


def index_alias() -> str:
    prefix = getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "") or DEFAULT_INDEX_PREFIX
    return f"{prefix}-checklists"


def index_body(vocabulary: frozenset[str], thesaurus: Thesaurus) -> dict[str, Any]:
    """Settings and mappings of a checklist index (the body of `PUT /<index>`), with the
    published checklists' vocabulary for decompounding and the thesaurus's synonym analyzers.
    Both are fixed when the index is made: a new index (`rebuild`) takes a changed thesaurus
    (done after every change, `thesaurus.thesaurus_changed`) or new words."""
    index = Index("checklists")  # the name is not part of the body
    # One shard: a municipality has a few thousand checklists, and BM25 statistics then cover
    # the whole corpus, so scores do not depend on which shard a checklist landed in.
    index.settings(number_of_shards=1)
    index.document(ChecklistDocument)
    body = index.to_dict()
    analysis = body["settings"]["analysis"]
    extra = _analysis(vocabulary, thesaurus)
    analysis.setdefault("filter", {}).update(extra["filter"])
    analysis.setdefault("analyzer", {}).update(extra["analyzer"])
    return body


def query_words(text: str) -> list[str]:
    """The words of a query that are searched for: no stop words, one per indexed term."""
    by_term: dict[str, str] = {}
    for word in dict.fromkeys(words(text)):
        for part in word.split("-"):
            if part and part not in STOP_WORDS:
                by_term.setdefault(normalise(part), part)
    return list(by_term.values())[:MAX_QUERY_WORDS]


def synonym_clause(match: Match, weight: float) -> dict[str, Any]:
    """The thesaurus in the query: the matched member's own words, analysed by the synonym
    analyzer of its group's area, which emits every member of the group (as
    `Thesaurus.expansions` does); limited to that area's checklists."""
    area = match.group.subject_area
    clause: dict[str, Any] = {
        "multi_match": {
            "query": match.member.surface,
            "fields": list(FIELDS),
            "type": "most_fields",
            "analyzer": synonym_analyzer_name(area),
            # Multi-word synonyms match as their terms, as in the database backend.
            "auto_generate_synonyms_phrase_query": False,
            "boost": weight,
            "_name": f"{SYNONYM_PREFIX}{match.text}",
        }
    }
    if not area:
        return clause
    return {"bool": {"must": [clause], "filter": [{"term": {"subject_area": area}}]}}


def build_query(
    text: str,
    *,
    limit: int,
    public_only: bool,
    vocabulary: Vocabulary | None = None,
    thesaurus: Thesaurus | None = None,
) -> dict[str, Any]:
    """The body of the `_search` request for what the agent typed."""
    words_clauses = [
        {
            "multi_match": {
                "query": word,
                "fields": [*FIELDS, *PARTS_FIELDS],
                "type": "most_fields",
                "fuzziness": FUZZINESS,
                "_name": word,
            }
        }
        for word in query_words(text)
    ]
    if not words_clauses:
        return {"size": 0, "query": {"match_none": {}}}
    clauses = list(words_clauses)
    if thesaurus is not None and thesaurus.groups:
        seen = set()
        for match, weight in synonym_matches(
            text, vocabulary or Vocabulary(frozenset()), thesaurus
        ):
            key = (match.member.surface, match.group.subject_area)
            if key not in seen:
                seen.add(key)
                clauses.append(synonym_clause(match, weight))
    query: dict[str, Any] = {
        "should": clauses,
        # A count of the typed words, never below one: "30%" of one to three words rounds to
        # 0, and beside a filter that makes every clause optional, so public_only would list
        # every public checklist.
        "minimum_should_match": max(1, len(words_clauses) * MATCH_PERCENT // 100),
    }
    if public_only:
        query["filter"] = [{"term": {"public": True}}]
    return {
        "size": limit,
        "query": {"bool": query},
        # Ties by version id, as the database backend breaks them; sorting on a field would
        # drop the scores without track_scores.
        "sort": [{"_score": {"order": "desc"}}, {"version_id": {"order": "asc"}}],
        "track_scores": True,
        "_source": SOURCE_FIELDS,
    }


@functools.cache
def _client_for(url: str) -> Elasticsearch:
    # One client per process and URL: it keeps a connection pool.
    return Elasticsearch(url, request_timeout=REQUEST_TIMEOUT, max_retries=2)


class ElasticSearchBackend:
    def __init__(self, client: Elasticsearch | None = None, alias: str | None = None) -> None:
        self._client = client
        self.alias = alias or index_alias()

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = _client_for(settings.ELASTICSEARCH_URL)
        return self._client

    def index(self, versions: Iterable[ChecklistVersion]) -> None:
        operations: list[dict[str, Any]] = []
        for version in versions:
            target = {"_index": self.alias, "_id": str(version.pk)}
            if version.status == VersionStatus.PUBLISHED:
                document = ChecklistDocument.from_version(version)
                operations += [{"index": target}, document.to_dict(skip_empty=False)]
            else:
                operations.append({"delete": target})
        self._write(operations)

    def remove(self, version_ids: Iterable[int]) -> None:
        unique = dict.fromkeys(version_ids)
        self._write([{"delete": {"_index": self.alias, "_id": str(pk)}} for pk in unique])

    def _write(self, operations: list[dict[str, Any]]) -> None:
        if not operations:
            return
        if not self.client.indices.exists_alias(name=self.alias):
            # First write after switching to Elasticsearch: an index with only this version
            # would hide every other checklist. The caller runs after commit, so the
            # database already holds this change and a rebuild includes it.
            self.rebuild()
            return
        response = self.client.bulk(
            operations=operations,
            # Never let a write create an index with guessed mappings.
            require_alias=True,
            # The agent who has just published searches next: wait until it is visible.
            refresh="wait_for",
        )
        # Deleting a version that was never indexed answers "not_found", which is no error.
        if response["errors"]:
            failed = [
                result
                for item in response["items"]
                for result in item.values()
                if "error" in result
            ]
            raise RuntimeError(f"Elasticsearch refused {len(failed)} writes: {failed[:3]}")

    def rebuild(self) -> int:
        """A fresh index with every published version; the alias moves to it atomically."""
        client = self.client.options(request_timeout=REBUILD_TIMEOUT)
        new = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        body = index_body(published_vocabulary().terms, current_thesaurus())
        client.indices.create(index=new, **body)
        try:
            count, _ = bulk(client, self._load(new), chunk_size=BULK_CHUNK)
            client.indices.refresh(index=new)
            try:
                old = list(client.indices.get_alias(name=self.alias))
            except NotFoundError:
                old = []
            actions: list[dict[str, Any]] = [
                {"remove": {"index": name, "alias": self.alias}} for name in old
            ]
            if not old and client.indices.exists(index=self.alias):
                # A plain index under the alias's name (made by hand or by an older version):
                # it goes in the same atomic step.
                actions.append({"remove_index": {"index": self.alias}})
            actions.append({"add": {"index": new, "alias": self.alias}})
            client.indices.update_aliases(actions=actions)
        except BaseException:
            try:
                client.indices.delete(index=new, ignore_unavailable=True)
            except Exception:
                logger.exception("Could not delete the half-built index %s.", new)
            raise
        for name in old:
            client.indices.delete(index=name, ignore_unavailable=True)
        return count

    def _load(self, index: str) -> Iterator[dict[str, Any]]:
        published = (
            ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("checklist__service__subject_area")
            .order_by("pk")
        )
        for version in published.iterator(chunk_size=BULK_CHUNK):
            document = ChecklistDocument.from_version(version)
            yield {
                "_index": index,
                "_id": str(version.pk),
                "_source": document.to_dict(skip_empty=False),
            }

    def search(self, text: str, *, limit: int = 10, public_only: bool = False) -> list[SearchHit]:
        searched = query_words(text)
        if not searched:
            return []
        vocabulary, thesaurus = published_vocabulary(), current_thesaurus()
        body = build_query(
            text, limit=limit, public_only=public_only, vocabulary=vocabulary, thesaurus=thesaurus
        )
        try:
            response = self.client.search(index=self.alias, body=body)
        except NotFoundError:
            logger.warning(
                "Search index %s is missing: run `manage.py search_index --rebuild`.", self.alias
            )
            return []
        synonyms = [
            (match, weight) for match, weight in synonym_matches(text, vocabulary, thesaurus)
        ]
        return [_hit(hit, searched, synonyms, thesaurus) for hit in response["hits"]["hits"]]


_vocabulary_lock = threading.Lock()
_vocabulary: tuple[object, Vocabulary] | None = None


def published_vocabulary() -> Vocabulary:
    """The terms of the published checklists (for splitting typed compounds into thesaurus
    words, and the decompounder's word list), cached until a version is published or retired."""
    global _vocabulary
    published = ChecklistVersion.objects.filter(status=VersionStatus.PUBLISHED)
    key = tuple(published.aggregate(n=Count("pk"), last=Max("pk")).values())
    with _vocabulary_lock:
        if _vocabulary is not None and _vocabulary[0] == key:
            return _vocabulary[1]
    found: set[str] = set()
    for version in published.iterator(chunk_size=BULK_CHUNK):
        fields = [version.title, *version.questions, *version.keywords, *version.steps]
        found.update(document_terms([*fields, *version.collect, version.escalation_target]))
    vocabulary = Vocabulary(frozenset(found))
    with _vocabulary_lock:
        _vocabulary = (key, vocabulary)
    return vocabulary


def _why(word: str, found: set[str]) -> str:
    """How a typed word matched: as typed, inside one of the checklist's compounds, as a part
    of the typed compound, or one edit away."""
    term = normalise(word)
    if term in found:
        return word
    if any(term in other for other in found if len(other) > len(term)):
        return explain(QueryTerm(term, 0, "part_of", word))
    if any(other in term for other in found if len(other) >= MIN_COMPOUND_PART):
        return explain(QueryTerm(term, 0, "compound", word))
    return explain(QueryTerm(term, 0, "typo", word))


def _hit(
    hit: dict[str, Any],
    searched: list[str],
    synonyms: list[tuple[Match, float]],
    thesaurus: Thesaurus,
) -> SearchHit:
    named = set(hit.get("matched_queries") or ())
    source = hit.get("_source") or {}
    found: set[str] = set()
    for name in SOURCE_FIELDS:
        value = source.get(name) or []
        for text in [value] if isinstance(value, str) else value:
            found.update(terms(text))
    matched = [_why(word, found) for word in searched if word in named]
    for match, weight in synonyms:
        if f"{SYNONYM_PREFIX}{match.text}" not in named:
            continue
        for synonym in thesaurus.expansions([match]):
            if synonym.term in found and synonym.term not in match.member.terms:
                label = explain(
                    QueryTerm(synonym.term, weight, "synonym", match.text, synonym.shown)
                )
                if label not in matched:
                    matched.append(label)
    return SearchHit(
        version_id=int(hit["_id"]), score=round(float(hit["_score"]), 4), matched=tuple(matched)
    )
