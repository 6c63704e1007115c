"""E-mail each unit a digest of its escalations due today and overdue. Run it periodically
(e.g. every working day at 07:30 and again at 13:00 from cron or a systemd timer): it sends at
most one digest per unit and day, so running it more often changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from cases.services import escalation_reminders_send


class Command(BaseCommand):
    help = "E-mail each unit its escalations due today and overdue (once per unit and day)."

    def handle(self, *args: object, **options: object) -> None:
        results = escalation_reminders_send()
        failed = 0
        for result in results:
            if result.error:
                failed += 1
                state = f"NOT SENT ({result.error})"
            elif not result.recipients:
                state = "no address (set the unit's mailbox or members' e-mail)"
            else:
                state = "sent" if result.sent else "already sent today"
            self.stdout.write(
                f"{result.unit.code}: {result.overdue} overdue, {result.due_today} due today "
                f"-> {state}"
            )
        if not results:
            self.stdout.write("No escalations due today or overdue.")
        if failed:
            raise CommandError(f"{failed} digest(s) could not be sent; the next run tries again.")
