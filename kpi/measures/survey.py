"""Service survey measures (SKR's servicemätning, KKiK since 2022), DOMAIN.md.

For one question (courtesy, ease or clarity), over the answers about contacts that took place in
the period (local date of the rated contact):
- index = mean over the answers of (grade − 1) × 25, i.e. 25 × (Σ grade − n) / n, on 0–100;
- published when at least 30 answers lie behind it (below: show the count, "för få svar");
- the legacy courtesy scale: share good = grades 4–5, fair = 3, poor = 1–2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cases.models import SurveyAnswer, SurveyQuestion
from kpi.measures.common import MeasureFilters, one_decimal, share

PUBLISH_MIN_ANSWERS = 30


@dataclass(frozen=True)
class SurveyMeasure:
    question: str
    rated: int
    grade_sum: int
    good: int

    @property
    def index(self) -> Decimal | None:
        if not self.rated:
            return None
        return one_decimal(Decimal(25 * (self.grade_sum - self.rated)) / Decimal(self.rated))

    @property
    def published(self) -> bool:
        return self.rated >= PUBLISH_MIN_ANSWERS

    @property
    def share_good(self) -> Decimal | None:
        return share(self.good, self.rated)


def rated_contacts(
    filters: MeasureFilters, question: str = SurveyQuestion.COURTESY
) -> QuerySet[SurveyAnswer]:
    """The answers behind the measure: about contacts in the period."""
    answers = filters.on_cases(
        SurveyAnswer.objects.filter(question=question), prefix="contact__case__"
    )
    if filters.channel:
        answers = answers.filter(contact__channel=filters.channel)
    return answers.filter(filters.period("contact__occurred_at"))


def survey_measure(
    filters: MeasureFilters, question: str = SurveyQuestion.COURTESY
) -> SurveyMeasure:
    row = rated_contacts(filters, question).aggregate(
        rated=Count("pk"), grade_sum=Sum("grade"), good=Count("pk", filter=Q(grade__gte=4))
    )
    return SurveyMeasure(
        question=question,
        rated=row["rated"],
        grade_sum=row["grade_sum"] or 0,
        good=row["good"],
    )
