"""Writes to the municipality's thesaurus (synonymordlista, issue 8): groups saved and
deleted by team leads, suggested synonyms accepted or rejected, and the thesaurus as a file —
shipped, shared between municipalities, imported all or nothing.

Format `kundtjanst-thesaurus/1`:
    {"format": "kundtjanst-thesaurus/1", "language": "sv",
     "groups": [{"preferred": "förskola", "variants": ["dagis", …],
                 "subject_area": "" | "<KKiK subject-area code>", "note": ""}]}
Terms are stored lower-cased except abbreviations written in capitals (LSS, SoL, VA).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.models import SubjectArea
from checklists.models import Checklist, SynonymGroup, SynonymSuggestionRejection
from checklists.permissions import require_can_edit_thesaurus
from kundtjanst.errors import ConflictError, DomainError

logger = logging.getLogger(__name__)

FORMAT = "kundtjanst-thesaurus/1"
SHIPPED = Path(__file__).resolve().parent / "thesaurus" / "sv_municipal.json"
TERM_MAX = 100


def normalise_term(term: str) -> str:
    term = " ".join(term.split())
    return term if term.isupper() or any(c.isupper() for c in term[1:]) else term.lower()


@dataclass(frozen=True)
class Group:
    preferred: str
    variants: tuple[str, ...]
    subject_area: str
    note: str


def thesaurus_parse(data: Any) -> list[Group]:
    """The groups of a thesaurus file, or DomainError naming every bad group and field."""
    problems: list[str] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DomainError("thesaurus-format", f"Filen är inte en synonymordlista ({FORMAT}).")
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list):
        raise DomainError("thesaurus-format", "Filen saknar listan ”groups”.")
    groups: list[Group] = []
    seen: set[tuple[str, str]] = set()
    for n, item in enumerate(raw_groups, start=1):
        where = f"grupp {n}"
        if not isinstance(item, dict):
            problems.append(f"{where}: ska vara ett objekt")
            continue
        preferred = normalise_term(str(item.get("preferred", "")))
        where = f"grupp {n} ({preferred or '–'})"
        variants = item.get("variants")
        if not preferred or len(preferred) > TERM_MAX:
            problems.append(f"{where}: preferred: en term på 1–{TERM_MAX} tecken behövs")
        if not isinstance(variants, list) or not variants:
            problems.append(f"{where}: variants: minst en variant behövs")
            continue
        terms = tuple(dict.fromkeys(normalise_term(str(v)) for v in variants if str(v).strip()))
        if any(len(t) > TERM_MAX for t in terms):
            problems.append(f"{where}: variants: högst {TERM_MAX} tecken per variant")
        area = str(item.get("subject_area", "") or "")
        if (preferred, area) in seen:
            problems.append(f"{where}: preferred: finns redan i samma område")
        seen.add((preferred, area))
        groups.append(
            Group(
                preferred,
                tuple(t for t in terms if t != preferred),
                area,
                str(item.get("note", "")),
            )
        )
    if problems:
        raise DomainError(
            "thesaurus-invalid", "Inget importerades:\n" + "\n".join(problems), field="file"
        )
    return groups


def thesaurus_changed() -> None:
    """After the commit, the search backends take the new thesaurus: the database backend
    notices by itself (it reads the history), Elasticsearch needs a new index (ADR 0010)."""
    from django.conf import settings

    if not settings.ELASTICSEARCH_URL:
        return

    def rebuild() -> None:
        from checklists.search import get_backend

        try:
            get_backend().rebuild()
        except Exception:  # the thesaurus is saved; `search_index --rebuild` catches up
            logger.exception("search index rebuild after a thesaurus change failed")

    transaction.on_commit(rebuild)


def _clean_group(
    preferred: str, variants: list[str], subject_area: str, note: str
) -> tuple[str, list[str], str, str]:
    preferred = normalise_term(preferred)
    if not preferred or len(preferred) > TERM_MAX:
        raise DomainError(
            "synonym-preferred-invalid",
            f"Skriv den föredragna termen (1–{TERM_MAX} tecken).",
            field="preferred",
        )
    cleaned = list(dict.fromkeys(normalise_term(v) for v in variants if v.strip()))
    cleaned = [v for v in cleaned if v != preferred]
    if not cleaned:
        raise DomainError(
            "synonym-variants-required", "Skriv minst en variant (en per rad).", field="variants"
        )
    too_long = [v for v in cleaned if len(v) > TERM_MAX]
    if too_long:
        raise DomainError(
            "synonym-variant-too-long",
            f"Högst {TERM_MAX} tecken per variant: ”{too_long[0][:40]}…”.",
            field="variants",
        )
    subject_area = subject_area.strip()
    if subject_area and not SubjectArea.objects.filter(code=subject_area).exists():
        raise DomainError(
            "synonym-subject-area-unknown",
            f"Det finns inget KKiK-område med koden ”{subject_area}”.",
            field="subject_area",
        )
    return preferred, cleaned, subject_area, note.strip()[:300]


@transaction.atomic
def synonym_group_save(
    *,
    by: User,
    preferred: str,
    variants: list[str],
    subject_area: str = "",
    note: str = "",
    group: SynonymGroup | None = None,
    expected_updated_at: Any = None,
) -> SynonymGroup:
    """Create a synonym group, or change one (refused if someone else changed it since
    `expected_updated_at`, the value the editor was shown)."""
    require_can_edit_thesaurus(by)
    preferred, cleaned, subject_area, note = _clean_group(preferred, variants, subject_area, note)
    if group is None:
        group = SynonymGroup()
    else:
        group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
        if expected_updated_at is not None and group.updated_at != expected_updated_at:
            raise ConflictError(
                "synonym-group-conflict",
                "Någon annan har ändrat gruppen sedan du öppnade den. Läs in den igen.",
            )
    clash = SynonymGroup.objects.filter(preferred=preferred, subject_area=subject_area)
    if group.pk:
        clash = clash.exclude(pk=group.pk)
    if clash.exists():
        raise DomainError(
            "synonym-group-exists",
            f"Det finns redan en grupp för ”{preferred}” i samma område.",
            field="preferred",
        )
    group.preferred = preferred
    group.variants = "\n".join(cleaned)
    group.subject_area = subject_area
    group.note = note
    group._history_user = by  # type: ignore[attr-defined]
    group.save()
    thesaurus_changed()
    return group


@transaction.atomic
def synonym_group_delete(*, group: SynonymGroup, by: User, expected_updated_at: Any = None) -> None:
    require_can_edit_thesaurus(by)
    group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
    if expected_updated_at is not None and group.updated_at != expected_updated_at:
        raise ConflictError(
            "synonym-group-conflict",
            "Någon annan har ändrat gruppen sedan du öppnade den. Läs in den igen.",
        )
    group._history_user = by  # type: ignore[attr-defined]
    group.delete()
    thesaurus_changed()


@transaction.atomic
def synonym_variant_add(
    *, by: User, preferred: str, variant: str, subject_area: str = ""
) -> SynonymGroup:
    """Add one variant to the group of `preferred` (made if there is none): accepting a
    suggested synonym."""
    require_can_edit_thesaurus(by)
    key = normalise_term(preferred)
    group = (
        SynonymGroup.objects.select_for_update()
        .filter(preferred=key, subject_area=subject_area.strip())
        .first()
    )
    variants = [*(group.variant_list if group else []), variant]
    return synonym_group_save(
        by=by,
        preferred=key,
        variants=variants,
        subject_area=subject_area,
        note=group.note if group else "",
        group=group,
    )


@transaction.atomic
def thesaurus_import(
    *, data: Any, replace: bool = False, by: User | None = None
) -> tuple[int, int]:
    """Create or update the file's groups (all or nothing); with `replace`, groups not in the
    file are removed. Returns (created, updated)."""
    if by is not None:
        require_can_edit_thesaurus(by)
    groups = thesaurus_parse(data)
    created = updated = 0
    keep = []
    for group in groups:
        row = SynonymGroup.objects.filter(
            preferred=group.preferred, subject_area=group.subject_area
        ).first()
        is_new = row is None
        row = row or SynonymGroup(preferred=group.preferred, subject_area=group.subject_area)
        row.variants = "\n".join(group.variants)
        row.note = group.note[:300]
        row._history_user = by  # type: ignore[attr-defined]
        row.save()
        keep.append(row.pk)
        created += is_new
        updated += not is_new
    if replace:
        for row in SynonymGroup.objects.exclude(pk__in=keep):
            row._history_user = by  # type: ignore[attr-defined]
            row.delete()
    thesaurus_changed()
    return created, updated


def thesaurus_export() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "language": "sv",
        "groups": [
            {
                "preferred": group.preferred,
                "variants": group.variant_list,
                "subject_area": group.subject_area,
                **({"note": group.note} if group.note else {}),
            }
            for group in SynonymGroup.objects.order_by("subject_area", "preferred")
        ],
    }


def shipped_thesaurus() -> dict[str, Any]:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


@transaction.atomic
def suggestion_accept(*, by: User, word: str, preferred: str, subject_area: str) -> SynonymGroup:
    """A suggested synonym accepted: the word becomes a variant of `preferred`."""
    if not word.strip():
        raise DomainError("synonym-suggestion-empty", "Ordet saknas.", field="word")
    return synonym_variant_add(by=by, preferred=preferred, variant=word, subject_area=subject_area)


@transaction.atomic
def suggestion_reject(*, by: User, term: str, checklist: Checklist) -> None:
    """A suggested synonym rejected: never suggested for that checklist again."""
    require_can_edit_thesaurus(by)
    SynonymSuggestionRejection.objects.get_or_create(
        term=term[:100], checklist=checklist, defaults={"by": by, "at": timezone.now()}
    )
