"""Print the municipality's thesaurus as a file other municipalities can import."""

import json

from django.core.management.base import BaseCommand

from checklists.thesaurus import thesaurus_export


class Command(BaseCommand):
    help = "Print the thesaurus (kundtjanst-thesaurus/1 JSON)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(json.dumps(thesaurus_export(), ensure_ascii=False, indent=2))
