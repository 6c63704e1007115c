"""The citizen's answers in the service survey (courtesy, ease, clarity on 1–5)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Contact, SurveyAnswer, SurveyQuestion
from cases.services.facts import case_facts_refresh
from kundtjanst.errors import DomainError

__all__ = ["survey_answer_record"]


@transaction.atomic
def survey_answer_record(
    *, contact: Contact, question: str, grade: int, answered_at: dt.datetime | None = None
) -> SurveyAnswer:
    """One grade for one question about one contact; answering the same question twice is
    refused (the measure counts each rated contact once)."""
    if question not in SurveyQuestion.values:
        raise DomainError("question-unknown", f"Okänd fråga: {question!r}.", field="question")
    if not isinstance(grade, int) or not 1 <= grade <= 5:
        raise DomainError("grade-invalid", "Betyget ska vara 1–5.", field="grade")
    try:
        with transaction.atomic():
            answer = SurveyAnswer.objects.create(
                contact=contact,
                question=question,
                grade=grade,
                answered_at=answered_at or timezone.now(),
            )
            # Stamps the case's facts: summaries of the figures see that its day changed.
            case_facts_refresh([contact.case_id])
            return answer
    except IntegrityError as exc:
        raise DomainError(
            "already-answered", "Frågan är redan besvarad för den här kontakten.", field="question"
        ) from exc
