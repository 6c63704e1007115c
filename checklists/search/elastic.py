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
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
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
from checklists.search.database import SOURCE_LABELS
from checklists.search.text import (
    MIN_CORRECTED_LENGTH,
    STOP_WORDS,
    normalise,
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

swedish = analyzer(
    "kundtjanst_swedish",
    tokenizer="letter",
    filter=[
        "lowercase",
        token_filter("kundtjanst_swedish_stop", "stop", stopwords=sorted(STOP_WORDS)),
        token_filter("kundtjanst_swedish_stemmer", "stemmer", language="swedish"),
        # After the stemmer, as in `text.normalise`: the Swedish suffix rules read å, ä and ö.
        "asciifolding",
    ],
)


class ChecklistDocument(Document):
    """A published checklist version as Elasticsearch stores it; `_id` is the version id."""

    version_id = Long()
    department = Keyword()  # the department's id, as the database backend stores it
    public = Boolean()
    title = Text(analyzer=swedish)
    questions = Text(analyzer=swedish)
    keywords = Text(analyzer=swedish)
    body = Text(analyzer=swedish)  # the script: steps, what to collect, where to escalate

    class Meta:
        dynamic = MetaField("strict")

    @classmethod
    def from_version(cls, version: ChecklistVersion) -> ChecklistDocument:
        body = [*version.steps, *version.collect, version.escalation_target]
        return cls(
            meta={"id": str(version.pk)},
            version_id=version.pk,
            department=str(version.checklist.department_id),
            public=version.public,
            title=version.title,
            questions=list(version.questions),
            keywords=list(version.keywords),
            body=[text for text in body if text],
        )


def index_alias() -> str:
    prefix = getattr(settings, "ELASTICSEARCH_INDEX_PREFIX", "") or DEFAULT_INDEX_PREFIX
    return f"{prefix}-checklists"


def index_body() -> dict[str, Any]:
    """Settings and mappings of a checklist index (the body of `PUT /<index>`)."""
    index = Index("checklists")  # the name is not part of the body
    # One shard: a municipality has a few thousand checklists, and BM25 statistics then cover
    # the whole corpus, so scores do not depend on which shard a checklist landed in.
    index.settings(number_of_shards=1)
    index.document(ChecklistDocument)
    return index.to_dict()


def query_words(text: str) -> list[str]:
    """The words of a query that are searched for: no stop words, one per indexed term."""
    by_term: dict[str, str] = {}
    for word in dict.fromkeys(words(text)):
        for part in word.split("-"):
            if part and part not in STOP_WORDS:
                by_term.setdefault(normalise(part), part)
    return list(by_term.values())[:MAX_QUERY_WORDS]


def build_query(text: str, *, limit: int, public_only: bool) -> dict[str, Any]:
    """The body of the `_search` request for what the agent typed."""
    clauses = [
        {
            "multi_match": {
                "query": word,
                "fields": list(FIELDS),
                "type": "most_fields",
                "fuzziness": FUZZINESS,
                "_name": word,
            }
        }
        for word in query_words(text)
    ]
    if not clauses:
        return {"size": 0, "query": {"match_none": {}}}
    query: dict[str, Any] = {
        "should": clauses,
        # A count, never below one: "30%" of one to three words rounds to 0, and beside a
        # filter that makes every clause optional, so public_only would list every public
        # checklist.
        "minimum_should_match": max(1, len(clauses) * MATCH_PERCENT // 100),
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
        client.indices.create(index=new, **index_body())
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
            .select_related("checklist")
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
        body = build_query(text, limit=limit, public_only=public_only)
        try:
            response = self.client.search(index=self.alias, body=body)
        except NotFoundError:
            logger.warning(
                "Search index %s is missing: run `manage.py search_index --rebuild`.", self.alias
            )
            return []
        return [_hit(hit, searched) for hit in response["hits"]["hits"]]


def _hit(hit: dict[str, Any], searched: list[str]) -> SearchHit:
    named = set(hit.get("matched_queries") or ())
    source = hit.get("_source") or {}
    found: set[str] = set()
    for name in SOURCE_FIELDS:
        value = source.get(name) or []
        for text in [value] if isinstance(value, str) else value:
            found.update(terms(text))
    matched = tuple(
        # Matched, but not as typed: Elasticsearch found it one edit away.
        word if normalise(word) in found else f"{word}{SOURCE_LABELS['typo']}"
        for word in searched
        if word in named
    )
    return SearchHit(
        version_id=int(hit["_id"]), score=round(float(hit["_score"]), 4), matched=matched
    )
