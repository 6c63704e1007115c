"""The Elasticsearch search backend.

No Elasticsearch server can run on this machine (not in Debian, not on PyPI or npm as a
runnable server; see ../shared/notes/test-servers.md). So most tests here check what the
backend would send — the index body, the query body, the bulk writes — exactly, and the
`live_*` tests check what a real cluster does with it. They run only when ELASTICSEARCH_URL
names a cluster (an 8.x server: the 8.x client does not talk to 9.x) and use their own
throw-away indices.
"""

import io
import os
import uuid

import pytest
from django.core.management import call_command

from checklists import services as checklist_services
from checklists.models import ChecklistSearchDoc
from checklists.search import SearchHit, get_backend
from checklists.search.database import DatabaseSearchBackend
from checklists.search.elastic import (
    ElasticSearchBackend,
    build_query,
    index_body,
    published_vocabulary,
)
from checklists.search.synonyms import Thesaurus, current_thesaurus
from checklists.search.text import STOP_WORDS, Vocabulary

live = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="needs a live Elasticsearch: set ELASTICSEARCH_URL",
)

FIELDS = ["title^3", "questions^2", "keywords^2", "body"]
PARTS = ["title.parts^1.5", "questions.parts", "keywords.parts", "body.parts^0.5"]
SORT = [{"_score": {"order": "desc"}}, {"version_id": {"order": "asc"}}]
SOURCE = ["title", "questions", "keywords", "body"]


def clause(word):
    return {
        "multi_match": {
            "query": word,
            "fields": FIELDS + PARTS,
            "type": "most_fields",
            "fuzziness": "AUTO:5,256",
            "_name": word,
        }
    }


CHAIN = [
    "lowercase",
    "kundtjanst_swedish_stop",
    "kundtjanst_swedish_stemmer",
    "kundtjanst_swedish_definite",
    "kundtjanst_swedish_stemmer",
    "asciifolding",
]
THESAURUS = Thesaurus.from_groups(
    [
        ("förskola", ["dagis", "plats på förskolan"], ""),
        ("bygglov", ["byggnadslov", "BN"], "bygglov"),
        ("säga upp", ["avsluta"], ""),  # cut to one word by stop words: only "avsluta" stays
    ]
)


def test_index_body_defines_the_analyzers_and_the_field_mappings():
    text = {
        "type": "text",
        "analyzer": "kundtjanst_swedish",
        "fields": {"parts": {"type": "text", "analyzer": "kundtjanst_swedish_parts"}},
    }
    vocabulary = frozenset({"bygglov", "ansok", "ab", "hemtjanst"})
    assert index_body(vocabulary, THESAURUS) == {
        "settings": {
            "number_of_shards": 1,
            "analysis": {
                "analyzer": {
                    "kundtjanst_swedish": {
                        "type": "custom",
                        "tokenizer": "letter",
                        "filter": CHAIN,
                    },
                    "kundtjanst_swedish_parts": {
                        "type": "custom",
                        "tokenizer": "letter",
                        "filter": [*CHAIN, "kundtjanst_decompounder"],
                    },
                    "kundtjanst_synonyms": {
                        "type": "custom",
                        "tokenizer": "letter",
                        "filter": [*CHAIN, "kundtjanst_synonyms_graph"],
                    },
                    "kundtjanst_synonyms_bygglov": {
                        "type": "custom",
                        "tokenizer": "letter",
                        "filter": [*CHAIN, "kundtjanst_synonyms_bygglov_graph"],
                    },
                },
                "filter": {
                    # The database backend's stop words, so both backends ignore the same words.
                    "kundtjanst_swedish_stop": {"type": "stop", "stopwords": sorted(STOP_WORDS)},
                    "kundtjanst_swedish_stemmer": {"type": "stemmer", "language": "swedish"},
                    "kundtjanst_swedish_definite": {
                        "type": "pattern_replace",
                        "pattern": "^(\\p{L}{3,})(?:et|an)$",
                        "replacement": "$1",
                    },
                    # Words of three letters or more from the published checklists.
                    "kundtjanst_decompounder": {
                        "type": "dictionary_decompounder",
                        "word_list": ["ansok", "bygglov", "hemtjanst"],
                        "min_subword_size": 3,
                        "only_longest_match": True,
                    },
                    # Members written without stop words; one analyzer per subject area.
                    "kundtjanst_synonyms_graph": {
                        "type": "synonym_graph",
                        "synonyms": ["förskola, dagis, plats förskolan"],
                    },
                    "kundtjanst_synonyms_bygglov_graph": {
                        "type": "synonym_graph",
                        "synonyms": ["bygglov, byggnadslov, bn"],
                    },
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "version_id": {"type": "long"},
                "department": {"type": "keyword"},
                "subject_area": {"type": "keyword"},
                "public": {"type": "boolean"},
                "title": text,
                "questions": text,
                "keywords": text,
                "body": text,
            },
        },
    }


def test_synonyms_are_clauses_analysed_by_their_areas_synonym_analyzer():
    vocabulary = Vocabulary(frozenset({"forskol", "bygglov", "plats"}))
    query = build_query(
        "dagis bn", limit=10, public_only=False, vocabulary=vocabulary, thesaurus=THESAURUS
    )

    def synonym(text, analyzer, name):
        return {
            "multi_match": {
                "query": text,
                "fields": FIELDS,
                "type": "most_fields",
                "analyzer": analyzer,
                "auto_generate_synonyms_phrase_query": False,
                "boost": 0.7,
                "_name": f"synonym:{name}",
            }
        }

    assert query["query"]["bool"] == {
        "should": [
            clause("dagis"),
            clause("bn"),
            synonym("dagis", "kundtjanst_synonyms", "dagis"),
            {
                "bool": {
                    "must": [synonym("bn", "kundtjanst_synonyms_bygglov", "bn")],
                    "filter": [{"term": {"subject_area": "bygglov"}}],
                }
            },
        ],
        "minimum_should_match": 1,  # of the two typed words
    }


def test_short_query_has_one_named_fuzzy_clause_per_word():
    assert build_query("Bygglov braskamin", limit=10, public_only=False) == {
        "size": 10,
        "query": {
            "bool": {
                "should": [clause("bygglov"), clause("braskamin")],
                "minimum_should_match": 1,
            }
        },
        "sort": SORT,
        "track_scores": True,
        "_source": SOURCE,
    }


def test_public_only_query_filters_on_public():
    assert build_query("sophämtning", limit=5, public_only=True) == {
        "size": 5,
        "query": {
            "bool": {
                "should": [clause("sophämtning")],
                "minimum_should_match": 1,
                "filter": [{"term": {"public": True}}],
            }
        },
        "sort": SORT,
        "track_scores": True,
        "_source": SOURCE,
    }


def test_long_question_keeps_its_content_words_once_and_needs_a_third_of_them():
    text = (
        "Hej! Jag har köpt en ny braskamin och undrar om jag behöver söka bygglov eller göra "
        "en anmälan innan vi installerar den i vardagsrummet, och vad kostar bygglovet?"
    )
    assert build_query(text, limit=10, public_only=False) == {
        "size": 10,
        "query": {
            "bool": {
                # Stop words are gone; "bygglovet" is the same term as "bygglov".
                "should": [
                    clause("köpt"),
                    clause("ny"),
                    clause("braskamin"),
                    clause("behöver"),
                    clause("söka"),
                    clause("bygglov"),
                    clause("göra"),
                    clause("anmälan"),
                    clause("innan"),
                    clause("installerar"),
                    clause("vardagsrummet"),
                    clause("kostar"),
                ],
                "minimum_should_match": 3,  # 30 % of 12 words
            }
        },
        "sort": SORT,
        "track_scores": True,
        "_source": SOURCE,
    }


def test_pasted_text_is_cut_to_twenty_words():
    text = " ".join(f"z{letter}z" for letter in "abcdefghijklmnopqrstuvwxy")  # 25 words
    clauses = build_query(text, limit=10, public_only=False)["query"]["bool"]["should"]
    assert [c["multi_match"]["query"] for c in clauses] == [
        f"z{letter}z" for letter in "abcdefghijklmnopqrst"
    ]


def test_query_of_only_stop_words_matches_nothing_and_sends_nothing():
    assert build_query("Hej, jag undrar om det", limit=10, public_only=False) == {
        "size": 0,
        "query": {"match_none": {}},
    }
    client = RecordingClient()
    assert ElasticSearchBackend(client=client).search("Hej, jag undrar om det") == []
    assert client.calls == []


# A tiny stand-in for `elasticsearch.Elasticsearch`, used ONLY because no Elasticsearch server
# can run on this machine: it records the requests so their bodies can be asserted. What a
# cluster makes of them is what the live tests below check.
class RecordingClient:
    def __init__(self, *, alias_exists=True, search_response=None):
        self.calls = []
        self.indices = _RecordingIndices(self.calls, alias_exists)
        self.search_response = search_response

    def bulk(self, **kwargs):
        self.calls.append(("bulk", kwargs))
        return {"errors": False, "items": []}

    def search(self, **kwargs):
        self.calls.append(("search", kwargs))
        return self.search_response


class _RecordingIndices:
    def __init__(self, calls, alias_exists):
        self.calls = calls
        self.alias_exists = alias_exists

    def exists_alias(self, **kwargs):
        self.calls.append(("indices.exists_alias", kwargs))
        return self.alias_exists


@pytest.fixture
def published(publish_checklist):
    return publish_checklist(
        title="Bygglov för braskamin",
        questions=["Behöver jag bygglov för en braskamin?"],
        keywords=["eldstad", "kamin"],
        steps=["Förklara att en ny eldstad kräver anmälan.", "Hänvisa till e-tjänsten."],
        collect=["Fastighetsbeteckning"],
        escalation_target="Bygglovsenheten",
        public=True,
    )


@pytest.mark.django_db
def test_indexing_a_published_version_upserts_its_document(published):
    client = RecordingClient()
    ElasticSearchBackend(client=client).index([published])
    assert client.calls == [
        ("indices.exists_alias", {"name": "kundtjanst-checklists"}),
        (
            "bulk",
            {
                "operations": [
                    {"index": {"_index": "kundtjanst-checklists", "_id": str(published.pk)}},
                    {
                        "version_id": published.pk,
                        "department": str(published.checklist.department_id),
                        "subject_area": "bygglov",
                        "public": True,
                        "title": "Bygglov för braskamin",
                        "questions": ["Behöver jag bygglov för en braskamin?"],
                        "keywords": ["eldstad", "kamin"],
                        "body": [
                            "Förklara att en ny eldstad kräver anmälan.",
                            "Hänvisa till e-tjänsten.",
                            "Fastighetsbeteckning",
                            "Bygglovsenheten",
                        ],
                    },
                ],
                "require_alias": True,
                "refresh": "wait_for",
            },
        ),
    ]


@pytest.mark.django_db
def test_indexing_a_version_that_is_not_published_deletes_its_document(
    published, dept_user, service
):
    archived = checklist_services.checklist_archive(version=published, by=dept_user)
    draft = checklist_services.checklist_create(
        service=service,
        content=checklist_services.ChecklistContent(title="Nytt utkast", rosa_level=1),
        by=dept_user,
    )
    client = RecordingClient()
    ElasticSearchBackend(client=client).index([archived, draft])
    assert client.calls == [
        ("indices.exists_alias", {"name": "kundtjanst-checklists"}),
        (
            "bulk",
            {
                "operations": [
                    {"delete": {"_index": "kundtjanst-checklists", "_id": str(archived.pk)}},
                    {"delete": {"_index": "kundtjanst-checklists", "_id": str(draft.pk)}},
                ],
                "require_alias": True,
                "refresh": "wait_for",
            },
        ),
    ]


def test_remove_deletes_each_version_once():
    client = RecordingClient()
    ElasticSearchBackend(client=client, alias="lund-checklists").remove([4, 9, 4])
    assert client.calls[1] == (
        "bulk",
        {
            "operations": [
                {"delete": {"_index": "lund-checklists", "_id": "4"}},
                {"delete": {"_index": "lund-checklists", "_id": "9"}},
            ],
            "require_alias": True,
            "refresh": "wait_for",
        },
    )


@pytest.mark.django_db
def test_search_reports_the_words_that_matched_and_marks_typos():
    response = {
        "hits": {
            "hits": [
                {
                    "_id": "7",
                    "_score": 5.123456,
                    "_source": {
                        "title": "Bygglov för braskamin",
                        "questions": ["Behöver jag bygglov?"],
                        "keywords": [],
                        "body": ["Hänvisa till bygglovsenheten."],
                    },
                    "matched_queries": ["braskamn", "bygglovet"],
                    "sort": [5.123456, 7],
                },
                {
                    "_id": "3",
                    "_score": 1.5,
                    "_source": {"title": "Bygglov för skylt", "questions": [], "body": []},
                    "matched_queries": ["bygglovet"],
                    "sort": [1.5, 3],
                },
            ]
        }
    }
    client = RecordingClient(search_response=response)
    hits = ElasticSearchBackend(client=client).search("bygglovet braskamn", public_only=True)
    assert client.calls == [
        (
            "search",
            {
                "index": "kundtjanst-checklists",
                "body": build_query(
                    "bygglovet braskamn",
                    limit=10,
                    public_only=True,
                    vocabulary=published_vocabulary(),
                    thesaurus=current_thesaurus(),
                ),
            },
        )
    ]
    assert hits == [
        SearchHit(version_id=7, score=5.1235, matched=("bygglovet", "braskamn (stavning)")),
        SearchHit(version_id=3, score=1.5, matched=("bygglovet",)),
    ]


def test_get_backend_is_elasticsearch_when_the_url_is_set(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9200"
    backend = get_backend()
    assert isinstance(backend, ElasticSearchBackend)
    assert backend.alias == "kundtjanst-checklists"
    settings.ELASTICSEARCH_INDEX_PREFIX = "lund"
    assert get_backend().alias == "lund-checklists"


def test_get_backend_is_the_database_without_a_url(settings):
    settings.ELASTICSEARCH_URL = ""
    assert isinstance(get_backend(), DatabaseSearchBackend)


@pytest.mark.django_db
def test_search_index_rebuild_with_the_database_backend_prints_the_count(
    settings, publish_checklist
):
    settings.ELASTICSEARCH_URL = ""
    publish_checklist(title="Bygglov för braskamin")
    publish_checklist(title="Bygglov för skylt")
    # This test is not transactional, so nothing indexed the publications on commit.
    assert ChecklistSearchDoc.objects.count() == 0
    out = io.StringIO()
    call_command("search_index", "--rebuild", stdout=out)
    assert out.getvalue() == (
        "Sökindexet är ombyggt (databasen): 2 publicerade checklistversioner.\n"
    )
    assert ChecklistSearchDoc.objects.count() == 2


def test_search_index_without_rebuild_names_the_backend(settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9200"  # never contacted: the client is lazy
    out = io.StringIO()
    call_command("search_index", stdout=out)
    assert out.getvalue() == (
        "Sökmotor: Elasticsearch, alias kundtjanst-checklists. "
        "Bygg om indexet med: manage.py search_index --rebuild\n"
    )


# Live tests: a real cluster, throw-away indices under their own prefix.


@pytest.fixture
def live_backend(settings):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_INDEX_PREFIX = f"kundtjanst-test-{uuid.uuid4().hex[:8]}"
    backend = get_backend()
    assert isinstance(backend, ElasticSearchBackend)
    yield backend
    # Wildcard deletes are refused by default (action.destructive_requires_name): by name.
    for name in backend.client.indices.get(index=f"{backend.alias}*", allow_no_indices=True):
        backend.client.indices.delete(index=name)


@live
@pytest.mark.django_db(transaction=True)
def test_live_rebuild_ranks_misspelt_inflected_and_unaccented_words_first(
    live_backend, publish_checklist, other_service, other_dept_user
):
    kamin = publish_checklist(
        title="Bygglov för braskamin",
        questions=["Behöver jag bygglov för en braskamin?"],
        keywords=["eldstad", "kamin"],
    )
    skylt = publish_checklist(
        title="Bygglov för skylt", questions=["Får jag sätta upp en skylt på fasaden?"]
    )
    plats = publish_checklist(
        target_service=other_service,
        by=other_dept_user,
        title="Ansökan om förskoleplats",
        questions=["Hur söker jag förskoleplats till mitt barn?"],
        keywords=["förskola"],
    )

    assert live_backend.rebuild() == 3

    misspelt = live_backend.search("förskolplats")
    assert misspelt[0].version_id == plats.pk
    assert misspelt[0].matched == ("förskolplats (stavning)",)
    inflected = live_backend.search("braskaminen")
    assert inflected[0].version_id == kamin.pk
    assert inflected[0].matched == ("braskaminen",)
    unaccented = live_backend.search("forskoleplats")
    assert [hit.version_id for hit in unaccented] == [plats.pk]
    both = live_backend.search("bygglov skylt")
    assert [hit.version_id for hit in both][:2] == [skylt.pk, kamin.pk]


@live
@pytest.mark.django_db(transaction=True)
def test_live_public_only_leaves_out_internal_checklists(live_backend, publish_checklist):
    public = publish_checklist(title="Sophämtning för villa", public=True)
    internal = publish_checklist(title="Sophämtning för företag", public=False)
    # Public but about something else: beside the public filter, the words must still match.
    publish_checklist(title="Parkeringstillstånd", public=True)
    # Publishing indexed both after commit (the first write built the index).
    assert {hit.version_id for hit in live_backend.search("sophämtning")} == {
        public.pk,
        internal.pk,
    }
    assert [hit.version_id for hit in live_backend.search("sophämtning", public_only=True)] == [
        public.pk
    ]


@live
@pytest.mark.django_db(transaction=True)
def test_live_archived_version_leaves_the_index(live_backend, publish_checklist, dept_user):
    version = publish_checklist(title="Parkeringstillstånd för rörelsehindrade")
    assert [hit.version_id for hit in live_backend.search("parkeringstillstånd")] == [version.pk]
    checklist_services.checklist_archive(version=version, by=dept_user)
    assert live_backend.search("parkeringstillstånd") == []


@live
@pytest.mark.django_db(transaction=True)
def test_live_synonym_analyzers_emit_what_this_test_assumes(live_backend, publish_checklist):
    """The parity test (`test_synonym_parity.py`) computes what the synonym analyzers emit;
    a real cluster must agree, member by member, and the definite-form filter too."""
    from checklists.search.synonyms import current_thesaurus
    from checklists.search.text import terms
    from checklists.thesaurus import shipped_thesaurus, thesaurus_import

    thesaurus_import(data=shipped_thesaurus())
    publish_checklist(title="Bygglov för braskamin", keywords=["eldstad"])
    live_backend.rebuild()
    client = live_backend.client
    for text in ["bygglovet", "soptunnan", "medborgarkontoret", "hemtjänstavgiften"]:
        tokens = client.indices.analyze(
            index=live_backend.alias, analyzer="kundtjanst_swedish", text=text
        )["tokens"]
        assert [t["token"] for t in tokens] == terms(text)
    thesaurus = current_thesaurus()
    for group in thesaurus.groups[:80]:
        analyzer = (
            f"kundtjanst_synonyms_{group.subject_area}"
            if group.subject_area
            else "kundtjanst_synonyms"
        )
        expected = {term for member in group.members for term in member.terms}
        for member in group.members:
            tokens = client.indices.analyze(
                index=live_backend.alias, analyzer=analyzer, text=member.surface
            )["tokens"]
            assert expected <= {t["token"] for t in tokens}, (group.preferred, member)


@pytest.mark.parametrize(
    "word, label",
    [
        ("bygglovet", "bygglovet"),  # the same term as "bygglov"
        ("avgift", "avgift (i sammansatt ord)"),  # inside "hemtjänstavgift"
        ("braskaminsanmälan", "braskaminsanmälan (del av ord)"),  # a compound of "braskamin"
        ("braskamn", "braskamn (stavning)"),
    ],
)
def test_why_a_typed_word_matched_in_elasticsearch(word, label):
    from checklists.search.elastic import _why
    from checklists.search.text import terms

    found = set(terms("Bygglov för braskamin och hemtjänstavgift"))
    assert _why(word, found) == label
