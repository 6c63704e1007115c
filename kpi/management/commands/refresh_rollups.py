"""Bring the dashboard's day rollups up to date (ADR 0008).

The dashboard does this itself before every view; run it after loading data in bulk (the demo,
`rebuild_case_facts`) so the first view is fast, or with `--reset` after cases were deleted.
"""

import time

from django.core.management.base import BaseCommand, CommandParser

from kpi.rollups import rollups_refresh, rollups_reset


class Command(BaseCommand):
    help = "Bring the dashboard's day rollups up to date with the case log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Recompute every day (after deleting cases)."
        )

    def handle(self, *args: object, **options: object) -> None:
        started = time.perf_counter()
        if options["reset"]:
            rollups_reset()
        rollups_refresh()
        self.stdout.write(f"Rollups up to date ({time.perf_counter() - started:.1f} s).")
