"""Per-case facts for the KKiK measures and flow statistics (ADR 0007).

One narrow row per case with what the measures need from the case and its contacts, so a
year's report reads one row per case instead of searching every case's contacts. The row is
derived from the log only — never edited by hand, never the source of truth:
`cases.services.facts` recomputes it in the same transaction as every service that changes a
case or its contacts, builds it set-based after bulk loads (import, demo), and
`manage.py rebuild_case_facts` rebuilds all of it. Working-day figures are not stored: they
depend on the calendar (closure days can be added afterwards), so the measures join the calendar
table on the local dates kept here.
"""

from django.db import models
from django.db.models import Q

from cases.models.case import Case
from cases.models.organisation import Department, Service, SubjectArea
from kundtjanst.models import CalendarDay


class CaseFacts(models.Model):
    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="facts"
    )
    # Copied from the case row.
    channel = models.CharField(max_length=10)  # of the first contact
    # Copies of the case's keys: the case row's own constraints guard them, so no second
    # foreign-key check per row here (a rebuild writes a million rows).
    department = models.ForeignKey(
        Department,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    service = models.ForeignKey(
        Service,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    subject_area = models.ForeignKey(
        SubjectArea,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    rosa_level = models.PositiveSmallIntegerField(null=True)
    resolved_directly = models.BooleanField(null=True)
    resolved_at = models.DateTimeField(null=True)
    # The first contact (= Case.created_at) and its Europe/Stockholm date and clock time.
    opened_at = models.DateTimeField()
    opened_on = models.DateField()
    opened_time = models.TimeField()
    # The first response to the citizen on any channel (Case.first_response_at) and how long
    # the citizen waited for it.
    first_response_at = models.DateTimeField(null=True)
    response_time = models.DurationField(null=True)
    # The reply in the KKiK e-mail sense: the earliest outbound contact at or after the first
    # contact, with its local date and clock time.
    first_reply_at = models.DateTimeField(null=True)
    replied_on = models.DateField(null=True)
    replied_time = models.TimeField(null=True)
    # The calendar rows of those local dates: joins for the working-day arithmetic (no columns).
    opened_day = models.ForeignObject(
        CalendarDay,
        on_delete=models.DO_NOTHING,
        from_fields=["opened_on"],
        to_fields=["date"],
        related_name="+",
        null=True,
    )
    replied_day = models.ForeignObject(
        CalendarDay,
        on_delete=models.DO_NOTHING,
        from_fields=["replied_on"],
        to_fields=["date"],
        related_name="+",
        null=True,
    )
    # The first inbound contact (ordered by time, then id): when, on which channel, and for a
    # call how long the caller waited for a person (None: abandoned, or not a call).
    first_inbound_at = models.DateTimeField(null=True)
    first_inbound_channel = models.CharField(max_length=10, blank=True)
    first_inbound_wait = models.DurationField(null=True)
    # Inbound contacts in all, and up to the resolution (0 while unresolved).
    inbound_contacts = models.PositiveIntegerField(default=0)
    inbound_before_resolution = models.PositiveIntegerField(default=0)
    # When this row was last written (not a fact of the log): readers that keep their own
    # summaries of the facts (the dashboard's day rollups) find what changed since by it.
    refreshed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "case facts"
        verbose_name_plural = "case facts"
        indexes = [
            models.Index(fields=["opened_at"], name="casefacts_opened_idx"),
            models.Index(fields=["department", "opened_at"], name="casefacts_dept_opened_idx"),
            models.Index(
                fields=["first_inbound_at"],
                name="casefacts_first_call_idx",
                condition=Q(first_inbound_channel="phone"),
            ),
        ]

    def __str__(self) -> str:
        return f"facts of case {self.case_id}"
