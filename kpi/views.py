"""Managers' and team leads' views of the figures. Each view parses the period, calls one
measure function, renders."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kpi.forms import PeriodForm
from kpi.return_flow import return_flow
from kundtjanst import roles
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
