"""`manage.py import_contacts FILE.csv [--create-missing] [--dry-run]`: contacts from a
municipality's old system or telephony export, all or nothing (the format: kpi/importer.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpi.importer import ContactImportError, ImportResult, contacts_import
from kpi.rollups import rollups_refresh
from kundtjanst.errors import DomainError

PROBLEMS_SHOWN = 200


class Command(BaseCommand):
    help = (
        "Läser in kontakter från en CSV-fil (tidigare ärendesystem eller telefoniexport), "
        "allt eller inget. Kontakter som redan är importerade hoppas över."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--create-missing",
            action="store_true",
            help="Lägg upp okända förvaltnings- och KKiK-områdeskoder (namn = koden).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Kontrollera filen och räkna, men skriv ingenting.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            result = contacts_import(
                path=path,
                create_missing=options["create_missing"],
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ContactImportError as error:
            lines = [f"{error.message} ({path})"]
            lines += [f"  {problem}" for problem in error.problems[:PROBLEMS_SHOWN]]
            if error.total > PROBLEMS_SHOWN:
                lines.append(f"  … och {error.total - PROBLEMS_SHOWN} fel till.")
            raise CommandError("\n".join(lines)) from error
        except DomainError as error:
            raise CommandError(f"Inget importerades: {error.message}") from error
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan inte läsa {path}: {exc}") from exc
        self._report(result)
        if not result.dry_run and result.contacts_created:
            # The dashboard's day rollups for the imported days, now rather than at its next view.
            rollups_refresh()

    def _report(self, result: ImportResult) -> None:
        if result.dry_run:
            self.stdout.write("Provkörning (--dry-run): ingenting skrevs.")
        verb = "skulle skapas" if result.dry_run else "skapade"
        self.stdout.write(f"Rader lästa: {result.rows}")
        self.stdout.write(f"Kontakter {verb}: {result.contacts_created}")
        self.stdout.write(f"Redan importerade (hoppades över): {result.contacts_skipped}")
        self.stdout.write(
            f"Ärenden {verb}: {result.cases_created}, utökade med nya kontakter: "
            f"{result.cases_extended}"
            + (f", med ändrade uppgifter: {result.cases_updated}" if result.cases_updated else "")
        )
        self.stdout.write(f"Svar i servicemätningen (bemötande): {result.survey_answers}")
        for year, (first, last) in sorted(result.references.items()):
            self.stdout.write(f"Ärendenummer {year}: {first} – {last}")
        if result.departments_created:
            codes = ", ".join(result.departments_created)
            self.stdout.write(f"Förvaltningar {verb}: {codes}")
        if result.subject_areas_created:
            codes = ", ".join(result.subject_areas_created)
            self.stdout.write(f"KKiK-områden {verb}: {codes}")
        if result.direct_not_by_rule:
            self.stdout.write(
                self.style.WARNING(
                    f"{result.direct_not_by_rule} ärenden är markerade som besvarade direkt "
                    "fast de har ROSA-nivå 5–6 eller mer än en inkommande kontakt; "
                    "markeringen importerades som den var."
                )
            )
        if not result.dry_run:
            self.stdout.write(self.style.SUCCESS("Klart."))
