"""Reads for the team lead's thesaurus pages: the groups, what each change did, and the
synonyms the agents' choices suggest (issue 8, ADR 0010)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checklists.models import (
    Checklist,
    ChecklistSearchDoc,
    ChecklistVersion,
    SearchTermUse,
    SynonymGroup,
    SynonymSuggestionRejection,
    VersionStatus,
)
from checklists.search.synonyms import current_thesaurus, member_words
from checklists.search.text import normalise

__all__ = [
    "GENERAL_AREA",
    "SUGGEST_MIN_USES",
    "Change",
    "HistoryRow",
    "Suggestion",
    "suggested_synonyms",
    "synonym_group_history",
    "synonym_groups",
]

# The area filter's value for the groups that hold in every subject area (stored as ""): not a
# slug, so it cannot be a subject-area code.
GENERAL_AREA = "*"

SUGGEST_DAYS = 365  # suggestions come from the last year's choices
SUGGEST_MIN_USES = 3
SUGGEST_MIN_SHARE = 0.5  # more than this share of all choices made for the word
MIN_SUGGESTED_LENGTH = 3  # terms shorter than this are rarely a synonym on their own


def synonym_groups(*, text: str = "", area: str = "") -> QuerySet[SynonymGroup]:
    """The groups, by preferred term, whose preferred term or a variant contains `text` (any
    case), in subject area `area` (`GENERAL_AREA` for the groups that hold everywhere)."""
    # Abbreviations (LSS, BankID) are stored in capitals: sort them among the other words.
    groups = SynonymGroup.objects.order_by(Lower("preferred"), "subject_area", "pk")
    if text:
        # SQLite's LIKE folds only ASCII, so "Å" would not find "å": look for the lower- and
        # upper-case forms too (terms are stored lower-case, abbreviations in capitals).
        condition = Q()
        for spelling in {text, text.lower(), text.upper()}:
            condition |= Q(preferred__icontains=spelling) | Q(variants__icontains=spelling)
        groups = groups.filter(condition)
    if area:
        groups = groups.filter(subject_area="" if area == GENERAL_AREA else area)
    return groups


# What each change of a group did (its history page).


@dataclass(frozen=True)
class Change:
    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryRow:
    at: dt.datetime
    user: User | None
    kind: str  # simple-history's "+", "~", "-"
    kind_label: str
    changes: list[Change]


KIND_LABELS = {
    "+": gettext_lazy("skapade gruppen"),
    "~": gettext_lazy("ändrade gruppen"),
    "-": gettext_lazy("tog bort gruppen"),
}


def synonym_group_history(pk: int, area_names: dict[str, str]) -> tuple[Any, list[HistoryRow]]:
    """The group's latest history record (None if it never existed) and what each change did,
    newest first. The history outlives the group: a removed group's page says who removed it."""
    records = list(
        SynonymGroup.history.filter(id=pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not records:
        return None, []
    return records[-1], _history_rows(records, area_names)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _history_rows(records: list[Any], area_names: dict[str, str]) -> list[HistoryRow]:
    """Each record (oldest first) compared with the one before it; newest first."""

    def area(code: str) -> str:
        return area_names.get(code, code) if code else _("Alla områden")

    rows = []
    previous: Any = None
    for record in records:
        changes: list[Change] = []
        if record.history_type != "-":
            before = previous if previous is not None and record.history_type == "~" else None
            old_pref, new_pref = (before.preferred if before else ""), record.preferred
            if old_pref != new_pref:
                changes.append(Change(_("Föredragen term"), old_pref, new_pref))
            old_vars = _lines(before.variants) if before else []
            new_vars = _lines(record.variants)
            added = [v for v in new_vars if v not in old_vars]
            removed = [v for v in old_vars if v not in new_vars]
            if added or removed:
                changes.append(Change(_("Varianter"), added=added, removed=removed))
            if before is None or before.subject_area != record.subject_area:
                old_area = area(before.subject_area) if before else ""
                changes.append(Change(_("Område"), old_area, area(record.subject_area)))
            if (before.note if before else "") != record.note:
                changes.append(Change(_("Anteckning"), before.note if before else "", record.note))
        rows.append(
            HistoryRow(
                at=record.history_date,
                user=record.history_user,
                kind=record.history_type,
                kind_label=str(KIND_LABELS.get(record.history_type, "")),
                changes=changes,
            )
        )
        previous = record
    rows.reverse()
    return rows


# Suggested synonyms: words that keep leading agents to a checklist whose text lacks them.


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
    """Words agents chose a checklist for at least `SUGGEST_MIN_USES` times in the last
    `SUGGEST_DAYS` whose published text does not contain them, not in the thesaurus, not
    rejected; most used first."""
    since = timezone.localdate() - dt.timedelta(days=SUGGEST_DAYS)
    rows = list(
        SearchTermUse.objects.filter(day__gte=since)
        .values("term", "checklist_id")
        .annotate(uses=Count("pk"), last_day=Max("day"), word=Min("word"))
        .filter(uses__gte=SUGGEST_MIN_USES)
        .order_by("-uses", "term")[: limit * 5]
    )
    rejected = set(SynonymSuggestionRejection.objects.values_list("term", "checklist_id"))
    in_thesaurus = {
        term
        for group in current_thesaurus().groups
        for member in group.members
        for term in member.terms
    }
    # A word chosen for many different checklists ("gör", "vårt") says nothing about one of
    # them: only words whose choices went mostly to this checklist are suggested.
    all_uses = dict(
        SearchTermUse.objects.filter(day__gte=since, term__in={row["term"] for row in rows})
        .values_list("term")
        .annotate(n=Count("pk"))
        .order_by()
    )
    candidates = [
        row
        for row in rows
        if (row["term"], row["checklist_id"]) not in rejected
        and row["term"] not in in_thesaurus
        and len(row["term"]) >= MIN_SUGGESTED_LENGTH
        and row["uses"] > SUGGEST_MIN_SHARE * all_uses.get(row["term"], row["uses"])
    ]
    published = {
        v.checklist_id: v
        for v in ChecklistVersion.objects.filter(
            status=VersionStatus.PUBLISHED,
            checklist_id__in={row["checklist_id"] for row in candidates},
        ).select_related("checklist__service__subject_area", "search_doc")
    }
    title_counts: Counter[str] | None = None
    out = []
    for row in candidates:
        version = published.get(row["checklist_id"])
        if version is None or row["term"] in _doc_terms(version):
            continue
        if title_counts is None:
            title_counts = _title_term_counts()
        area = version.checklist.service.subject_area
        out.append(
            Suggestion(
                term=row["term"],
                word=row["word"],
                checklist=version.checklist,
                version=version,
                uses=row["uses"],
                last_day=row["last_day"],
                preferred=_preferred_for(version, title_counts),
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


def _title_term_counts() -> Counter[str]:
    """In how many published checklists' titles each term occurs (one query)."""
    counts: Counter[str] = Counter()
    titles = ChecklistSearchDoc.objects.filter(version__status=VersionStatus.PUBLISHED)
    for terms in titles.values_list("title_terms", flat=True):
        counts.update(set(terms.split()))
    return counts


def _preferred_for(version: ChecklistVersion, title_counts: Counter[str]) -> str:
    """The title's rarest word across the published checklists' titles (its most telling one)."""
    title_words = member_words(version.title)
    if not title_words:
        return version.title.lower()[:100]
    return min(title_words, key=lambda word: (title_counts[normalise(word)], -len(word))).lower()
