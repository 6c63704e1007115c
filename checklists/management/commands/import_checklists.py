import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from checklists.transfer import checklists_import
from kundtjanst.errors import DomainError


class Command(BaseCommand):
    help = "Läser in checklistor från en JSON-fil (allt eller inget)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"Kan inte läsa {options['file']}: {exc}") from exc
        try:
            created = checklists_import(data=data)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Importerade {len(created)} checklistor.")
