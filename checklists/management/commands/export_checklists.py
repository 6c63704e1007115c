import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.models import Department
from checklists.transfer import checklists_export


class Command(BaseCommand):
    help = "Skriver checklistor som JSON (hela kommunen eller en förvaltning) till stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--department", help="förvaltningens kod")

    def handle(self, *args: Any, **options: Any) -> None:
        department = None
        if options["department"]:
            try:
                department = Department.objects.get(code=options["department"])
            except Department.DoesNotExist as exc:
                raise CommandError(f"Okänd förvaltning: {options['department']}") from exc
        data = checklists_export(department=department)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
