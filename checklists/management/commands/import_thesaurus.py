"""Import a thesaurus file (`kundtjanst-thesaurus/1`), all or nothing."""

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from checklists.thesaurus import thesaurus_import
from kundtjanst.errors import DomainError


class Command(BaseCommand):
    help = "Import synonym groups from a thesaurus file (all or nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument(
            "--replace", action="store_true", help="Remove the groups the file does not have."
        )

    def handle(self, *args: object, **options: object) -> None:
        path = str(options["file"])
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
            created, updated = thesaurus_import(data=data, replace=bool(options["replace"]))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"Kan inte läsa {path}: {exc}") from exc
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Synonymgrupper: {created} nya, {updated} uppdaterade.")
