"""Relevance figures for the README: recall@1, recall@3 and MRR per query class.

DEBUG=1 python -m bench.search_relevance            # SQLite
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 python -m bench.search_relevance
"""

import json
import os
import tempfile
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundtjanst.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import get_runner, setup_test_environment

    from cases.demo.generator import organisation_ensure
    from checklists.demo_loader import CHECKLISTS_FILE
    from checklists.models import SynonymGroup
    from checklists.relevance import HELDOUT_FILES, evaluate, load_queries
    from checklists.thesaurus import shipped_thesaurus, thesaurus_import
    from checklists.transfer import checklists_import

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0)
    old = runner.setup_databases()
    try:
        organisation_ensure()
        if not SynonymGroup.objects.exists():
            thesaurus_import(data=shipped_thesaurus())
        checklists_import(data=json.loads(CHECKLISTS_FILE.read_text(encoding="utf-8")))
        tables = {"fixture": _table(evaluate(load_queries()))}
        # Written without seeing the thesaurus or the fixture; measured, never tuned on.
        for name, path in HELDOUT_FILES.items():
            tables[name] = _table(evaluate(load_queries(path)))
        vendor = connection.vendor
    finally:
        runner.teardown_databases(old)
    for title, table in tables.items():
        print(f"\n{title}\n{'class':<14}{'n':>4}{'R@1':>7}{'R@3':>7}{'MRR':>7}")
        for name, row in table.items():
            print(
                f"{name:<14}{row['queries']:>4}{row['recall@1']:>7}"
                f"{row['recall@3']:>7}{row['mrr']:>7}"
            )
    out = Path("bench/results") / f"search-relevance-{vendor}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(tables, indent=2, ensure_ascii=False) + "\n")


def _table(results: dict) -> dict:
    return {
        name: {
            "queries": r.queries,
            "recall@1": round(r.recall_at_1, 3),
            "recall@3": round(r.recall_at_3, 3),
            "mrr": round(r.mrr, 3),
            "misses": list(r.misses),
        }
        for name, r in results.items()
    }


if __name__ == "__main__":
    main()
