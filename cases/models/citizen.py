"""The citizen's contact details: only what the case needs (GDPR data minimisation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.personnummer import mask_personnummer


class Citizen(models.Model):
    name = models.CharField(_("namn"), max_length=200, blank=True)
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    # Normalised to 12 digits (YYYYMMDDNNNN); validated by cases.personnummer.
    personnummer = models.CharField(_("personnummer"), max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("medborgare")
        verbose_name_plural = _("medborgare")

    def __str__(self) -> str:
        return self.name or self.email or self.phone or str(_("Anonym"))

    @property
    def personnummer_masked(self) -> str:
        return mask_personnummer(self.personnummer) if self.personnummer else ""
