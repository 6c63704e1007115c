"""The municipality's organisation: departments, KKiK subject areas, the services asked about."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

CODE_HELP = _("Kort, stabil kod (versaler, siffror och bindestreck), används i API och importer.")


class Department(models.Model):
    """A förvaltning (or a unit of one) that signs an agreement with the contact centre."""

    code = models.SlugField(_("kod"), max_length=40, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("namn"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("förvaltning")
        verbose_name_plural = _("förvaltningar")

    def __str__(self) -> str:
        return self.name


class SubjectArea(models.Model):
    """A KKiK subject area (verksamhetsområde) used to group the measures."""

    code = models.SlugField(_("kod"), max_length=40, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("namn"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("KKiK-område")
        verbose_name_plural = _("KKiK-områden")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A department's service or process that citizens ask about ("Bygglov för braskamin")."""

    code = models.SlugField(_("kod"), max_length=60, unique=True, help_text=CODE_HELP)
    name = models.CharField(_("namn"), max_length=200)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="services", verbose_name=_("förvaltning")
    )
    subject_area = models.ForeignKey(
        SubjectArea,
        on_delete=models.PROTECT,
        related_name="services",
        null=True,
        blank=True,
        verbose_name=_("KKiK-område"),
    )
    # Escalation routing: where cases about this service go, and how soon the citizen is
    # promised a callback (working days, kundtjanst.workdays).
    escalation_unit = models.ForeignKey(
        "cases.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("överlämnas till enhet"),
    )
    callback_working_days = models.PositiveSmallIntegerField(
        _("återkoppling inom (arbetsdagar)"), default=2
    )
    active = models.BooleanField(_("aktiv"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tjänst")
        verbose_name_plural = _("tjänster")

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """Links a department user (role `forvaltning`) to the department whose cases they see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="staff",
        null=True,
        blank=True,
        verbose_name=_("förvaltning"),
    )

    class Meta:
        verbose_name = _("personalprofil")
        verbose_name_plural = _("personalprofiler")

    def __str__(self) -> str:
        return f"{self.user} ({self.department or '-'})"
