"""The KKiK measures, one documented function each, computed by database aggregation."""

from kpi.measures.common import MeasureFilters
from kpi.measures.direct_answer import (
    DirectAnswerRate,
    direct_answer_rate,
    direct_answer_rate_by,
)
from kpi.measures.direct_answer import resolved_cases as direct_answer_rate_cases
from kpi.measures.email import EmailMeasure, email_measure
from kpi.measures.phone import PhoneMeasure, phone_measure
from kpi.measures.survey import SurveyMeasure, survey_measure

__all__ = [
    "DirectAnswerRate",
    "EmailMeasure",
    "MeasureFilters",
    "PhoneMeasure",
    "SurveyMeasure",
    "direct_answer_rate",
    "direct_answer_rate_by",
    "direct_answer_rate_cases",
    "email_measure",
    "phone_measure",
    "survey_measure",
]
