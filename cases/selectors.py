"""What a user may see. Every list, detail, API, export and websocket path starts here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Case, Contact, Department, Service, SubjectArea
from cases.permissions import user_department_id
from kundtjanst import roles


def cases_visible_to(user: roles.UserLike) -> QuerySet[Case]:
    """The gatekeeper: the contact centre and managers see every case; department staff see
    their department's cases; everyone else sees nothing. "Not found" and "not yours" look alike.
    """
    qs = Case.objects.select_related(
        "department", "service", "subject_area", "assigned_to", "citizen"
    )
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


def _local_day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_list(user: roles.UserLike, filters: CaseFilters) -> QuerySet[Case]:
    qs = cases_visible_to(user).annotate(contact_count=Count("contacts"))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.date_from:
        qs = qs.filter(created_at__gte=_local_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_local_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.mine:
        qs = qs.filter(assigned_to_id=user.pk)
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(reference__iexact=term) | Q(summary__icontains=term))
    return qs.order_by("-created_at", "-id")


def contacts_visible_to(user: roles.UserLike) -> QuerySet[Contact]:
    return Contact.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related(
        "case", "handled_by"
    )


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
