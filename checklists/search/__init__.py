"""Checklist search behind one small interface.

`get_backend()` returns the database backend (PostgreSQL full-text or SQLite FTS5) unless
`ELASTICSEARCH_URL` is set. Every backend takes the same text processing
(`checklists.search.text`) and answers with `SearchHit`s, best first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from checklists.models import ChecklistVersion


@dataclass(frozen=True)
class SearchHit:
    version_id: int
    score: float
    matched: tuple[str, ...]  # why it matched, for the agent: "bygglov", "kamin (stavning)"


class SearchBackend(Protocol):
    def search(
        self, text: str, *, limit: int = 10, public_only: bool = False
    ) -> list[SearchHit]: ...

    def index(self, versions: Iterable[ChecklistVersion]) -> None: ...

    def remove(self, version_ids: Iterable[int]) -> None: ...

    def rebuild(self) -> int: ...


def get_backend() -> SearchBackend:
    from django.conf import settings

    if settings.ELASTICSEARCH_URL:
        from checklists.search.elastic import ElasticSearchBackend

        return ElasticSearchBackend()
    from checklists.search.database import DatabaseSearchBackend

    return DatabaseSearchBackend()
