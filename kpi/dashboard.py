"""Everything the manager dashboard shows for one period, department and the period before.

The page sums the day rollups (`kpi.rollups`, refreshed first), which hold exactly what the
measure functions compute live (tests/kpi/test_rollups.py), so the page, the report and the API
agree. Response times and decision days are percentiles over single cases, not sums: their
section is computed live and loaded into the page after it (`times`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kpi import measures
from kpi.measures import flows
from kpi.measures.decisions import decision_days
from kpi.measures.response_times import response_times
from kpi.rollups import dashboard_figures, kkik_totals, rollups_refresh

LIGHT_LABELS = {"good": _("Bra"), "ok": _("OK"), "low": _("Under medel")}


KkikTotals = tuple[
    measures.EmailMeasure, measures.PhoneMeasure, measures.SurveyMeasure, measures.DirectAnswerRate
]


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before."""
    length = date_to - date_from
    end = date_from - dt.timedelta(days=1)
    return end - length, end


def light(key: str, value: Decimal | None) -> str:
    """Traffic light against settings.KPI_THRESHOLDS: good, ok or low ("" without a value)."""
    if value is None:
        return ""
    good, ok = settings.KPI_THRESHOLDS[key]
    return "good" if value >= good else "ok" if value >= ok else "low"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Decimal | None
    previous: Decimal | None
    basis: str  # what the share is of ("av 412 mejl")
    drill: str  # URL of the cases behind the figure
    unit: str = "%"
    published: bool = True

    @property
    def light(self) -> str:
        return light(self.key, self.value) if self.published else ""

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS.get(self.light, ""))

    @property
    def delta(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


def drill_url(filters: measures.MeasureFilters, measure: str, **extra: str) -> str:
    query = {
        "measure": measure,
        "date_from": filters.date_from.isoformat(),
        "date_to": filters.date_to.isoformat(),
        **({"department": filters.department} if filters.department else {}),
        **extra,
    }
    return f"{reverse('kpi:cases')}?{urlencode(query)}"


def kkik_figures(
    filters: measures.MeasureFilters, current: KkikTotals, previous: KkikTotals
) -> list[Figure]:
    email, phone, courtesy, direct = current
    email_before, phone_before, courtesy_before, direct_before = previous
    return [
        Figure(
            "email_within_1",
            str(_("E-post besvarad inom 1 arbetsdag")),
            email.within_1_working_day,
            email_before.within_1_working_day,
            str(_("av %(n)s mejl")) % {"n": email.received},
            drill_url(filters, "email"),
        ),
        Figure(
            "phone_answered_60s",
            str(_("Samtal besvarade inom 60 sekunder")),
            phone.answered_within_60s,
            phone_before.answered_within_60s,
            str(_("av %(n)s samtal")) % {"n": phone.offered},
            drill_url(filters, "phone"),
        ),
        Figure(
            "phone_direct",
            str(_("Direkt svar i telefon")),
            phone.direct_answer,
            phone_before.direct_answer,
            str(_("av %(n)s samtal")) % {"n": phone.offered},
            drill_url(filters, "phone", part="direct"),
        ),
        Figure(
            "courtesy_index",
            str(_("Bemötande (index 0–100)")),
            courtesy.index,
            courtesy_before.index,
            str(_("%(n)s svar")) % {"n": courtesy.rated}
            + ("" if courtesy.published else str(_(" – för få svar för att publicera"))),
            drill_url(filters, "courtesy"),
            unit="",
            published=courtesy.published,
        ),
        Figure(
            "direct_answer_rate",
            str(_("Lösta direkt (mål %(target)s %%)"))
            % {"target": settings.KPI_DIRECT_ANSWER_TARGET},
            direct.rate,
            direct_before.rate,
            str(_("av %(n)s lösta ärenden")) % {"n": direct.resolved},
            drill_url(filters, "direct"),
        ),
    ]


WEEKDAYS = (_("Mån"), _("Tis"), _("Ons"), _("Tor"), _("Fre"), _("Lör"), _("Sön"))


def heat_rows(hour_of_week: flows.HourOfWeek) -> list[dict[str, Any]]:
    """The hour-of-week table: each cell's count, its shade (0–5, relative to the busiest hour)
    and whether the contact centre is open then."""
    busiest = max((n for day in hour_of_week.counts for n in day), default=0) or 1
    return [
        {
            "label": str(WEEKDAYS[weekday]),
            "cells": [
                {
                    "hour": hour,
                    "count": count,
                    "level": 0 if not count else 1 + min(4, count * 5 // (busiest + 1)),
                    "open": flows.is_open(weekday + 1, hour),
                }
                for hour, count in enumerate(day)
            ],
        }
        for weekday, day in enumerate(hour_of_week.counts)
    ]


def chart_data(context: dict[str, Any]) -> dict[str, Any]:
    """What the charts draw (the tables beside them show the same numbers)."""
    return {
        "target": context["target"],
        "trend": {
            "labels": [point.start.isoformat() for point in context["trend"]],
            "cases": [point.cases for point in context["trend"]],
            "direct": [
                float(point.direct_rate) if point.direct_rate is not None else None
                for point in context["trend"]
            ],
        },
        "channels": {
            "labels": [row.label for row in context["channels"]],
            "contacts": [row.contacts for row in context["channels"]],
        },
        "labels": {
            "cases": str(_("Ärenden")),
            "direct": str(_("Lösta direkt (%)")),
            "target": str(_("Mål (%)")),
            "contacts": str(_("Kontakter")),
        },
    }


def dashboard(filters: measures.MeasureFilters) -> dict[str, Any]:
    rollups_refresh()
    before_from, before_to = previous_period(filters.date_from, filters.date_to)
    before = replace(filters, date_from=before_from, date_to=before_to)
    span = (filters.date_to - filters.date_from).days
    trend_unit = "week" if span <= 92 else "month"
    now = dashboard_figures(filters, trend_unit)
    current = (now.email, now.phone, now.courtesy, now.direct)
    contacts_by_department = {row.key: row for row in now.flows["department"]}
    departments = sorted(set(now.by_department) | set(contacts_by_department))
    context: dict[str, Any] = {
        "figures": kkik_figures(filters, current, kkik_totals(before)),
        "previous": (before_from, before_to),
        "target": settings.KPI_DIRECT_ANSWER_TARGET,
        "trend": now.trend,
        "trend_unit": trend_unit,
        "hour_of_week": now.hour_of_week,
        "channels": now.flows["channel"],
        "subject_areas": now.flows["subject_area"],
        "rosa_levels": now.flows["rosa_level"],
        "departments": [
            _department_row(code, contacts_by_department.get(code), now.by_department.get(code))
            for code in departments
        ],
        "repeat": now.repeat,
        "before_answer": now.before_answer,
        "times_query": urlencode(
            {
                "date_from": filters.date_from.isoformat(),
                "date_to": filters.date_to.isoformat(),
                **({"department": filters.department} if filters.department else {}),
            }
        ),
    }
    context["heat_rows"] = heat_rows(context["hour_of_week"])
    context["heat_hours"] = list(range(24))
    context["chart_data"] = chart_data(context)
    return context


def _department_row(
    code: str, flow: flows.FlowRow | None, rate: measures.DirectAnswerRate | None
) -> dict[str, Any]:
    return {
        "code": code,
        "name": flow.label if flow else code,
        "contacts": flow.contacts if flow else 0,
        "rate": rate.rate if rate else None,
        "resolved": rate.resolved if rate else 0,
        "light": light("direct_answer_rate", rate.rate if rate else None),
    }


def times(filters: measures.MeasureFilters) -> dict[str, Any]:
    """The dashboard's live section: response times per channel and days to decision."""
    return {
        "response_times": response_times(filters),
        "decisions": decision_days(filters),
        "filters": filters,
    }
