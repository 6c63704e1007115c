"""Benchmark: `seed_demo --months 12 --seed 42` on a fresh embedded SQLite database.

The issue's target is under 60 s on these 2-core machines.

    DEBUG=1 python -m bench.seed_demo
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{scratch}/demo.sqlite3", DEBUG="1")
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
        start = time.perf_counter()
        subprocess.run(
            [*manage, "seed_demo", "--months", "12", "--seed", "42"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        counts = subprocess.run(
            [
                *manage,
                "shell",
                "-v0",
                "-c",
                "from cases.models import Case, Contact; "
                "print(Case.objects.count(), Contact.objects.count())",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    result = {
        "benchmark": "seed_demo --months 12 --seed 42 on SQLite",
        "seconds": round(seconds, 1),
        "cases": int(counts[0]),
        "contacts": int(counts[1]),
        "target_seconds": 60,
    }
    print(json.dumps(result, indent=2))
    Path("bench/results").mkdir(parents=True, exist_ok=True)
    Path("bench/results/seed_demo.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
