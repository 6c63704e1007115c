"""Benchmark: logging and resolving a phone call through "Ny kontakt", server side.

Posts the same form the agent's browser posts (htmx partial included) through Django's test
client against the configured database, and reports per-request latency. The agent's target is
"under 15 seconds of interaction" for a simple call; this measures the part the server adds.

    DEBUG=1 python -m bench.intake --requests 300
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 python -m bench.intake
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--output", default="bench/results/intake.json")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundtjanst.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cases.forms import service_label
    from cases.models import Case, Department, Service

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        from django.test.utils import get_runner

        runner = get_runner(settings)(verbosity=0)
        old = runner.setup_databases()
    else:
        old = None
        call_command("migrate", verbosity=0)
    try:
        department = Department.objects.create(code="bench", name="Benchförvaltningen")
        services = [
            Service.objects.create(code=f"bench-{n}", name=f"Tjänst {n}", department=department)
            for n in range(200)
        ]
        agent = User.objects.create_user(username="bench-agent")
        agent.groups.add(Group.objects.get_or_create(name="kundtjanst")[0])
        client = Client()
        client.force_login(agent)
        timings = []
        for n in range(args.requests):
            data = {
                "channel": "phone",
                "service": service_label(services[n % len(services)]),
                "summary": f"Fråga nummer {n} om tjänsten",
                "resolution_note": "Besvarad direkt i telefon.",
                "rosa_level": "1",
                "action": "resolve",
            }
            start = time.perf_counter()
            response = client.post("/cases/new/", data, HTTP_HX_REQUEST="true")
            timings.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                sys.exit(f"request {n} failed: {response.status_code}")
        assert Case.objects.count() == args.requests
        timings.sort()
        result = {
            "benchmark": "intake: log and resolve a phone call (Ny kontakt, htmx POST)",
            "database": database["ENGINE"].rsplit(".", 1)[-1],
            "requests": args.requests,
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
            "max_ms": round(timings[-1], 1),
        }
    finally:
        if old is not None:
            runner.teardown_databases(old)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    output = Path(args.output)
    if result["database"] != "sqlite3":
        output = output.with_name(f"{output.stem}-{result['database']}{output.suffix}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
