"""Managers' and team leads' views of the figures. Each view parses the period, calls the
measure functions (through `kpi.dashboard`), renders."""

import datetime as dt

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Department
from cases.selectors import cases_visible_to
from kpi import measures
from kpi.dashboard import dashboard, times
from kpi.forms import DashboardForm, MeasureCasesForm, PeriodForm
from kpi.measures.drill import cases_behind
from kpi.permissions import figures_department, may_read_figures
from kpi.return_flow import return_flow
from kundtjanst import roles
from kundtjanst.errors import NotAllowedError
from kundtjanst.http import AuthenticatedHttpRequest


def escalation_return_flow(request: AuthenticatedHttpRequest) -> HttpResponse:
    """How fast departments act on hand-overs and call citizens back, per department and unit."""
    if not roles.has_role(
        request.user, roles.AGENT, roles.DEPARTMENT, roles.TEAM_LEAD, roles.MANAGER
    ):
        return render(request, "cases/not_allowed.html", status=403)
    today = timezone.localdate()
    default_from = today - dt.timedelta(days=90)
    form = PeriodForm(request.GET or {"date_from": default_from, "date_to": today})
    rows = []
    if form.is_valid():
        data = form.cleaned_data
        rows = return_flow(
            request.user,
            date_from=data["date_from"],
            date_to=data["date_to"],
            department=data["department"].code if data["department"] else "",
        )
    return render(request, "kpi/return_flow.html", {"form": form, "rows": rows}, status=200)


def _period(form: PeriodForm) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    data = form.cleaned_data
    return data["date_from"] or today.replace(month=1, day=1), data["date_to"] or today


def manager_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The KKiK figures with traffic lights, the target line, trends and flows for a period."""
    if not may_read_figures(request.user):
        return render(request, "cases/not_allowed.html", status=403)
    today = timezone.localdate()
    this_year = {"date_from": today.replace(month=1, day=1), "date_to": today}
    form = _limited(DashboardForm(request.GET or this_year), request)
    context: dict = {"form": form, "presets": _presets()}
    if form.is_valid():
        date_from, date_to = _period(form)
        requested = form.cleaned_data["department"]
        department = figures_department(request.user, requested.code if requested else "")
        filters = measures.MeasureFilters(
            date_from=date_from, date_to=date_to, department=department
        )
        context.update(dashboard(filters), form=form, filters=filters)
    return render(request, "kpi/dashboard.html", context, status=200 if form.is_valid() else 422)


def dashboard_times(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The dashboard's live section (response times, days to decision): a fragment for htmx,
    a page of its own otherwise."""
    if not may_read_figures(request.user):
        return render(request, "cases/not_allowed.html", status=403)
    form = _limited(DashboardForm(request.GET), request)
    if not form.is_valid():
        return render(request, "kpi/times.html", {"form": form}, status=422)
    date_from, date_to = _period(form)
    requested = form.cleaned_data["department"]
    department = figures_department(request.user, requested.code if requested else "")
    filters = measures.MeasureFilters(date_from=date_from, date_to=date_to, department=department)
    template = "kpi/_times.html" if request.headers.get("HX-Request") else "kpi/times.html"
    part = request.GET.get("part", "")
    return render(request, template, {**times(filters), "form": form, "part": part})


def _limited(form: DashboardForm, request: AuthenticatedHttpRequest) -> DashboardForm:
    """Department staff choose among their own department only."""
    own = figures_department(request.user)
    if own:
        form.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            code=own
        )
    return form


def _presets() -> list[dict]:
    today = timezone.localdate()
    return [
        {"label": _("I år"), "from": today.replace(month=1, day=1), "to": today},
        {"label": _("Senaste 30 dagarna"), "from": today - dt.timedelta(days=29), "to": today},
        {
            "label": _("Förra året"),
            "from": dt.date(today.year - 1, 1, 1),
            "to": dt.date(today.year - 1, 12, 31),
        },
    ]


MEASURE_LABELS = {
    "email": _("E-post"),
    "phone": _("Telefon"),
    "direct": _("Lösta direkt"),
    "courtesy": _("Bemötande"),
}


def measure_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list behind a figure, so a manager can check it."""
    if not may_read_figures(request.user):
        return render(request, "cases/not_allowed.html", status=403)
    form = MeasureCasesForm(request.GET)
    if not form.is_valid():
        return render(request, "kpi/measure_cases.html", {"form": form}, status=400)
    data = form.cleaned_data
    date_from, date_to = _period(form)
    try:
        department = figures_department(
            request.user, data["department"].code if data["department"] else ""
        )
    except NotAllowedError:
        return render(request, "cases/not_allowed.html", status=403)
    filters = measures.MeasureFilters(date_from=date_from, date_to=date_to, department=department)
    cases = (
        cases_visible_to(request.user)
        .filter(pk__in=cases_behind(data["measure"], data["part"], filters).values("pk"))
        .order_by("created_at", "id")
    )
    page = Paginator(cases, per_page=settings.CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "kpi/measure_cases.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "measure_label": MEASURE_LABELS[data["measure"]],
        },
    )
