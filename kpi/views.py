"""Managers' and team leads' views of the figures. Each view parses the period, calls one
measure function, renders."""

import datetime as dt

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Department
from kpi.return_flow import return_flow
from kundtjanst import roles
from kundtjanst.http import AuthenticatedHttpRequest


class PeriodForm(forms.Form):
    date_from = forms.DateField(
        label=_("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Alla"),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatum ligger före startdatum."))
        return data


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
