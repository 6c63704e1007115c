import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from kundtjanst.workdays import calendar_days_refresh


class Command(BaseCommand):
    help = "Skriver om arbetsdagskalendern (helgdagar och stängda dagar) några år framåt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--years", type=int, default=5, help="år framåt (5)")

    def handle(self, *args: Any, **options: Any) -> None:
        until = dt.date(timezone.localdate().year + options["years"], 12, 31)
        rows = calendar_days_refresh(until=until)
        self.stdout.write(f"Arbetsdagskalendern har {rows} dagar, till och med {until}.")
