"""Fetch the contact centre's mailbox into cases (ADR 0009).

    python manage.py fetch_mail --once     # one pass (cron, tests)
    python manage.py fetch_mail            # a long-lived process: a pass every
                                           # MAIL_FETCH_INTERVAL_SECONDS; see README for the
                                           # systemd unit

A failing pass (server down, wrong password) is logged and retried on the next interval; the
team lead sees on the mail status page when fetching last succeeded.
"""

import imaplib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels_app.mail.imap import FetchReport, fetch_once


class Command(BaseCommand):
    help = "Fetch new mail from the contact centre's IMAP mailbox into cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.MAIL_IMAP_HOST:
            raise CommandError("MAIL_IMAP_HOST is not set: there is no mailbox to fetch.")
        if options["once"]:
            self._report(self._pass())
            return
        while True:  # pragma: no cover - the long-lived mode; a pass is tested via --once
            try:
                self._report(self._pass())
            except Exception as exc:  # noqa: BLE001 - keep running; the next pass retries
                self.stderr.write(f"fetch failed: {exc}")
            time.sleep(settings.MAIL_FETCH_INTERVAL_SECONDS)

    def _pass(self) -> FetchReport:
        try:
            return fetch_once()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise CommandError(f"Could not fetch mail: {exc}") from exc

    def _report(self, report: FetchReport) -> None:
        self.stdout.write(
            f"ingested {report.ingested}, already stored {report.already_stored}, "
            f"failed {report.failed}, moved to quarantine {report.quarantined}"
        )
        for error in report.errors:
            self.stderr.write(error)
