"""Which escalations a user may see: the department inbox, the overdue list, the case's
hand-overs, the reminder digest."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    OPEN_ESCALATION_STATUSES,
    Case,
    CaseStatus,
    Escalation,
    EscalationStatus,
    Unit,
)
from cases.permissions import user_department_id
from cases.selectors.case import (
    HistoryChange,
    HistoryEntry,
    by_department_visibility,
    local_day_start,
)
from kundtjanst import roles

__all__ = [
    "ESCALATION_HISTORY_REASONS",
    "INBOX_STATES",
    "EscalationFilters",
    "escalation_counts",
    "escalation_events",
    "escalation_get",
    "escalation_inbox",
    "escalations_needing_reminder",
    "escalations_visible_to",
    "overdue_q",
    "unit_suggest",
    "units_visible_to",
]


def escalations_visible_to(user: roles.UserLike) -> QuerySet[Escalation]:
    """The contact centre and managers see every hand-over; department staff see their own
    department's; everyone else nothing (the same rule as `cases_visible_to`)."""
    qs = Escalation.objects.select_related(
        "case",
        "case__citizen",
        "case__service",
        "unit",
        "department",
        "owner",
        "created_by",
    ).prefetch_related("attachments__case")
    return by_department_visibility(user, qs)


def escalation_get(user: roles.UserLike, pk: int) -> Escalation:
    """One visible escalation; raises Escalation.DoesNotExist when missing or hidden."""
    return escalations_visible_to(user).get(pk=pk)


def overdue_q(now: dt.datetime) -> Q:
    """Promise broken: the deadline passed, nobody has contacted the citizen, and neither the
    department nor the contact centre has finished the case."""
    return (
        Q(callback_at__isnull=True, callback_due__lt=now)
        & ~Q(status=EscalationStatus.CLOSED)
        & ~Q(case__status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
    )


def _end_of_local_day(now: dt.datetime) -> dt.datetime:
    return local_day_start(timezone.localdate(now) + dt.timedelta(days=1))


# The inbox's tabs: state → (label, condition). "open" is the department's worklist.
INBOX_STATES: dict[str, Any] = {
    "open": (_("Att hantera"), lambda now: Q(status__in=OPEN_ESCALATION_STATUSES)),
    "new": (_("Nya"), lambda now: Q(status=EscalationStatus.NEW)),
    "accepted": (_("Mottagna"), lambda now: Q(status=EscalationStatus.ACCEPTED)),
    "overdue": (_("Försenade"), overdue_q),
    "due_today": (
        _("Ska återkopplas i dag"),
        lambda now: Q(
            status__in=OPEN_ESCALATION_STATUSES,
            callback_at__isnull=True,
            callback_due__gte=now,
            callback_due__lt=_end_of_local_day(now),
        ),
    ),
    "answered": (_("Återkopplade"), lambda now: Q(status=EscalationStatus.ANSWERED)),
    "returned": (_("Återlämnade"), lambda now: Q(status=EscalationStatus.RETURNED)),
    "closed": (_("Avslutade"), lambda now: Q(status=EscalationStatus.CLOSED)),
}


@dataclass(frozen=True)
class EscalationFilters:
    state: str = "open"  # a key of INBOX_STATES, or "" for all
    unit: str = ""  # unit code
    department: str = ""  # department code
    mine: bool = False
    q: str = ""  # case reference or words of the question


def _filtered(user: roles.UserLike, filters: EscalationFilters) -> QuerySet[Escalation]:
    qs = escalations_visible_to(user)
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.mine:
        qs = qs.filter(owner_id=user.pk)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(case__reference__iexact=term) | Q(question__icontains=term))
    return qs


def escalation_inbox(
    user: roles.UserLike, filters: EscalationFilters, now: dt.datetime | None = None
) -> QuerySet[Escalation]:
    """The inbox list, earliest promise first (urgent ones first within the same deadline)."""
    now = now or timezone.now()
    qs = _filtered(user, filters)
    if filters.state in INBOX_STATES:
        qs = qs.filter(INBOX_STATES[filters.state][1](now))
    return qs.order_by("callback_due", "id")


def escalation_counts(
    user: roles.UserLike, filters: EscalationFilters, now: dt.datetime | None = None
) -> dict[str, int]:
    """How many escalations each tab holds, under the same unit/department filters: one query."""
    now = now or timezone.now()
    aggregates = {
        state: Count("pk", filter=condition(now))
        for state, (_label, condition) in INBOX_STATES.items()
    }
    return _filtered(user, filters).aggregate(**aggregates)


def units_visible_to(user: roles.UserLike) -> QuerySet[Unit]:
    """Units a user can filter the inbox by: their department's, or all for everyone else."""
    qs = Unit.objects.filter(active=True).select_related("department")
    if not roles.sees_all_cases(user) and roles.has_role(user, roles.DEPARTMENT):
        department_id = user_department_id(user)
        return qs.filter(department_id=department_id) if department_id else qs.none()
    return qs


def unit_suggest(case: Case, checklist_target: str = "") -> Unit | None:
    """Where the case should go: the unit a used checklist names, else the service's routing,
    else the first unit of the case's department."""
    units = Unit.objects.filter(active=True, department__active=True).select_related("department")
    target = checklist_target.strip().casefold()
    if target:
        # Checklists name the target in words ("Bygglovsenheten, bygglovshandläggare"): the
        # longest unit name or code the text contains wins.
        named = [
            unit
            for unit in units
            if unit.name.casefold() in target or unit.code.casefold() == target
        ]
        if named:
            return max(named, key=lambda unit: len(unit.name))
    service = case.service
    if service is not None and service.escalation_unit_id is not None:
        routed = units.filter(pk=service.escalation_unit_id).first()
        if routed is not None:
            return routed
    department_id = service.department_id if service is not None else case.department_id
    if department_id is None:
        return None
    return units.filter(department_id=department_id).order_by("name").first()


def escalations_needing_reminder(*, now: dt.datetime) -> dict[Unit, list[Escalation]]:
    """Per unit: its open escalations without a callback that are due today or overdue."""
    qs = (
        Escalation.objects.filter(
            status__in=OPEN_ESCALATION_STATUSES,
            callback_at__isnull=True,
            callback_due__lt=_end_of_local_day(now),
            unit__active=True,
        )
        .exclude(case__status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
        .select_related("case", "unit", "owner")
        .order_by("unit_id", "callback_due", "id")
    )
    by_unit: dict[Unit, list[Escalation]] = defaultdict(list)
    for escalation in qs:
        by_unit[escalation.unit].append(escalation)
    return dict(by_unit)


# escalation services store a stable English reason with each change; users read Swedish.
ESCALATION_HISTORY_REASONS = {
    "created": _("överlämnade till %(unit)s"),
    "accepted": _("tog emot överlämningen"),
    "reassigned": _("lämnade över överlämningen"),
    "contacted citizen": _("kontaktade medborgaren"),
    "callback": _("återkopplade till medborgaren"),
    "returned": _("lämnade tillbaka ärendet till kundtjänst med svar"),
    "decided": _("registrerade beslut"),
    "closed": _("avslutade överlämningen"),
    "closed with case": _("överlämningen avslutades med ärendet"),
}

_SHOWN_FIELDS = ("status", "unit", "owner", "callback_at", "decided_on", "application_on")


def escalation_events(case: Case) -> list[HistoryEntry]:
    """The case's hand-overs as timeline entries: who did what, when, with what effect."""
    records: list[Any] = list(
        Escalation.history.filter(case_id=case.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    units = {u.pk: u.name for u in Unit.objects.filter(pk__in={r.unit_id for r in records})}
    owner_ids = {r.owner_id for r in records if r.owner_id}
    owners = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=owner_ids)}
    statuses = dict(EscalationStatus.choices)

    def show(field: str, value: Any) -> str:
        if value in (None, ""):
            return "–"
        if field == "unit":
            return units.get(value, str(value))
        if field == "owner":
            return owners.get(value, str(value))
        if field == "status":
            return str(statuses.get(value, value))
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        return str(value)

    entries = []
    previous: dict[int, Any] = {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        reason = record.history_change_reason or ""
        template = ESCALATION_HISTORY_REASONS.get(reason)
        text = str(template) % {"unit": units.get(record.unit_id, "")} if template else ""
        changes = []
        if before is not None:
            for field in _SHOWN_FIELDS:
                key = f"{field}_id" if field in ("unit", "owner") else field
                old, new = getattr(before, key), getattr(record, key)
                if old != new:
                    label = cast(Any, Escalation._meta.get_field(field)).verbose_name
                    changes.append(HistoryChange(str(label), show(field, old), show(field, new)))
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=record.history_user,
                created=False,
                reason=text,
                changes=changes,
            )
        )
    return entries
