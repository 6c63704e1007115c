"""The KKiK report contract (`manage.py kkik_report`, `/api/v1/kpi/kkik`): stable names, shares in
percent and the courtesy index on 0–100, one decimal (half away from zero), `null` where the
denominator is empty. Dates are inclusive Europe/Stockholm local dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cases.models import SurveyQuestion
from kpi.measures import (
    MeasureFilters,
    direct_answer_rate,
    direct_answer_rate_by,
    email_measure,
    phone_measure,
    survey_measure,
)

REPORT_FORMAT_VERSION = 1


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def kkik_report(*, date_from: dt.date, date_to: dt.date, department: str = "") -> dict[str, Any]:
    filters = MeasureFilters(date_from=date_from, date_to=date_to, department=department)
    email = email_measure(filters)
    phone = phone_measure(filters)
    courtesy = survey_measure(filters, SurveyQuestion.COURTESY)
    direct = direct_answer_rate(filters)
    by_department = direct_answer_rate_by(filters, "department")
    return {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "email": {
            "received": email.received,
            "within_1_working_day": _number(email.within_1_working_day),
            "within_2_working_days": _number(email.within_2_working_days),
            "buckets": email.buckets,
        },
        "phone": {
            "offered": phone.offered,
            "answered_within_60s": _number(phone.answered_within_60s),
            "direct_answer": _number(phone.direct_answer),
        },
        "courtesy": {
            "rated": courtesy.rated,
            "index": _number(courtesy.index),
            "published": courtesy.published,
        },
        "direct_answer_rate": {
            "resolved": direct.resolved,
            "rate": _number(direct.rate),
            "by_department": {code: _number(rate.rate) for code, rate in by_department.items()},
        },
    }
