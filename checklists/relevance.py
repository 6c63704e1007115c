"""Relevance of checklist search, measured on a fixture of citizen questions.

Each query names the checklist title that should answer it; recall@k is the share of queries
whose checklist is among the first k results, MRR the mean of 1/rank. Used by the relevance
test (tests/checklists/test_relevance.py) and the README figures (bench/search_relevance.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from checklists.selectors import checklist_search

QUERIES_FILE = (
    Path(__file__).resolve().parent.parent / "tests" / "checklists" / "relevance_queries.json"
)
# Query sets written without seeing the thesaurus, the search code or the fixture above (each
# by another writer): measured, never tuned on.
HELDOUT_FILES = {
    "heldout": QUERIES_FILE.with_name("relevance_heldout.json"),
    "heldout2": QUERIES_FILE.with_name("relevance_heldout2.json"),
}


@dataclass(frozen=True)
class ClassResult:
    queries: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    misses: tuple[str, ...]


def evaluate(queries: list[dict[str, str]], *, depth: int = 10) -> dict[str, ClassResult]:
    """Per query class, and "all"."""
    ranks: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    for item in queries:
        titles = [version.title for version, _ in checklist_search(item["query"], limit=depth)]
        rank = titles.index(item["expected"]) + 1 if item["expected"] in titles else None
        ranks[item["class"]].append((item["query"], rank))
        ranks["all"].append((item["query"], rank))
    return {name: _summarise(rows) for name, rows in sorted(ranks.items())}


def _summarise(rows: list[tuple[str, int | None]]) -> ClassResult:
    n = len(rows)
    return ClassResult(
        queries=n,
        recall_at_1=sum(1 for _, r in rows if r == 1) / n,
        recall_at_3=sum(1 for _, r in rows if r is not None and r <= 3) / n,
        mrr=sum(1 / r for _, r in rows if r) / n,
        misses=tuple(q for q, r in rows if r is None or r > 3),
    )


def load_queries(path: Path = QUERIES_FILE) -> list[dict[str, str]]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]
