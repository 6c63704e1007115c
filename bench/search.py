"""Benchmark: checklist search speed with 5,000 published checklists and 100,000 recorded
uses (target p95 ≤ 50 ms).

Builds a scratch database (PostgreSQL when DATABASE_URL points at one, else SQLite) with the
demo organisation, the shipped thesaurus and 5,000 checklists made from the demo checklists by
mixing their sentences (near-duplicates, as real municipalities have), then 100,000 checklist
uses over the last two years whose search texts are the fixture's queries and the checklists'
own words (so the learning lookup meets the benchmark's own words, many thousands of times
each), and times `checklist_search` server-side — text search, thesaurus, compounds and the
learned boost — for the relevance fixture's queries (short fragments, misspellings, synonyms,
long e-mail sentences).

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
    parser.add_argument("--uses", type=int, default=100_000)
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
        result = run(args.checklists, args.uses, args.rounds)
    finally:
        runner.teardown_databases(old)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = Path("bench/results") / f"search-{result['database']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def run(count: int, uses: int, rounds: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from cases.demo.generator import organisation_ensure
    from checklists.demo_loader import CHECKLISTS_FILE
    from checklists.models import (
        Checklist,
        ChecklistVersion,
        SearchTermUse,
        SynonymGroup,
        VersionStatus,
    )
    from checklists.relevance import load_queries
    from checklists.search import get_backend
    from checklists.selectors import checklist_search
    from checklists.thesaurus import shipped_thesaurus, thesaurus_import

    organisation = organisation_ensure()
    if not SynonymGroup.objects.exists():
        thesaurus_import(data=shipped_thesaurus())
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
    queries = [q["query"] for q in load_queries()]
    started = time.perf_counter()
    _record_uses(uses, versions, queries, organisation, rng)
    uses_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load (the visibility map lets the learned-term
        # lookup answer from its index alone). VACUUM cannot run inside a transaction.
        autocommit = connection.get_autocommit()
        connection.set_autocommit(True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        connection.set_autocommit(autocommit)
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
        "recorded_uses": uses,
        "search_term_rows": SearchTermUse.objects.count(),
        "synonym_groups": SynonymGroup.objects.count(),
        "uses_load_seconds": round(uses_seconds, 1),
        "queries": len(timings),
        "index_rebuild_seconds": round(index_seconds, 1),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "max_ms": round(timings[-1], 1),
        "target_p95_ms": 50,
    }


def _record_uses(count: int, versions: list, queries: list[str], organisation, rng) -> None:
    """`count` cases, each with one checklist use and its search terms, as
    `services.checklist_use` would write them (in bulk: the service's rules are tested
    elsewhere; this is about the volume the search reads)."""
    import datetime as dt

    from django.contrib.auth.models import User
    from django.utils import timezone

    from cases.models import Case, CaseStatus, Channel
    from checklists.learning import learning_rebuild, scrub_personal_data, use_term_rows
    from checklists.models import ChecklistUse, SearchTermUse
    from checklists.search.synonyms import member_words

    agent = User.objects.create(username="bench-agent")
    now = timezone.now()
    batch = 5000
    for start in range(0, count, batch):
        cases, picked = [], []
        for n in range(start, min(start + batch, count)):
            version = rng.choice(versions)
            at = now - dt.timedelta(days=rng.random() * 730)
            service = version.checklist.service
            cases.append(
                Case(
                    reference=f"B{n:07d}",
                    channel=Channel.PHONE,
                    status=CaseStatus.OPEN,
                    department_id=service.department_id,
                    service_id=service.pk,
                    subject_area_id=service.subject_area_id,
                    created_at=at,
                    version=1,
                )
            )
            words = member_words(f"{version.title} {' '.join(version.keywords)}")
            text = (
                rng.choice(queries)
                if rng.random() < 0.5
                else " ".join(rng.sample(words, min(len(words), 3)))
            )
            picked.append((version, at, scrub_personal_data(text)))
        Case.objects.bulk_create(cases)
        uses = ChecklistUse.objects.bulk_create(
            ChecklistUse(case=case, version=version, by=agent, at=at, search_text=text)
            for case, (version, at, text) in zip(cases, picked, strict=True)
        )
        terms = [row for use in uses for row in use_term_rows(use)]
        SearchTermUse.objects.bulk_create(terms, batch_size=5000)
    learning_rebuild()


if __name__ == "__main__":
    main()
