"""The search learns from the checklists agents choose (issue 8, ADR 0010).

When an agent uses a checklist on a case after searching, `services.checklist_use` stores the
search text with personal data removed (`scrub_personal_data`) and one `SearchTermUse` per term.
Those rows are the municipality's own: one installation serves one municipality, and they are
deleted with the use, that is with the case, under the retention rules for case data.

Reading them:
- `learned_for(text)`: for each checklist, how strongly agents chose it for these words — every
  choice decays with its age (half-life `HALF_LIFE_DAYS`) and counts by how specific the word is
  to that checklist. The decayed sums are kept per term and checklist (`LearnedTerm`), so a
  search reads one row per checklist a word was chosen for, however many times.
- `boost(evidence, top)`: what that adds to a search result. Bounded: below `MAX_SHARE` of the
  best text score of the same search, reached only after many choices, so one mistaken choice
  (worth a sixth of the best score) never outranks a strong text match. With no text match at
  all, learned checklists are the only results and rank by their evidence.

The words that keep leading agents to a checklist whose text lacks them are suggested to team
leads as synonyms (`selectors.suggested_synonyms`; accepted or rejected in `thesaurus`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete
from django.utils import timezone

from checklists.models import (
    ChecklistUse,
    LearnedTerm,
    LearnedTermTotal,
    SearchTermUse,
)
from checklists.search.synonyms import member_words
from checklists.search.text import normalise

HALF_LIFE_DAYS = 180
EPOCH = dt.date(2020, 1, 1)  # weights are stored relative to it (`LearnedTerm`)
TOP_PER_TERM = 50  # a word's most chosen checklists that the ranking reads
MIN_EVIDENCE = 0.01  # below this a checklist is not boosted (a few choices years ago)
MAX_SHARE = 0.5  # of the best text score
HALF_EVIDENCE = 2.0  # the evidence at which a boost reaches half of its bound
MAX_TERMS = 20  # per recorded search, as many words as the search itself reads

_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# Any run with a digit in it, with the separators people type inside numbers: personnummer
# (19800101-1234), phone numbers (070-123 45 67, +46 8 …), case numbers, addresses' numbers.
_DIGITS = re.compile(r"[+(]?\d[\d\s\-–/().]*\d|\d")


def scrub_personal_data(text: str) -> str:
    """The search text without what looks like personal data: e-mail addresses, web
    addresses and every run of digits. Names cannot be told from words here; they are
    deleted with the case like the rest."""
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _DIGITS.sub(" ", text)
    return " ".join(text.split())


def use_terms_record(use: ChecklistUse) -> None:
    """The terms of the use's (already scrubbed) search text, for learning."""
    rows = use_term_rows(use)
    SearchTermUse.objects.bulk_create(rows)
    _learned_add([(row.term, row.checklist_id, _growth(row.day)) for row in rows])


def use_term_rows(use: ChecklistUse) -> list[SearchTermUse]:
    """One row per term of the use's search text (the first spelling of each term kept)."""
    by_term: dict[str, str] = {}
    for word in member_words(use.search_text):
        by_term.setdefault(normalise(word), word.lower())
    return [
        SearchTermUse(
            use=use,
            checklist_id=use.version.checklist_id,
            term=term[:100],
            word=word[:100],
            day=timezone.localdate(use.at),
        )
        for term, word in list(by_term.items())[:MAX_TERMS]
    ]


@dataclass(frozen=True)
class Learned:
    evidence: float
    words: tuple[str, ...]  # the typed words agents chose this checklist for


def learned_for(text: str, *, limit: int = 20, today: dt.date | None = None) -> dict[int, Learned]:
    """Evidence per checklist id that agents chose it for the words of `text`: the `limit`
    strongest, from the summed weights (`LearnedTerm`) in one query."""
    typed: dict[str, str] = {}
    for word in member_words(text)[:MAX_TERMS]:
        typed.setdefault(normalise(word), word)
    if not typed:
        return {}
    table, totals = LearnedTerm._meta.db_table, LearnedTermTotal._meta.db_table
    placeholders = ", ".join(["%s"] * len(typed))
    # A checklist's evidence for a word is its weight times its share of the word's weight (a
    # word chosen for many checklists says little about each), summed over the words; only each
    # word's `TOP_PER_TERM` most chosen checklists are read (the rest have a share too small to
    # matter), straight from the index.
    if connection.vendor == "postgresql":
        sql = f"""
            SELECT l.checklist_id, SUM(l.weight * l.weight / t.weight) AS e,
                   string_agg(t.term, ' ' ORDER BY t.term)
            FROM {totals} t CROSS JOIN LATERAL (
                SELECT checklist_id, weight FROM {table} x
                WHERE x.term = t.term ORDER BY x.weight DESC LIMIT {TOP_PER_TERM}
            ) l
            WHERE t.term IN ({placeholders})
            GROUP BY l.checklist_id
            ORDER BY e DESC, l.checklist_id
            LIMIT %s
        """
    else:
        sql = f"""
            SELECT l.checklist_id, SUM(l.weight * l.weight / t.weight) AS e,
                   group_concat(t.term, ' ')
            FROM (
                SELECT term, checklist_id, weight,
                       ROW_NUMBER() OVER (PARTITION BY term ORDER BY weight DESC) AS n
                FROM {table} WHERE term IN ({placeholders})
            ) l JOIN {totals} t ON t.term = l.term
            WHERE l.n <= {TOP_PER_TERM}
            GROUP BY l.checklist_id
            ORDER BY e DESC, l.checklist_id
            LIMIT %s
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*typed, limit])
        rows = cursor.fetchall()
    now = 1.0 / _growth(today or timezone.localdate())
    return {
        checklist_id: Learned(
            round(float(evidence) * now, 4), tuple(typed[t] for t in sorted(terms.split()))
        )
        for checklist_id, evidence, terms in rows
        if evidence * now > MIN_EVIDENCE
    }


def _growth(day: dt.date) -> float:
    """2^((day − EPOCH) / half-life): a choice's weight as stored (ADR 0010)."""
    return 2.0 ** ((day - EPOCH).days / HALF_LIFE_DAYS)


def _learned_add(rows: list[tuple[str, int, float]]) -> None:
    table, totals = LearnedTerm._meta.db_table, LearnedTermTotal._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (term, checklist_id, weight) VALUES (%s, %s, %s) "
            f"ON CONFLICT (term, checklist_id) DO UPDATE SET weight = {table}.weight + "
            "excluded.weight",
            rows,
        )
        cursor.executemany(
            f"INSERT INTO {totals} (term, weight) VALUES (%s, %s) "
            f"ON CONFLICT (term) DO UPDATE SET weight = {totals}.weight + excluded.weight",
            [(term, weight) for term, _, weight in rows],
        )


def _use_term_deleted(sender: type, instance: SearchTermUse, **kwargs: Any) -> None:
    """A use deleted (with its case): its choice no longer counts."""
    _learned_add([(instance.term, instance.checklist_id, -_growth(instance.day))])
    # Every stored choice weighs at least 1 (days after EPOCH): what is left is rounding.
    LearnedTerm.objects.filter(
        term=instance.term, checklist_id=instance.checklist_id, weight__lt=0.5
    ).delete()
    LearnedTermTotal.objects.filter(term=instance.term, weight__lt=0.5).delete()


post_delete.connect(_use_term_deleted, sender=SearchTermUse, dispatch_uid="learned-term-delete")


@transaction.atomic
def learning_rebuild() -> int:
    """`LearnedTerm` recomputed from every `SearchTermUse` (after a bulk load or a restore)."""
    learned, uses = LearnedTerm._meta.db_table, SearchTermUse._meta.db_table
    totals = LearnedTermTotal._meta.db_table
    if connection.vendor == "postgresql":
        age = f"(day - DATE '{EPOCH.isoformat()}')"
    else:
        age = f"(julianday(day) - julianday('{EPOCH.isoformat()}'))"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {learned}")
        cursor.execute(f"DELETE FROM {totals}")
        cursor.execute(
            f"INSERT INTO {learned} (term, checklist_id, weight) "
            f"SELECT term, checklist_id, SUM(POWER(2.0, {age} / {float(HALF_LIFE_DAYS)})) "
            f"FROM {uses} GROUP BY term, checklist_id"
        )
        count = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {totals} (term, weight) "
            f"SELECT term, SUM(weight) FROM {learned} GROUP BY term"
        )
        return count


def boost(evidence: float, top_text_score: float) -> float:
    """What the learned evidence adds to a result's score (see the module's docstring)."""
    share = evidence / (evidence + HALF_EVIDENCE)
    if top_text_score <= 0:
        return share
    return MAX_SHARE * top_text_score * share
