"""What people may see of the mail: a case's messages, and the mailbox's health for team leads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case
from channels_app.models import MailboxState, MailKind, MailMessage, QuarantinedMail


def case_mail(case: Case) -> QuerySet[MailMessage]:
    """Every message in and out that belongs to the case, oldest first."""
    return (
        MailMessage.objects.filter(case=case).select_related("suggested_case").order_by("at", "id")
    )


def case_reply_address(case: Case) -> str:
    latest = (
        MailMessage.objects.filter(case=case, direction="in", kind=MailKind.CITIZEN)
        .order_by("-at", "-id")
        .values_list("from_address", flat=True)
        .first()
    )
    if latest:
        return latest
    return case.citizen.email if case.citizen is not None and case.citizen.email else ""


@dataclass(frozen=True)
class MailboxHealth:
    state: MailboxState | None
    stalled: bool
    quarantine: list[QuarantinedMail]
    filtered: list[MailMessage]  # recent auto-replies, bounces, bulk and spam

    @property
    def quarantine_warning(self) -> bool:
        return len(self.quarantine) >= settings.MAIL_QUARANTINE_WARN

    @property
    def stall_minutes(self) -> int:
        return int(settings.MAIL_FETCH_STALL_MINUTES)

    @property
    def warning(self) -> bool:
        return self.stalled or self.quarantine_warning


def mailbox_health(now: dt.datetime | None = None) -> MailboxHealth:
    now = now or timezone.now()
    state = MailboxState.objects.order_by("-last_attempt_at").first()
    limit = dt.timedelta(minutes=settings.MAIL_FETCH_STALL_MINUTES)
    stalled = bool(settings.MAIL_IMAP_HOST) and (
        state is None or state.last_success_at is None or now - state.last_success_at > limit
    )
    quarantine = list(QuarantinedMail.objects.filter(resolved_at__isnull=True)[:200])
    filtered = list(
        MailMessage.objects.filter(direction="in")
        .exclude(kind=MailKind.CITIZEN)
        .order_by("-at")[:50]
    )
    return MailboxHealth(state, stalled, quarantine, filtered)
