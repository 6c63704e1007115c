"""Escalations (överlämningar): a case handed to a department unit with a promised callback."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.case import Case, Channel
from cases.models.organisation import CODE_HELP, Department


class Unit(models.Model):
    """A part of a department that receives escalations (e.g. "Bygglovsenheten")."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="units", verbose_name=_("förvaltning")
    )
    code = models.SlugField(_("kod"), max_length=60, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("namn"), max_length=200)
    # Where the daily reminder digest goes; empty = to each member's own address.
    email = models.EmailField(_("funktionsbrevlåda"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="units", verbose_name=_("medlemmar")
    )
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["department__name", "name"]
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")

    def __str__(self) -> str:
        return self.name


class EscalationStatus(models.TextChoices):
    NEW = "new", _("Ny")
    ACCEPTED = "accepted", _("Mottagen")
    ANSWERED = "answered", _("Återkopplad")
    RETURNED = "returned", _("Återlämnad till kundtjänst")
    CLOSED = "closed", _("Avslutad")


OPEN_ESCALATION_STATUSES = (
    EscalationStatus.NEW,
    EscalationStatus.ACCEPTED,
    EscalationStatus.ANSWERED,
)


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("Hög")
    URGENT = "urgent", _("Brådskande")


class Escalation(models.Model):
    """One hand-over of a case to a unit. A case can be handed over more than once.

    The promise to the citizen is `callback_due` on `callback_channel`/`callback_to`; it is kept
    when the first contact to the citizen after the hand-over (`callback_at`) is at or before it.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("ärende")
    )
    # Denormalised from the unit, so visibility and statistics filter without a join.
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("förvaltning")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("enhet")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=EscalationStatus.choices,
        default=EscalationStatus.NEW,
    )
    priority = models.CharField(
        _("prioritet"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    question = models.TextField(_("medborgarens fråga"))
    told_citizen = models.TextField(_("vad medborgaren har fått veta"), blank=True)
    note = models.TextField(_("anteckning till förvaltningen"), blank=True)
    callback_due = models.DateTimeField(_("återkoppling senast"))
    callback_channel = models.CharField(
        _("återkoppling via"), max_length=10, choices=Channel.choices
    )
    callback_to = models.CharField(_("nummer eller adress"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("överlämnad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("överlämnad av"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_escalations",
        verbose_name=_("ansvarig handläggare"),
    )
    first_action_at = models.DateTimeField(_("första åtgärd"), null=True, blank=True)
    callback_at = models.DateTimeField(_("återkopplad"), null=True, blank=True)
    returned_at = models.DateTimeField(_("återlämnad"), null=True, blank=True)
    return_answer = models.TextField(_("svar till kundtjänst"), blank=True)
    decision = models.TextField(_("beslut"), blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    application_on = models.DateField(_("ansökningsdatum"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    # Optimistic concurrency: every action carries the version it was shown.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["callback_due", "id"]
        verbose_name = _("överlämning")
        verbose_name_plural = _("överlämningar")
        indexes = [
            models.Index(fields=["department", "status", "callback_due"]),
            models.Index(fields=["unit", "status", "callback_due"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(callback_due__gt=models.F("created_at")),
                name="escalation_callback_after_handover",
                violation_error_code="callback-due-in-past",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="escalation_closed_has_closed_at",
                violation_error_code="closed-at-required",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | Q(returned_at__isnull=False),
                name="escalation_returned_has_returned_at",
                violation_error_code="returned-at-required",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | ~Q(decision=""),
                name="escalation_decision_has_text",
                violation_error_code="decision-required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.unit}"

    @property
    def is_open(self) -> bool:
        """Still the department's to handle."""
        return self.status in OPEN_ESCALATION_STATUSES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        """The promise is broken: the callback time has passed without a contact to the citizen,
        and neither the department nor the contact centre has finished the case
        (`cases.selectors.overdue_q` is the same rule as a query)."""
        return (
            self.callback_at is None
            and self.status != EscalationStatus.CLOSED
            and not self.case.is_finished
            and self.callback_due < (now or timezone.now())
        )


class ReminderDigest(models.Model):
    """One reminder e-mail per unit and day: what makes `send_escalation_reminders` idempotent."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField()
    escalation_count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="one_reminder_per_unit_and_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.day}"
