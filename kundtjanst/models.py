"""What every app shares: the municipality's working-day calendar (DOMAIN.md "Working day")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClosureDay(models.Model):
    """A weekday the municipality is closed besides Swedish holidays (e.g. a klämdag)."""

    date = models.DateField(_("datum"), unique=True)
    reason = models.CharField(_("anledning"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("stängd dag")
        verbose_name_plural = _("stängda dagar")

    def __str__(self) -> str:
        return f"{self.date} {self.reason}".strip()


class CalendarDay(models.Model):
    """One row per date with a running working-day index, so aggregate queries can count
    working days by joining instead of looping in Python. A non-working day carries the index
    of the working day before it."""

    date = models.DateField(primary_key=True)
    is_working_day = models.BooleanField()
    working_day_index = models.IntegerField()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["working_day_index"],
                condition=Q(is_working_day=True),
                name="calendar_working_day_index_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.working_day_index}{'' if self.is_working_day else ' (ledig)'}"
