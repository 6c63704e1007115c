"""Day rollups of the figures the manager dashboard shows (ADR 0008).

Sums per local day (and department, and what the dashboard groups by) of the per-case facts and
the contacts, so a year's dashboard adds up a few hundred thousand small rows instead of
scanning a million cases and one and a half million contacts. Derived data only: written by
`kpi.rollups.rollups_refresh`, which recomputes exactly the days whose facts changed since its
last run (`CaseFacts.refreshed_at`), before every read.
"""

from django.db import models


class RollupState(models.Model):
    """One row: when the last refresh started, and the calendar it counted working days on."""

    refreshed_from = models.DateTimeField(null=True)
    calendar = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"rollups from {self.refreshed_from}"


class _DayRow(models.Model):
    day = models.DateField()  # Europe/Stockholm
    department_id = models.BigIntegerField(null=True)

    class Meta:
        abstract = True


class DayCases(_DayRow):
    """Cases by the local day of their first contact and the first contact's channel."""

    channel = models.CharField(max_length=10)
    cases = models.PositiveIntegerField()
    resolved = models.PositiveIntegerField()
    direct = models.PositiveIntegerField()
    repeated = models.PositiveIntegerField()  # more than one inbound contact
    resolved_at_known = models.PositiveIntegerField()  # resolved, with a resolution time
    inbound_before_resolution = models.PositiveIntegerField()  # over those

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class DayEmail(_DayRow):
    """E-mail cases by the day of receipt and working days to the reply (None: unanswered)."""

    elapsed = models.IntegerField(null=True)
    cases = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class DayCalls(_DayRow):
    """Inbound calls offered and answered within 60 s (by the call's day), and direct answers
    (by the day of the case's first inbound call)."""

    offered = models.PositiveIntegerField()
    in_time = models.PositiveIntegerField()
    direct = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class DaySurvey(_DayRow):
    """Courtesy answers by the day of the rated contact."""

    rated = models.PositiveIntegerField()
    grade_sum = models.PositiveIntegerField()
    good = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class DayHours(_DayRow):
    """Inbound contacts by local day and hour."""

    hour = models.PositiveSmallIntegerField()
    contacts = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class DayFlows(_DayRow):
    """Inbound contacts by local day, channel, and the case's subject area and ROSA level."""

    channel = models.CharField(max_length=10)
    subject_area_id = models.BigIntegerField(null=True)
    rosa_level = models.PositiveSmallIntegerField(null=True)
    contacts = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "department_id"])]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"
