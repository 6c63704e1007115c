"""Swedish text for search: the same processing for documents and queries, in every backend.

Words are lower-cased, stemmed with the Swedish Snowball stemmer, and folded to ASCII
(å, ä → a; ö → o), so "Bygglovet", "bygglov" and "bygglöv" meet. Query words the published
checklists do not contain are corrected against their vocabulary (one edit in words of five
letters or more) and split into known parts when they are compounds ("bygglovsansökan" →
bygglov + ansökan, with the linking -s- or -e-).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import snowballstemmer
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from checklists.search.synonyms import Match, Thesaurus

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u"})
MIN_CORRECTED_LENGTH = 5
SYNONYM_WEIGHT = 0.7  # below the agent's own words (1.0), above corrections and parts
MIN_COMPOUND_PART = 3
# The definite endings the Snowball stemmer keeps, after at least three letters: -et
# ("bygglovet" → "bygglov", "huset" → "hus") and -an ("soptunnan" → "soptunn" like "soptunna",
# "ansökan" → "ansök" like "ansöka"). "paket" becomes "pak" as well, in documents and queries
# alike, so nothing is lost. Elasticsearch applies the same pattern (`elastic.swedish`).
DEFINITE_PATTERN = r"^(\p{L}{3,})(?:et|an)$"  # the same, in Java's syntax
DEFINITE = re.compile(r"^([^\W\d_]{3,})(?:et|an)$")

# Function words only: they carry nothing for finding a checklist. Content words ("bygga",
# "ansöka") stay, however common. The first lines are the Snowball (and Lucene `_swedish_`)
# Swedish stop words less "sitta" and "själv"; the rest are words callers put around a question.
_STOP_WORDS_TEXT = """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de av
    icke mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde
    något från ut när efter upp vi dem vara vad över än dig kan sina här ha mot alla under
    någon eller allt mycket sedan ju denna detta åt utan varit hur ingen mitt ni bli blev oss
    din dessa några deras blir mina samma vilken er sådan vår blivit dess inom mellan sådant
    varför varje vilka ditt vem vilket sådana vart dina vars vårt våra ert era vilkas
    år säger också kommer får finns andra här bara in även få två vill många mer går sitt
    olika hej tack undrar fråga frågor lite bra hos nog väl just redan snart igen the
    """
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_stemmer = snowballstemmer.stemmer("swedish")


def fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).translate(_FOLD)


@lru_cache(maxsize=50_000)
def normalise(word: str) -> str:
    """One word as it is indexed: lower case, Swedish stem, folded to ASCII, and the definite
    endings -et and -an removed, which the Snowball stemmer keeps ("bygglovet", "soptunnan")."""
    stem = _stemmer.stemWord(word.lower())
    # Stemmed again, always (Elasticsearch cannot stem only the words that lost an ending):
    # "medborgarkontoret" → "medborgarkontor" → "medborgarkont", as "medborgarkontor".
    return fold(_stemmer.stemWord(DEFINITE.sub(r"\1", stem)))


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def terms(text: str, *, keep_stop_words: bool = False) -> list[str]:
    """Indexed terms of a text, in order (duplicates kept)."""
    out = []
    for word in words(text):
        for part in word.split("-"):
            if not part or (not keep_stop_words and part in STOP_WORDS):
                continue
            out.append(normalise(part))
    return out


@dataclass
class Vocabulary:
    """The terms of the published checklists, for correcting and splitting query words."""

    terms: frozenset[str]
    _deletes: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            if len(term) >= MIN_CORRECTED_LENGTH - 1:
                for variant in _deletions(term):
                    self._deletes.setdefault(variant, set()).add(term)

    def corrections(self, term: str) -> set[str]:
        """Known terms one edit (insert, delete, substitute, swap) away from an unknown term."""
        if term in self.terms or len(term) < MIN_CORRECTED_LENGTH:
            return set()
        found: set[str] = set()
        for variant in {term, *_deletions(term)}:
            for candidate in self._deletes.get(variant, ()):
                if candidate != term and _one_edit(term, candidate):
                    found.add(candidate)
            if variant in self.terms and _one_edit(term, variant):
                found.add(variant)
        return found

    def split(self, term: str, extra: frozenset[str] = frozenset()) -> list[str]:
        """A compound as known parts ("bygglovsansokan" → ["bygglov", "ansokan"]), or []; the
        parts are the vocabulary's terms or `extra` ones (the thesaurus's words)."""
        return _split(term, _Known(self.terms, extra), depth=0)


@dataclass(frozen=True)
class _Known:
    first: frozenset[str]
    second: frozenset[str]

    def __contains__(self, term: object) -> bool:
        return term in self.first or term in self.second


def _split(term: str, known: _Known, depth: int) -> list[str]:
    if depth > 3:
        return []
    best: list[str] = []
    for cut in range(len(term) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
        head, tail = term[:cut], term[cut:]
        heads = [head]
        if head.endswith(("s", "e")) and len(head) > MIN_COMPOUND_PART + 1:
            heads.append(head[:-1])  # the linking -s- or -e-
        for candidate in heads:
            if candidate not in known and normalise(candidate) not in known:
                continue
            head_term = candidate if candidate in known else normalise(candidate)
            tail_term = normalise(tail)
            if tail_term in known or tail in known:
                return [head_term, tail_term if tail_term in known else tail]
            rest = _split(tail, known, depth + 1)
            if rest and len(rest) + 1 > len(best):
                best = [head_term, *rest]
    return best


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return False
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class QueryTerm:
    """A term to look for, its weight, and why (shown to the agent as `explain`)."""

    term: str
    weight: float
    source: str  # "word", "typo", "compound", "part_of", "synonym"
    original: str  # what the agent typed
    shown: str = ""  # the synonym's own words, for "förskola — synonym för dagis"
    subject_area: str = ""  # a synonym limited to one KKiK subject area counts only there


TYPO_WEIGHT = 0.6
PART_WEIGHT = 0.5  # a compound's parts
PART_OF_WEIGHT = 0.35  # a checklist's compound with the typed word in it
PART_SYNONYM_WEIGHT = 0.35  # a synonym of a compound's part ("larmklockan" → trygghetslarm)
MIN_PART_OF = 4  # shorter typed words are inside too many compounds to say anything
MAX_PART_OF = 20  # compounds per typed word, the most common first


def explain(term: QueryTerm) -> str:
    """Why a checklist matched, in the agent's words."""
    if term.source == "synonym":
        return _("%(shown)s — synonym för %(original)s") % {
            "shown": term.shown,
            "original": term.original,
        }
    if term.source == "typo":
        return _("%(original)s (stavning)") % {"original": term.original}
    if term.source == "compound":
        return _("%(original)s (del av ord)") % {"original": term.original}
    if term.source == "part_of":
        return _("%(original)s (i sammansatt ord)") % {"original": term.original}
    return term.original


def expand_query(
    text: str,
    vocabulary: Vocabulary,
    thesaurus: Thesaurus | None = None,
    part_of: dict[str, list[str]] | None = None,
) -> list[QueryTerm]:
    """The query's terms with typo corrections, compound parts, the checklists' compounds that
    contain a typed word (`part_of`), and the thesaurus's synonyms; originals weigh most."""
    expanded: dict[tuple[str, str], QueryTerm] = {}

    def add(candidate: QueryTerm) -> None:
        key = (candidate.term, candidate.subject_area)
        if key not in expanded or expanded[key].weight < candidate.weight:
            expanded[key] = candidate

    for part in query_words(text):
        term = normalise(part)
        add(QueryTerm(term, 1.0, "word", part))
        if len(term) >= MIN_PART_OF:
            for compound in (part_of or {}).get(term, ())[:MAX_PART_OF]:
                add(QueryTerm(compound, PART_OF_WEIGHT, "part_of", part))
        if term in vocabulary.terms:
            continue
        for spelling in _spellings(part):
            for correction in vocabulary.corrections(spelling):
                add(QueryTerm(correction, TYPO_WEIGHT, "typo", part))
            for piece in vocabulary.split(spelling, _extra(thesaurus)):
                add(QueryTerm(piece, PART_WEIGHT, "compound", part))
    if thesaurus is not None:
        for match, weight in synonym_matches(text, vocabulary, thesaurus):
            for synonym in thesaurus.expansions([match]):
                add(
                    QueryTerm(
                        synonym.term,
                        # A member of several words weighs as much as one: each word a share.
                        weight / synonym.size,
                        "synonym",
                        synonym.original,
                        synonym.shown,
                        synonym.subject_area,
                    )
                )
    # A term typed or found everywhere needs no area-limited copy.
    general = {term for term, area in expanded if not area}
    return [q for (term, area), q in expanded.items() if not area or term not in general]


def query_words(text: str) -> list[str]:
    """The words of a query that count, each once: no stop words, hyphenated words split."""
    return list(
        dict.fromkeys(
            part
            for word in words(text)
            for part in word.split("-")
            if part and part not in STOP_WORDS
        )
    )


def _spellings(part: str) -> list[str]:
    # The stemmer can cut a misspelt word oddly ("förskoleplast" → "forskolepl"), so the
    # unstemmed spelling gets its own chance.
    return list(dict.fromkeys((normalise(part), fold(part))))


def _extra(thesaurus: Thesaurus | None) -> frozenset[str]:
    return thesaurus.single_terms if thesaurus is not None else frozenset()


def synonym_matches(
    text: str, vocabulary: Vocabulary, thesaurus: Thesaurus
) -> list[tuple[Match, float]]:
    """The thesaurus members in a query, with the weight of their synonyms: members the agent
    typed, and members among the parts of a typed compound the checklists do not contain
    ("larmklockan" → larm + klocka). Every backend expands exactly these (ADR 0010)."""
    found = [(match, SYNONYM_WEIGHT) for match in thesaurus.matches(text)]
    for part in query_words(text):
        if normalise(part) in vocabulary.terms:
            continue
        for spelling in _spellings(part):
            pieces = vocabulary.split(spelling, thesaurus.single_terms)
            if pieces:
                found += [
                    (match, PART_SYNONYM_WEIGHT)
                    for match in thesaurus.matches_in_parts(pieces, part)
                ]
    return found


def part_of_index(vocabulary: Vocabulary, frequency: dict[str, int]) -> dict[str, list[str]]:
    """For each term, the vocabulary's compounds that split into it ("avgift" →
    ["hemtjanstavgift", "vaavgift", …]), the most common first: so a typed word finds a
    checklist that only has it inside a compound."""
    index: dict[str, set[str]] = {}
    known = vocabulary.terms
    for term in known:
        if len(term) < MIN_COMPOUND_PART + MIN_PART_OF:
            continue
        pieces = set(vocabulary.split(term))
        # A known word at the end or the start is enough, whatever the rest is
        # ("hemtjanstavgift" is an "avgift" even where "hemtjänst" alone appears nowhere):
        # as Elasticsearch's dictionary decompounder finds it.
        for cut in range(MIN_COMPOUND_PART, len(term) - MIN_COMPOUND_PART + 1):
            head, tail = term[:cut], term[cut:]
            if len(tail) >= MIN_PART_OF and tail in known:
                pieces.add(tail)
            if len(head) >= MIN_PART_OF and head in known:
                pieces.add(head)
        for piece in pieces - {term}:
            index.setdefault(piece, set()).add(term)
    return {
        piece: sorted(compounds, key=lambda c: (-frequency.get(c, 0), c))
        for piece, compounds in index.items()
    }


def document_terms(fields: Iterable[str]) -> list[str]:
    """All terms of a document's fields (for the vocabulary)."""
    out: list[str] = []
    for text in fields:
        out.extend(terms(text))
    return out
