"""The service survey (SKR's servicemätning): the citizen's 1–5 grades for one contact."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Contact


class SurveyQuestion(models.TextChoices):
    COURTESY = "courtesy", _("Hur nöjd är du med bemötandet?")
    EASE = "ease", _("Hur lätt var det att få hjälp?")
    CLARITY = "clarity", _("Fick du ett tydligt svar?")


class SurveyAnswer(models.Model):
    """One grade for one question about one contact; a contact is rated at most once per
    question. The KKiK index converts a grade g to (g − 1) × 25."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="survey_answers", verbose_name=_("kontakt")
    )
    question = models.CharField(_("fråga"), max_length=10, choices=SurveyQuestion.choices)
    grade = models.PositiveSmallIntegerField(_("betyg (1–5)"))
    answered_at = models.DateTimeField(_("besvarad"), default=timezone.now)

    class Meta:
        verbose_name = _("svar i servicemätningen")
        verbose_name_plural = _("svar i servicemätningen")
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "question"], name="one_survey_answer_per_contact_and_question"
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=5),
                name="survey_grade_1_to_5",
                violation_error_code="grade-invalid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.question} {self.grade}"
