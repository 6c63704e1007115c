"""Cases (ärenden) and the contacts (kontakter) they are made of."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models.citizen import Citizen
from cases.models.organisation import Department, Service, SubjectArea


class Channel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("E-post")
    VISIT = "visit", _("Besök")
    WEB = "web", _("Webbformulär")
    CHAT = "chat", _("Chatt")
    SOCIAL = "social", _("Sociala medier")
    LETTER = "letter", _("Brev")


class Direction(models.TextChoices):
    IN = "in", _("In (från medborgaren)")
    OUT = "out", _("Ut (till medborgaren)")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Öppet")
    WAITING_FOR_CITIZEN = "waiting_for_citizen", _("Väntar på medborgaren")
    ESCALATED = "escalated", _("Överlämnat till förvaltning")
    RESOLVED = "resolved", _("Löst")
    CLOSED = "closed", _("Avslutat")


class RosaLevel(models.IntegerChoices):
    """ROSA levels, DOMAIN.md: 1–4 may be handled by the contact centre, 5–6 by the department."""

    INFORMATION = 1, _("1 Information och upplysning")
    GUIDANCE = 2, _("2 Vägledning och rådgivning")
    ADMIN_PREPARATION = 3, _("3 Administrativa förberedelser")
    ROUTINE_DECISION = 4, _("4 Rutinmässig handläggning och beslut")
    INVESTIGATION = 5, _("5 Verksamhetsspecifika förberedelser")
    EVALUATIVE_DECISION = 6, _("6 Värderande handläggning")


CONTACT_CENTRE_MAX_ROSA = RosaLevel.ROUTINE_DECISION


class ReferenceCounter(models.Model):
    """Last case number handed out per year; locked row by row so references have no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(last_number__lte=999_999),
                name="reference_counter_fits_six_digits",
                violation_error_code="reference-year-full",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Case(models.Model):
    reference = models.CharField(_("ärendenummer"), max_length=20, unique=True, editable=False)
    channel = models.CharField(
        _("kanal för första kontakt"), max_length=10, choices=Channel.choices
    )
    status = models.CharField(
        _("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("förvaltning"),
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("tjänst"),
    )
    subject_area = models.ForeignKey(
        SubjectArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("KKiK-område"),
    )
    citizen = models.ForeignKey(
        Citizen,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("medborgare"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("handläggare"),
    )
    summary = models.CharField(_("sammanfattning"), max_length=300)
    notes = models.TextField(_("anteckningar"), blank=True)
    # The case's number in the system it was imported from (import_contacts' `case_ref`).
    external_ref = models.CharField(_("extern referens"), max_length=100, blank=True, db_index=True)
    rosa_level = models.PositiveSmallIntegerField(
        _("ROSA-nivå"), choices=RosaLevel.choices, null=True, blank=True
    )
    resolved_directly = models.BooleanField(_("besvarat direkt"), null=True, blank=True)
    resolution_note = models.TextField(_("svar/lösning"), blank=True)
    # Facts that decide "resolved directly" (DOMAIN.md): kept as the case moves.
    ever_escalated = models.BooleanField(default=False)
    callback_promised_at = models.DateTimeField(_("utlovad återkoppling"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(_("skapat"), db_index=True)
    first_response_at = models.DateTimeField(_("första svar"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("löst"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("löst av"),
    )
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency: a form carries the version it was loaded with.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["department", "created_at"]),
            models.Index(fields=["assigned_to", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rosa_level__isnull=True) | Q(rosa_level__gte=1, rosa_level__lte=6),
                name="case_rosa_level_1_to_6",
                violation_error_code="rosa-level-invalid",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(rosa_level__isnull=False),
                name="case_resolved_has_rosa_level",
                violation_error_code="rosa-level-required",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(resolved_at__isnull=False),
                name="case_resolved_has_resolved_at",
                violation_error_code="resolved-at-required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.summary}"

    @property
    def is_finished(self) -> bool:
        return self.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class Contact(models.Model):
    """One interaction on a case: a call, a mail, a visit, a message — in or out."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("ärende")
    )
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    direction = models.CharField(_("riktning"), max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField(_("tidpunkt"))
    # Phone calls: when a person answered (IVR time excluded); empty on an inbound call = abandoned.
    answered_at = models.DateTimeField(_("besvarat av person"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hanterad av"),
    )
    text = models.TextField(_("text"), blank=True)
    # The contact's id in the system it was imported from: importing it again changes nothing.
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        indexes = [
            models.Index(fields=["case", "occurred_at", "id"]),
            models.Index(fields=["occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(channel="phone", direction="in"),
                name="contact_answered_only_inbound_phone",
                violation_error_code="answered-at-only-inbound-phone",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("occurred_at")),
                name="contact_answered_after_occurred",
                violation_error_code="answered-before-occurred",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{self.get_channel_display()} {self.get_direction_display()} {when}"

    @property
    def is_abandoned_call(self) -> bool:
        return (
            self.channel == Channel.PHONE
            and self.direction == Direction.IN
            and not self.answered_at
        )
