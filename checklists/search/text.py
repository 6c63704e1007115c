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

import snowballstemmer

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u"})
MIN_CORRECTED_LENGTH = 5
MIN_COMPOUND_PART = 3

# Function words only: they carry nothing for finding a checklist. Content words ("bygga",
# "ansöka") stay, however common.
_STOP_WORDS_TEXT = """
    och i att det som en på är av för med till den har de inte om ett han men var jag sig från
    vi så kan man när år säger hon under också efter eller nu sin där vid mot ska skulle kommer
    ut får finns vara hade alla andra mycket än här då sedan över bara in blir upp även vad
    få två vill ha många hur mer går sitt olika vilket blev mig du dig din ditt dina mitt mina
    min oss er ni era vår våra hej tack undrar fråga frågor någon något några lite bra hade
    har hos denna detta dessa vilken vilka varför ju nog väl just redan snart igen the
    """
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_stemmer = snowballstemmer.stemmer("swedish")


def fold(word: str) -> str:
    return unicodedata.normalize("NFC", word).translate(_FOLD)


@lru_cache(maxsize=50_000)
def normalise(word: str) -> str:
    """One word as it is indexed: lower case, Swedish stem, folded to ASCII."""
    return fold(_stemmer.stemWord(word.lower()))


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

    def split(self, term: str) -> list[str]:
        """A compound as known parts ("bygglovsansokan" → ["bygglov", "ansokan"]), or []."""
        return _split(term, self.terms, depth=0)


def _split(term: str, known: frozenset[str], depth: int) -> list[str]:
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
    """A term to look for, its weight, and why (shown to the agent later)."""

    term: str
    weight: float
    source: str  # "word", "typo", "compound"
    original: str


def expand_query(text: str, vocabulary: Vocabulary) -> list[QueryTerm]:
    """The query's terms with typo corrections and compound parts; originals weigh most."""
    expanded: dict[str, QueryTerm] = {}

    def add(term: str, weight: float, source: str, original: str) -> None:
        if term not in expanded or expanded[term].weight < weight:
            expanded[term] = QueryTerm(term, weight, source, original)

    for word in dict.fromkeys(words(text)):
        for part in word.split("-"):
            if not part or part in STOP_WORDS:
                continue
            term = normalise(part)
            add(term, 1.0, "word", part)
            if term in vocabulary.terms:
                continue
            # The stemmer can cut a misspelt word oddly ("förskoleplast" → "forskolepl"), so
            # the unstemmed spelling gets its own chance.
            for spelling in dict.fromkeys((term, fold(part))):
                for correction in vocabulary.corrections(spelling):
                    add(correction, 0.6, "typo", part)
                for piece in vocabulary.split(spelling):
                    add(piece, 0.5, "compound", part)
    return list(expanded.values())


def document_terms(fields: Iterable[str]) -> list[str]:
    """All terms of a document's fields (for the vocabulary)."""
    out: list[str] = []
    for text in fields:
        out.extend(terms(text))
    return out
