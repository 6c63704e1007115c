"""Benchmark: checklist search speed with 5,000 published checklists (target p95 ≤ 50 ms).

Builds a scratch database (PostgreSQL when DATABASE_URL points at one, else SQLite) with the
demo organisation and 5,000 checklists made from the demo checklists by mixing their sentences
(near-duplicates, as real municipalities have), then times `checklist_search` server-side for
the relevance fixture's queries (short fragments, misspellings, long e-mail sentences).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 python -m bench.search
"""

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checklists", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundtjanst.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        result = run(args.checklists, args.rounds)
    finally:
        runner.teardown_databases(old)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = Path("bench/results") / f"search-{result['database']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def run(count: int, rounds: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from cases.demo.generator import organisation_ensure
    from checklists.demo_loader import CHECKLISTS_FILE
    from checklists.models import Checklist, ChecklistVersion, VersionStatus
    from checklists.relevance import load_queries
    from checklists.search import get_backend
    from checklists.selectors import checklist_search

    organisation = organisation_ensure()
    seeds = [
        e
        for e in json.loads(CHECKLISTS_FILE.read_text("utf-8"))["checklists"]
        if e["status"] == "published"
    ]
    rng = random.Random(7)
    now = timezone.now()
    checklists = [
        Checklist(
            department=organisation.departments[e["department"]],
            service=organisation.services[e["service"]],
        )
        for e in (seeds[i % len(seeds)] for i in range(count))
    ]
    Checklist.objects.bulk_create(checklists, batch_size=1000)
    versions = []
    for i, checklist in enumerate(checklists):
        base = seeds[i % len(seeds)]
        other = rng.choice(seeds)
        versions.append(
            ChecklistVersion(
                checklist=checklist,
                number=1,
                status=VersionStatus.PUBLISHED,
                published_at=now,
                title=base["title"] if i < len(seeds) else f"{base['title']} ({i // len(seeds)})",
                questions=base["questions"]
                + rng.sample(other["questions"], min(1, len(other["questions"]))),
                keywords=base["keywords"],
                steps=base["steps"] + other["steps"][:1],
                collect=base["collect"],
                links=base["links"],
                rosa_level=base["rosa_level"],
                escalation_target=base["escalation_target"],
                public=base["public"],
            )
        )
    ChecklistVersion.objects.bulk_create(versions, batch_size=1000)
    started = time.perf_counter()
    get_backend().rebuild()
    index_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE checklists_checklistsearchdoc")
    queries = [q["query"] for q in load_queries()]
    checklist_search("uppvärmning")  # builds the vocabulary once, as a running server has
    timings = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            checklist_search(query, limit=10)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "benchmark": "checklist search, server side (selectors.checklist_search)",
        "database": connection.vendor,
        "published_checklists": count,
        "queries": len(timings),
        "index_rebuild_seconds": round(index_seconds, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "target_p95_ms": 50,
    }


if __name__ == "__main__":
    main()
