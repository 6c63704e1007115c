"""Which cases and contacts a user may see, and the case's readable history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Contact, Department, Service, SubjectArea
from cases.permissions import user_department_id
from kundtjanst import roles

__all__ = [
    "HISTORY_REASONS",
    "CaseFilters",
    "ContactFilters",
    "HistoryChange",
    "HistoryEntry",
    "by_department_visibility",
    "case_get",
    "case_history",
    "case_list",
    "cases_visible_to",
    "contact_list",
    "contacts_visible_to",
    "departments_active",
    "local_day_start",
    "services_active",
    "subject_areas",
]


def cases_visible_to(user: roles.UserLike) -> QuerySet[Case]:
    """The gatekeeper: the contact centre and managers see every case; department staff see
    their department's cases; everyone else sees nothing. "Not found" and "not yours" look alike.
    """
    qs = Case.objects.select_related(
        "department", "service", "subject_area", "assigned_to", "citizen"
    )
    return by_department_visibility(user, qs)


_Q = TypeVar("_Q", bound=Model)


def by_department_visibility(user: roles.UserLike, qs: QuerySet[_Q]) -> QuerySet[_Q]:
    """The one rule, for any queryset with a `department`: the contact centre and managers see
    all rows, department staff their department's, everyone else nothing."""
    if not user.is_authenticated:
        return qs.none()
    if roles.sees_all_cases(user):
        return qs
    if roles.has_role(user, roles.DEPARTMENT):
        department_id = user_department_id(user)
        if department_id is not None:
            return qs.filter(department_id=department_id)
    return qs.none()


def case_get(user: roles.UserLike, reference: str) -> Case:
    """One visible case with its contacts; raises Case.DoesNotExist when missing or hidden."""
    return (
        cases_visible_to(user)
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.select_related("handled_by"))
        )
        .get(reference=reference)
    )


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    channel: str = ""
    department: str = ""  # department code
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    mine: bool = False
    q: str = ""  # reference or words of the summary


def local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_list(user: roles.UserLike, filters: CaseFilters) -> QuerySet[Case]:
    qs = cases_visible_to(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.date_from:
        qs = qs.filter(created_at__gte=local_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=local_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.mine:
        qs = qs.filter(assigned_to_id=user.pk)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(reference__iexact=term) | Q(summary__icontains=term))
    return qs.order_by("-created_at", "-id")


def contacts_visible_to(user: roles.UserLike) -> QuerySet[Contact]:
    """Contacts of the cases `cases_visible_to(user)` returns."""
    contacts = Contact.objects.select_related("case", "handled_by")
    if user.is_authenticated and roles.sees_all_cases(user):
        return contacts  # no subquery over years of cases for those who see them all
    return contacts.filter(case__in=cases_visible_to(user).values("pk"))


def departments_active() -> QuerySet[Department]:
    return Department.objects.filter(active=True).order_by("name")


def services_active() -> QuerySet[Service]:
    return (
        Service.objects.filter(active=True, department__active=True)
        .select_related("department", "subject_area")
        .order_by("name")
    )


def subject_areas() -> QuerySet[SubjectArea]:
    return SubjectArea.objects.order_by("name")


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: object
    created: bool
    reason: str
    changes: list[HistoryChange]


_HIDDEN_HISTORY_FIELDS = {"version", "ever_escalated", "reopened_count"}

# cases.services stores a stable English reason with each change; the agent reads Swedish.
HISTORY_REASONS = {
    "contact added": _("registrerade en kontakt"),
    "updated": _("ändrade ärendet"),
    "resolved": _("löste ärendet"),
    "waiting for citizen": _("satte ärendet att vänta på medborgaren"),
    "escalated": _("överlämnade ärendet"),
    "returned from department": _("ärendet gick tillbaka till kundtjänst"),
    "closed": _("avslutade ärendet"),
    "reopened": _("öppnade ärendet igen"),
    "imported": _("importerade ärendet från det tidigare systemet"),
}


def _case_field(name: str) -> Any:
    return Case._meta.get_field(name)


def case_history(case: Case, limit: int = 50) -> list[HistoryEntry]:
    """The case's change log in readable form: field names and values as the agent knows them."""
    records: list[Any] = list(
        case.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    raw: list[tuple[Any, list[Any]]] = []
    related_ids: dict[str, set[int]] = {}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        delta = [
            change
            for change in (record.diff_against(previous).changes if previous else [])
            if change.field not in _HIDDEN_HISTORY_FIELDS
        ]
        for change in delta:
            if _case_field(change.field).is_relation:
                related_ids.setdefault(change.field, set()).update(
                    v for v in (change.old, change.new) if v is not None
                )
        raw.append((record, delta))
    names = {
        field_name: {
            obj.pk: str(obj)
            for obj in _case_field(field_name).related_model._default_manager.filter(pk__in=ids)
        }
        for field_name, ids in related_ids.items()
    }

    def show(field_name: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        field = _case_field(field_name)
        if field.is_relation:
            return names.get(field_name, {}).get(value, str(value))
        if field.choices:
            return str(dict(field.choices).get(value, value))
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        if isinstance(value, bool):
            return str(_("ja") if value else _("nej"))
        return str(value)

    return [
        HistoryEntry(
            at=record.history_date,
            user=record.history_user,
            created=record.history_type == "+",
            reason=str(HISTORY_REASONS.get(record.history_change_reason or "", "")),
            changes=[
                HistoryChange(
                    field=str(_case_field(c.field).verbose_name),
                    old=show(c.field, c.old),
                    new=show(c.field, c.new),
                )
                for c in delta
            ],
        )
        for record, delta in raw
    ]


@dataclass(frozen=True)
class ContactFilters:
    channel: str = ""
    direction: str = ""
    date_from: dt.date | None = None  # local date of occurred_at
    date_to: dt.date | None = None


def contact_list(user: roles.UserLike, filters: ContactFilters) -> QuerySet[Contact]:
    """Visible contacts, newest first, for the API's contact log."""
    qs = contacts_visible_to(user)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.direction:
        qs = qs.filter(direction=filters.direction)
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=local_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=local_day_start(filters.date_to + dt.timedelta(days=1)))
    return qs.order_by("-occurred_at", "-id")
