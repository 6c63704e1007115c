"""Rebuild the per-case facts the KKiK measures read (ADR 0007) from the case log.

The case services keep the facts current in their own transactions, and imports rebuild what
they loaded; run this after restoring a backup, after changing TIME_ZONE, or when
`--check` finds drift (which is a bug: please report it).
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.services import case_facts_drift, case_facts_rebuild


class Command(BaseCommand):
    help = "Rebuild the per-case facts behind the KKiK figures from the case log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the stored facts with the log; exit 1 if any differ.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["check"]:
            drifted = case_facts_drift()
            if drifted:
                shown = ", ".join(str(pk) for pk in drifted[:20])
                raise CommandError(
                    f"{len(drifted)} case(s) have facts that differ from the log "
                    f"(case ids {shown}{' …' if len(drifted) > 20 else ''}); "
                    "run rebuild_case_facts without --check."
                )
            self.stdout.write("The facts agree with the case log.")
            return
        rebuilt = case_facts_rebuild()
        self.stdout.write(f"Rebuilt the facts of {rebuilt} case(s).")
