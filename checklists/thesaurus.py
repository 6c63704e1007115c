"""The municipality's thesaurus (synonymordlista) as a file: shipped, shared between
municipalities, imported all or nothing (issue 8).

Format `kundtjanst-thesaurus/1`:
    {"format": "kundtjanst-thesaurus/1", "language": "sv",
     "groups": [{"preferred": "förskola", "variants": ["dagis", …],
                 "subject_area": "" | "<KKiK subject-area code>", "note": ""}]}
Terms are stored lower-cased except abbreviations written in capitals (LSS, SoL, VA).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from checklists.models import SynonymGroup
from kundtjanst.errors import DomainError

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


@transaction.atomic
def thesaurus_import(*, data: Any, replace: bool = False) -> tuple[int, int]:
    """Create or update the file's groups (all or nothing); with `replace`, groups not in the
    file are removed. Returns (created, updated)."""
    groups = thesaurus_parse(data)
    created = updated = 0
    keep = []
    for group in groups:
        row, is_new = SynonymGroup.objects.update_or_create(
            preferred=group.preferred,
            subject_area=group.subject_area,
            defaults={"variants": "\n".join(group.variants), "note": group.note[:300]},
        )
        keep.append(row.pk)
        created += is_new
        updated += not is_new
    if replace:
        for row in SynonymGroup.objects.exclude(pk__in=keep):
            row.delete()
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
