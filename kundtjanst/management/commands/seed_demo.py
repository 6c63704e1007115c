"""`manage.py seed_demo`: load the demo municipality for the embedded local demo."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from cases.demo import data
from cases.demo.generator import DemoSummary, seed_demo
from cases.models import Channel, EscalationStatus
from checklists.demo_loader import (
    demo_agreements_ensure,
    demo_checklist_uses_ensure,
    demo_checklists_ensure,
)
from kundtjanst.workdays import calendar_days_refresh


class Command(BaseCommand):
    help = (
        "Läser in demokommunen: förvaltningar, tjänster, demoanvändare och ärenden för de "
        "senaste månaderna. Gör ingenting om det redan finns ärenden (om inte --reset anges)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=12, help="Antal månader bakåt (12).")
        parser.add_argument("--seed", type=int, default=42, help="Slumpfrö: samma frö, samma data.")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Dagen perioden slutar, ÅÅÅÅ-MM-DD (standard: i dag). Data fram till midnatt.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Raderar ALLA ärenden, kontakter och medborgare och läser in demon på nytt.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        months: int = options["months"]
        today: dt.date = options["today"] or timezone.localdate()
        if months < 1:
            raise CommandError("--months måste vara minst 1.")
        if options["reset"] and not settings.DEBUG:
            raise CommandError(
                "--reset raderar alla ärenden och får bara användas med DEBUG=1 (lokal demo)."
            )
        self.stdout.write(f"Läser in demokommunen: {months} månader fram till {today} …")
        summary = seed_demo(
            months=months,
            seed=options["seed"],
            today=today,
            reset=options["reset"],
            write=self.stdout.write,
        )
        calendar_days_refresh(until=dt.date(today.year + 5, 12, 31))
        agreements = demo_agreements_ensure(today=today)
        checklists = demo_checklists_ensure()
        uses = demo_checklist_uses_ensure()
        if agreements or checklists or uses:
            self.stdout.write(
                f"Överenskommelser: {agreements}, checklistor: {checklists}, "
                f"använda checklistor: {uses}."
            )
        if summary.already_loaded:
            self.stdout.write(
                "Demon är redan inläst (databasen innehåller ärenden); ingenting ändrades. "
                "Använd --reset för att läsa in den på nytt."
            )
        else:
            self._report(summary)
        self._logins()

    def _report(self, summary: DemoSummary) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Klart: {summary.cases} ärenden, {summary.contacts} kontakter, "
                f"{summary.citizens} medborgare ({summary.first_day} – {summary.last_day})."
            )
        )
        self.stdout.write(
            f"Besvarade direkt: {summary.direct_share:.1%} av {summary.resolved} lösta ärenden."
        )
        mix = ", ".join(
            f"{Channel(channel).label} {count / summary.cases:.1%}"
            for channel, count in summary.channels.most_common()
        )
        self.stdout.write(f"Första kontaktens kanal: {mix}.")
        escalations = sum(summary.escalations.values())
        if escalations:
            by_status = ", ".join(
                f"{EscalationStatus(status).label.lower()} {summary.escalations[status]}"
                for status in EscalationStatus.values
            )
            self.stdout.write(
                f"Överlämningar: {escalations} ({by_status}); "
                f"{summary.overdue} med passerad utlovad återkoppling."
            )

    def _logins(self) -> None:
        self.stdout.write("\nDemoinloggningar (användarnamn / lösenord):")
        for login in data.DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<13} / {login.username:<13} roll: {login.role}")
        self.stdout.write(
            self.style.WARNING(
                "Lösenorden är avsiktligt enkla och gäller bara den inbäddade lokala demon. "
                "Läs aldrig in demodata i en riktig installation."
            )
        )
