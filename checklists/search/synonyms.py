"""The thesaurus as the search applies it, the same for every backend (issue 8, ADR 0010).

Each synonym group (`checklists.models.SynonymGroup`) is a set of equivalent members: the
preferred term and its variants. A member is matched on its processed terms
(`text.terms`: stop words out, stemmed, folded), so "dagiset" meets the member "dagis" and
"plats på förskolan" the member "plats på förskola". A member found in the query adds every
other member's terms, weighing less than the words the agent typed; a group limited to a KKiK
subject area adds them only for checklists of that area.

The database backend expands with `Thesaurus.expand`. Elasticsearch gets the same groups as
`synonym_graph` rules (`Thesaurus.rules`), one search analyzer per subject area with the general
groups in each; a member's rule is written as its words without stop words, so the cluster's
analyzer turns it into exactly the terms used here. `tests/checklists/test_synonym_parity.py`
holds the two to the same expansion.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from checklists.search.text import STOP_WORDS, normalise, words

GENERAL = ""  # the subject area of groups that apply everywhere


def member_words(text: str) -> list[str]:
    """The words of a member or query that count, in order: no stop words, hyphens split."""
    return [
        part for word in words(text) for part in word.split("-") if part and part not in STOP_WORDS
    ]


@dataclass(frozen=True)
class Member:
    surface: str  # the member's words without stop words, as the rule is written
    terms: tuple[str, ...]


@dataclass(frozen=True)
class SynonymSet:
    preferred: str
    subject_area: str
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Match:
    """A member of a group found in the query, at word positions [start, end)."""

    start: int
    end: int
    text: str  # the query's own words there
    group: SynonymSet
    member: Member


@dataclass(frozen=True)
class Expansion:
    term: str
    subject_area: str
    shown: str  # the member the term belongs to, for "förskola — synonym för dagis"
    original: str  # what the agent typed
    size: int = 1  # how many terms that member has


@dataclass
class Thesaurus:
    groups: list[SynonymSet]
    _triggers: dict[tuple[str, ...], list[tuple[SynonymSet, Member]]] = field(
        default_factory=dict, repr=False
    )
    _longest: int = 1
    single_terms: frozenset[str] = frozenset()  # one-word members, for splitting compounds

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[str, Iterable[str], str]]) -> Thesaurus:
        """From (preferred, variants, subject area) triples."""
        sets = []
        for preferred, variants, area in groups:
            members: dict[tuple[str, ...], Member] = {}
            for text in [preferred, *variants]:
                kept = member_words(text)
                if len(kept) == 1 and len(words(text)) > 1:
                    continue  # "säga upp" is not "säga": a phrase cut to one word by stop words
                terms = tuple(normalise(w) for w in kept)
                if terms and terms not in members:
                    members[terms] = Member(" ".join(kept), terms)
            if len(members) > 1:
                sets.append(SynonymSet(preferred, area, tuple(members.values())))
        thesaurus = cls(sets)
        for group in sets:
            for member in group.members:
                thesaurus._triggers.setdefault(member.terms, []).append((group, member))
                thesaurus._longest = max(thesaurus._longest, len(member.terms))
        thesaurus.single_terms = frozenset(
            m.terms[0] for g in sets for m in g.members if len(m.terms) == 1
        )
        return thesaurus

    def matches(self, text: str) -> list[Match]:
        """Every member found in the text, longest first at each position."""
        kept = member_words(text)
        return self._matches(kept, [normalise(w) for w in kept])

    def _matches(self, kept: list[str], terms: list[str]) -> list[Match]:
        found = []
        for start in range(len(terms)):
            for end in range(min(len(terms), start + self._longest), start, -1):
                for group, member in self._triggers.get(tuple(terms[start:end]), ()):
                    text = " ".join(dict.fromkeys(kept[start:end]))
                    found.append(Match(start, end, text, group, member))
        return found

    def expand(self, text: str) -> list[Expansion]:
        """The synonyms' terms for a query, each once per subject area."""
        kept = member_words(text)
        terms = [normalise(w) for w in kept]
        return self.expansions(self._matches(kept, terms))

    def matches_in_parts(self, terms: list[str], original: str) -> list[Match]:
        """Members among a compound's parts (already terms), shown as the typed word."""
        return self._matches([original] * len(terms), terms)

    def expansions(self, matches: list[Match]) -> list[Expansion]:
        """Every member's terms of each matched group (Elasticsearch's `synonym_graph` emits
        the matched member too; here the agent's own terms win in `expand_query` anyway)."""
        out: dict[tuple[str, str], Expansion] = {}
        for match in matches:
            for member in match.group.members:
                for term in member.terms:
                    key = (term, match.group.subject_area)
                    if key not in out:
                        out[key] = Expansion(
                            term,
                            match.group.subject_area,
                            member.surface,
                            match.text,
                            len(member.terms),
                        )
        return list(out.values())

    def subject_areas(self) -> list[str]:
        return sorted({g.subject_area for g in self.groups} - {GENERAL})

    def rules(self, subject_area: str = GENERAL) -> list[str]:
        """`synonym_graph` rules (Solr format, equivalent members) for one subject area's
        analyzer, or the general groups'."""
        return [
            ", ".join(member.surface for member in group.members)
            for group in self.groups
            if group.subject_area == subject_area
        ]


_lock = threading.Lock()
_cached: tuple[object, Thesaurus] | None = None


def current_thesaurus() -> Thesaurus:
    """The municipality's thesaurus as it is now: cached until a group changes (every change
    writes a history row, so the newest history id and the number of groups tell)."""
    global _cached
    from django.db import connection

    from checklists.models import SynonymGroup

    groups = SynonymGroup._meta.db_table
    history = SynonymGroup.history.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(history_id) FROM {history}), (SELECT count(*) FROM {groups})"
        )
        key = cursor.fetchone()
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
    rows = SynonymGroup.objects.order_by("subject_area", "preferred", "pk")
    thesaurus = Thesaurus.from_groups(
        (row.preferred, row.variant_list, row.subject_area) for row in rows
    )
    with _lock:
        _cached = (key, thesaurus)
    return thesaurus
