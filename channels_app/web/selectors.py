"""Reads of the citizen's web pages. A token is the citizen's only key: a wrong one finds
nothing, and nothing here says whether a case exists. What the citizen sees of their case is
decided here: its status and the replies sent to them, never notes or hand-over details."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.models import Case, CaseStatus, Contact, Direction, SurveyAnswer
from cases.selectors import contacts_visible_to
from channels_app.models import StatusLink, SurveyInvitation, WebFormAttempt
from channels_app.models.web import survey_nonce, token_hash
from kundtjanst import roles
from kundtjanst.workdays import working_calendar

__all__ = [
    "CITIZEN_STATUS",
    "CaseForCitizen",
    "Reply",
    "answer_expected_by",
    "case_for_citizen",
    "contact_for_agent_survey",
    "rate_window",
    "status_link_find",
    "survey_invitation_find",
    "web_attempts_recent",
]


def rate_window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.WEB_FORM_RATE_WINDOW_MINUTES)


def web_attempts_recent(*, sender: str, kind: str) -> int:
    """The sender's submissions of this kind within the rate-limit window."""
    since = timezone.now() - rate_window()
    return WebFormAttempt.objects.filter(ip_hash=sender, kind=kind, at__gte=since).count()


def answer_expected_by(case: Case) -> dt.datetime:
    """When the citizen can expect the answer: the same promise the acknowledgement e-mail
    makes (MAIL_ANSWER_WORKING_DAYS working days, DOMAIN.md's working-day rule)."""
    return working_calendar().deadline(case.created_at, settings.MAIL_ANSWER_WORKING_DAYS)


def status_link_find(token: str) -> StatusLink | None:
    if not token or len(token) > 100:
        return None
    return StatusLink.objects.select_related("case").filter(token_hash=token_hash(token)).first()


# The status in the citizen's words: a heading and what it means for them. A hand-over says
# only that the question is with the right part of the municipality.
CITIZEN_STATUS: dict[str, tuple[str, str]] = {
    CaseStatus.OPEN: (
        "Vi arbetar med din fråga",
        "Vi har tagit emot din fråga och återkommer till dig.",
    ),
    CaseStatus.WAITING_FOR_CITIZEN: (
        "Vi väntar på svar från dig",
        "Läs vårt senaste svar nedan och svara oss i formuläret längst ned.",
    ),
    CaseStatus.ESCALATED: (
        "Din fråga handläggs av en förvaltning",
        "Frågan har lämnats till dem i kommunen som kan svara på den. De återkommer till dig.",
    ),
    CaseStatus.RESOLVED: (
        "Din fråga är besvarad",
        "Har du fler frågor om samma sak kan du skriva till oss nedan.",
    ),
    CaseStatus.CLOSED: (
        "Ärendet är avslutat",
        "Har du fler frågor om samma sak kan du skriva till oss nedan.",
    ),
}


@dataclass(frozen=True)
class Reply:
    """One reply to the citizen as the status page shows it."""

    occurred_at: dt.datetime
    channel_label: str
    text: str
    survey_url: str  # empty when there is no open survey link for it
    survey_answered: bool


@dataclass(frozen=True)
class CaseForCitizen:
    reference: str
    status_heading: str
    status_text: str
    created_at: dt.datetime
    replies: list[Reply]


def case_for_citizen(case: Case) -> CaseForCitizen:
    """What the status page shows: only fields meant for the citizen are read at all."""
    now = timezone.now()
    replies = (
        Contact.objects.filter(case=case, direction=Direction.OUT)
        .select_related("survey_invitation")
        .only(
            "pk",
            "occurred_at",
            "channel",
            "text",
            "survey_invitation__nonce",
            "survey_invitation__expires_at",
            "survey_invitation__used_at",
        )
        .annotate(answered=Exists(SurveyAnswer.objects.filter(contact=OuterRef("pk"))))
        .order_by("occurred_at", "id")
    )
    heading, text = CITIZEN_STATUS[case.status]
    return CaseForCitizen(
        reference=case.reference,
        status_heading=heading,
        status_text=text,
        created_at=case.created_at,
        replies=[_reply(contact, now) for contact in replies],
    )


def _reply(contact: Contact, now: dt.datetime) -> Reply:
    invitation = getattr(contact, "survey_invitation", None)
    answered = bool(contact.answered)  # type: ignore[attr-defined]  # annotated above
    survey_url = ""
    if (
        invitation is not None
        and not answered
        and invitation.used_at is None
        and not invitation.is_expired(now)
    ):
        survey_url = invitation.get_absolute_url()
    return Reply(
        occurred_at=contact.occurred_at,
        channel_label=str(contact.get_channel_display()),
        text=contact.text,
        survey_url=survey_url,
        survey_answered=answered,
    )


def survey_invitation_find(token: str) -> SurveyInvitation | None:
    """The invitation a link opens, whether or not it still works; None for a forged link."""
    try:
        nonce = survey_nonce(token)
    except signing.BadSignature:
        return None
    return (
        SurveyInvitation.objects.select_related("contact__case")
        .filter(nonce=nonce)
        .annotate(answered=Exists(SurveyAnswer.objects.filter(contact=OuterRef("contact_id"))))
        .first()
    )


def contact_for_agent_survey(user: roles.UserLike, contact_id: int) -> Contact:
    """A contact the user may see, for recording its survey grades; raises
    Contact.DoesNotExist when it is missing or not theirs to see."""
    return (
        contacts_visible_to(user)
        .annotate(answered=Exists(SurveyAnswer.objects.filter(contact=OuterRef("pk"))))
        .get(pk=contact_id)
    )
