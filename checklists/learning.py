"""The search learns from the checklists agents choose (issue 8, ADR 0010).

When an agent uses a checklist on a case after searching, `services.checklist_use` stores the
search text with personal data removed (`scrub_personal_data`) and one `SearchTermUse` per term.
Those rows are the municipality's own: one installation serves one municipality, and they are
deleted with the use, that is with the case, under the retention rules for case data.

Reading them:
- `learned_for(text)`: for each checklist, how strongly agents chose it for these words — every
  choice decays with its age (half-life `HALF_LIFE_DAYS`, none older than `HORIZON_DAYS`) and
  counts by how specific the word is to that checklist.
- `boost(evidence, top)`: what that adds to a search result. Bounded: below `MAX_SHARE` of the
  best text score of the same search, reached only after many choices, so one mistaken choice
  (worth a sixth of the best score) never outranks a strong text match. With no text match at
  all, learned checklists are the only results and rank by their evidence.
- `suggested_synonyms()`: words that keep leading agents to a checklist whose text does not
  contain them, for team leads to accept into the thesaurus or reject.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from checklists.models import (
    Checklist,
    ChecklistSearchDoc,
    ChecklistUse,
    ChecklistVersion,
    SearchTermUse,
    SynonymSuggestionRejection,
    VersionStatus,
)
from checklists.search.synonyms import current_thesaurus, member_words
from checklists.search.text import normalise
from kundtjanst.errors import DomainError

HALF_LIFE_DAYS = 180
HORIZON_DAYS = 730
MAX_SHARE = 0.5  # of the best text score
HALF_EVIDENCE = 2.0  # the evidence at which a boost reaches half of its bound
MAX_TERMS = 20  # per recorded search, as many words as the search itself reads
SUGGEST_MIN_USES = 3

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
    by_term: dict[str, str] = {}
    for word in member_words(use.search_text):
        by_term.setdefault(normalise(word), word.lower())
    rows = [
        SearchTermUse(
            use=use,
            checklist_id=use.version.checklist_id,
            term=term[:100],
            word=word[:100],
            day=timezone.localdate(use.at),
        )
        for term, word in list(by_term.items())[:MAX_TERMS]
    ]
    SearchTermUse.objects.bulk_create(rows, ignore_conflicts=True)


@dataclass(frozen=True)
class Learned:
    evidence: float
    words: tuple[str, ...]  # the typed words agents chose this checklist for


def learned_for(text: str, *, limit: int = 20, today: dt.date | None = None) -> dict[int, Learned]:
    """Evidence per checklist id that agents chose it for the words of `text`: the `limit`
    strongest. One query, aggregated in the database (a common word may have been chosen tens
    of thousands of times)."""
    typed: dict[str, str] = {}
    for word in member_words(text)[:MAX_TERMS]:
        typed.setdefault(normalise(word), word)
    if not typed:
        return {}
    today = today or timezone.localdate()
    table = SearchTermUse._meta.db_table
    if connection.vendor == "postgresql":
        age, concat = "(%s::date - day)", "string_agg(w.term, ' ' ORDER BY w.term)"
    else:
        age, concat = "(julianday(%s) - julianday(day))", "group_concat(w.term, ' ')"
    placeholders = ", ".join(["%s"] * len(typed))
    # Each choice weighs 0.5^(age / half-life); a checklist's evidence for a word is its weight
    # times its share of the word's weight (a word chosen for many checklists says little
    # about each), summed over the words.
    sql = f"""
        WITH w AS (
            SELECT term, checklist_id, SUM(POWER(0.5, {age} / %s)) AS w
            FROM {table}
            WHERE term IN ({placeholders}) AND day >= %s
            GROUP BY term, checklist_id
        ), t AS (SELECT term, SUM(w) AS total FROM w GROUP BY term)
        SELECT w.checklist_id, SUM(w.w * w.w / t.total) AS e, {concat}
        FROM w JOIN t ON t.term = w.term
        GROUP BY w.checklist_id
        ORDER BY e DESC, w.checklist_id
        LIMIT %s
    """
    params: list[Any] = [
        today,
        float(HALF_LIFE_DAYS),
        *typed,
        today - dt.timedelta(days=HORIZON_DAYS),
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        checklist_id: Learned(
            round(float(evidence), 4), tuple(typed[t] for t in sorted(terms.split()))
        )
        for checklist_id, evidence, terms in rows
        if evidence > 0
    }


def boost(evidence: float, top_text_score: float) -> float:
    """What the learned evidence adds to a result's score (see the module's docstring)."""
    share = evidence / (evidence + HALF_EVIDENCE)
    if top_text_score <= 0:
        return share
    return MAX_SHARE * top_text_score * share


@dataclass(frozen=True)
class Suggestion:
    term: str
    word: str
    checklist: Checklist
    version: ChecklistVersion  # the published version, whose text lacks the word
    uses: int
    last_day: dt.date
    preferred: str  # proposed preferred term: the most distinctive word of the title
    subject_area: str


def suggested_synonyms(limit: int = 100) -> list[Suggestion]:
    """Words agents chose a checklist for at least `SUGGEST_MIN_USES` times in the horizon
    whose published text does not contain them, not in the thesaurus, not rejected; most used
    first."""
    since = timezone.localdate() - dt.timedelta(days=HORIZON_DAYS)
    rows = (
        SearchTermUse.objects.filter(day__gte=since)
        .values("term", "checklist_id")
        .annotate(uses=Count("pk"), last_day=Max("day"), word=Min("word"))
        .filter(uses__gte=SUGGEST_MIN_USES)
        .order_by("-uses", "term")
    )
    rejected = set(SynonymSuggestionRejection.objects.values_list("term", "checklist_id"))
    in_thesaurus = {
        term
        for group in current_thesaurus().groups
        for member in group.members
        for term in member.terms
    }
    candidates = [
        row
        for row in rows[: limit * 5]
        if (row["term"], row["checklist_id"]) not in rejected and row["term"] not in in_thesaurus
    ]
    published = {
        v.checklist_id: v
        for v in ChecklistVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            checklist_id__in={row["checklist_id"] for row in candidates},
        ).select_related("checklist__service__subject_area", "search_doc")
    }
    out = []
    for row in candidates:
        version = published.get(row["checklist_id"])
        if version is None:
            continue
        doc_terms = _doc_terms(version)
        if row["term"] in doc_terms:
            continue
        area = version.checklist.service.subject_area
        out.append(
            Suggestion(
                term=row["term"],
                word=row["word"],
                checklist=version.checklist,
                version=version,
                uses=row["uses"],
                last_day=row["last_day"],
                preferred=_preferred_for(version),
                subject_area=area.code if area else "",
            )
        )
        if len(out) >= limit:
            break
    return out


def _doc_terms(version: ChecklistVersion) -> set[str]:
    try:
        doc = version.search_doc
    except ChecklistSearchDoc.DoesNotExist:
        return set()
    return {
        term
        for text in (doc.title_terms, doc.question_terms, doc.keyword_terms, doc.body_terms)
        for term in text.split()
    }


def _preferred_for(version: ChecklistVersion) -> str:
    """The title's rarest word across the published checklists (its most telling one)."""
    title_words = member_words(version.title)
    if not title_words:
        return version.title.lower()[:100]

    def rarity(word: str) -> tuple[int, int]:
        term = normalise(word)
        n = ChecklistSearchDoc.objects.filter(title_terms__contains=term).count()
        return (n, -len(word))

    return min(title_words, key=rarity).lower()


@transaction.atomic
def suggestion_accept(*, by: User, word: str, preferred: str, subject_area: str) -> None:
    """Add the word to the thesaurus as a variant of `preferred`."""
    from checklists.thesaurus import synonym_variant_add

    if not word.strip():
        raise DomainError("synonym-suggestion-empty", "Ordet saknas.", field="word")
    synonym_variant_add(by=by, preferred=preferred, variant=word, subject_area=subject_area)


@transaction.atomic
def suggestion_reject(*, by: User, term: str, checklist: Checklist) -> None:
    from checklists.thesaurus import require_thesaurus_editor

    require_thesaurus_editor(by)
    SynonymSuggestionRejection.objects.get_or_create(
        term=term[:100], checklist=checklist, defaults={"by": by, "at": timezone.now()}
    )
