"""Benchmark: `import_contacts` of 1,000,000 contacts (target: under 3 minutes on PostgreSQL, in
bounded memory).

Writes a realistic export into a temporary file, streamed in the order a telephony or case
system exports (by time): ~1.6 contacts per case (the demo has 1.8), phone-heavy, abandoned calls,
written questions with their replies, follow-ups days later, courtesy grades on some contacts,
and the case-level columns repeated on every row of a case (the most checking work). Then imports
it into a scratch database (PostgreSQL when DATABASE_URL points at one, else SQLite) and reports
wall time, rows/s and peak RSS. `--reimport` also times importing the same file again (every
row looked up and compared, nothing written).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test DEBUG=1 python -m bench.import_contacts
    DEBUG=1 python -m bench.import_contacts --rows 100000

On PostgreSQL the scratch database is `bench_import` (POSTGRES_TEST_NAME overrides it); it is
created and dropped like a test database.
"""

import argparse
import datetime as dt
import heapq
import json
import os
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CHANNELS = {
    "phone": 0.52,
    "email": 0.2,
    "web": 0.1,
    "visit": 0.07,
    "chat": 0.05,
    "social": 0.03,
    "letter": 0.03,
}
DEPARTMENTS = ["bygg", "skola", "social", "omsorg", "kultur", "teknik", "miljo", "kommunstyrelse"]
SUBJECT_AREAS = [
    "bygglov",
    "forskola",
    "grundskola",
    "individ-och-familjeomsorg",
    "aldreomsorg",
    "funktionsnedsattning",
    "kultur-och-fritid",
    "gator-och-vagar",
    "miljo-och-halsa",
]
ROSA = {1: 0.45, 2: 0.3, 3: 0.12, 4: 0.05, 5: 0.05, 6: 0.03}
HEADER = (
    "contact_id,case_ref,channel,direction,occurred_at,answered_at,department,subject_area,"
    "rosa_level,resolved_directly,courtesy\n"
)


def rss_mb() -> float | None:
    """The process's resident memory now (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KB on Linux


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(STOCKHOLM).isoformat(timespec="seconds")


def contacts(rows: int, seed: int = 7, first_day: dt.date = dt.date(2025, 1, 1)) -> Iterator[str]:
    """`rows` CSV lines in time order. Each case is planned whole; its contacts wait in a heap
    until the clock reaches them, so only the next few days are ever in memory."""
    rng = random.Random(seed)
    channels, channel_weights = list(CHANNELS), list(CHANNELS.values())
    levels, level_weights = list(ROSA), list(ROSA.values())
    per_day = rows / 1.8 / 365
    pending: list[tuple[dt.datetime, int, str]] = []
    written = contact_number = case_number = 0
    day = first_day
    while written < rows:
        start = dt.datetime.combine(day, dt.time(), tzinfo=STOCKHOLM)
        weekend = day.weekday() >= 5
        for _ in range(round(rng.gauss(per_day * (0.3 if weekend else 1.2), per_day * 0.05))):
            case_number += 1
            channel = rng.choices(channels, channel_weights)[0]
            if weekend and channel in ("phone", "visit"):
                channel = "web"
            at = start + dt.timedelta(seconds=rng.uniform(8 * 3600, 16.5 * 3600))
            steps: list[tuple[dt.datetime, str, str, dt.datetime | None, bool]] = []
            if channel == "phone":
                if rng.random() < 0.06:
                    steps.append(
                        (at - dt.timedelta(minutes=rng.uniform(2, 30)), "phone", "in", None, False)
                    )
                wait = rng.uniform(60, 400) if rng.random() < 0.15 else rng.uniform(4, 60)
                steps.append((at, "phone", "in", at + dt.timedelta(seconds=wait), True))
            elif channel in ("visit", "chat"):
                steps.append((at, channel, "in", None, True))
            else:
                steps.append((at, channel, "in", None, False))
                reply = at + dt.timedelta(hours=rng.choice((1, 3, 20, 26, 70, 100)))
                steps.append((reply, "email" if channel == "web" else channel, "out", None, False))
            if rng.random() < 0.1:  # the citizen comes back about the same matter
                again = steps[-1][0] + dt.timedelta(days=rng.uniform(1, 5))
                steps.append(
                    (again, "phone", "in", again + dt.timedelta(seconds=rng.uniform(5, 90)), True)
                )
            elif rng.random() < 0.05:  # the agent calls back
                steps.append((steps[-1][0] + dt.timedelta(hours=2), "phone", "out", None, False))
            resolved = rng.random() < 0.88
            rosa = rng.choices(levels, level_weights)[0] if resolved else None
            inbound = sum(1 for step in steps if step[2] == "in")
            direct = (
                resolved and inbound == 1 and rosa is not None and rosa <= 4 and rng.random() < 0.9
            )
            area = rng.choice(SUBJECT_AREAS) if rng.random() < 0.8 else ""
            case_columns = ",".join(
                (
                    rng.choice(DEPARTMENTS),
                    area,
                    str(rosa or ""),
                    ("true" if direct else "false") if resolved else "",
                )
            )
            for occurred, step_channel, direction, answered, rateable in steps:
                contact_number += 1
                courtesy = (
                    str(rng.choice((5, 5, 5, 4, 4, 3, 2, 1)))
                    if rateable and rng.random() < 0.12
                    else ""
                )
                line = (
                    f"K{contact_number:09d},ARE-{case_number:08d},{step_channel},{direction},"
                    f"{_stamp(occurred)},{_stamp(answered) if answered else ''},"
                    f"{case_columns},{courtesy}\n"
                )
                heapq.heappush(pending, (occurred, contact_number, line))
        day += dt.timedelta(days=1)
        until = dt.datetime.combine(day, dt.time(), tzinfo=STOCKHOLM)
        while pending and pending[0][0] < until and written < rows:
            yield heapq.heappop(pending)[2]
            written += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reimport", action="store_true", help="also time a second import")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundtjanst.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("POSTGRES_TEST_NAME", "bench_import")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / "kontakter.csv"
            result = run(path, args.rows, args.reimport)
    finally:
        runner.teardown_databases(old)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = Path("bench/results") / f"import-contacts-{result['database']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def run(path: Path, rows: int, reimport: bool) -> dict:
    from django.db import connection

    from cases.models import Case, Contact, Department, SurveyAnswer
    from kpi.importer import contacts_import

    started = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        handle.writelines(contacts(rows))
    size_mb = path.stat().st_size / 1e6
    print(f"generated {rows} rows ({size_mb:.0f} MB) in {time.perf_counter() - started:.0f} s")
    for code in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": code})
    before = rss_mb()

    def progress(message: str) -> None:
        print(f"  {time.perf_counter() - start:6.1f} s  {message}", flush=True)

    start = time.perf_counter()
    imported = contacts_import(path=path, progress=progress)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    assert Contact.objects.count() == imported.contacts_created == rows
    assert Case.objects.count() == imported.cases_created
    assert SurveyAnswer.objects.count() == imported.survey_answers
    result = {
        "benchmark": f"import_contacts: {rows:,} contacts from one CSV file",
        "database": connection.vendor,
        "rows": rows,
        "cases": imported.cases_created,
        "survey_answers": imported.survey_answers,
        "file_mb": round(path.stat().st_size / 1e6),
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
        "rss_before_import_mb": before,
        "peak_rss_mb": peak,
    }
    if connection.vendor == "postgresql":
        result["target_seconds"] = 180  # for 1,000,000 rows
    if reimport:
        start = time.perf_counter()
        again = contacts_import(path=path, progress=progress)
        assert again.contacts_skipped == rows and again.contacts_created == 0
        result["reimport_seconds"] = round(time.perf_counter() - start, 1)
        result["peak_rss_mb_after_reimport"] = peak_rss_mb()
    return result


if __name__ == "__main__":
    main()
