"""Writes of the citizen's web pages. The case, its contacts and the survey grades are written by
`cases.services` (as the channel account); this module adds what belongs to the web channel:
the rate limit, status links, survey invitations and comments, and the receipt e-mail."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator

from cases import permissions
from cases import services as case_services
from cases.models import (
    Case,
    Channel,
    Contact,
    Direction,
    SubjectArea,
    SurveyAnswer,
    SurveyQuestion,
)
from channels_app.mail.outbound import acknowledgement_send
from channels_app.models import (
    StatusLink,
    SurveyComment,
    SurveyInvitation,
    WebAttemptKind,
    WebAttemptOutcome,
    WebFormAttempt,
)
from channels_app.models.web import token_hash
from channels_app.system import channel_user
from channels_app.web import selectors
from kundtjanst import roles
from kundtjanst.errors import DomainError, NotAllowedError

__all__ = [
    "AGENT_RECORDED_CHANNELS",
    "ANSWER_BY_EMAIL",
    "ANSWER_BY_PHONE",
    "WRITTEN_CHANNELS",
    "IssuedStatusLink",
    "Submission",
    "ip_hash",
    "status_link_create",
    "survey_answer_by_agent",
    "survey_answer_by_citizen",
    "survey_invitation_create",
    "survey_invitations_ensure",
    "survey_questions",
    "web_attempt_refuse",
    "web_follow_up_add",
    "web_question_submit",
]

logger = logging.getLogger(__name__)

ANSWER_BY_EMAIL = "email"
ANSWER_BY_PHONE = "phone"

# The agent records grades only for contacts the citizen cannot rate through a link.
AGENT_RECORDED_CHANNELS = frozenset({Channel.PHONE, Channel.VISIT})
# Channels where the citizen got the answer in writing: the survey asks about its clarity too.
WRITTEN_CHANNELS = frozenset(
    {Channel.EMAIL, Channel.WEB, Channel.LETTER, Channel.SOCIAL, Channel.CHAT}
)


def survey_questions(contact: Contact) -> list[str]:
    """The survey's questions about this contact (DOMAIN.md "Service survey")."""
    questions = [SurveyQuestion.COURTESY, SurveyQuestion.EASE]
    if contact.channel in WRITTEN_CHANNELS:
        questions.append(SurveyQuestion.CLARITY)
    return [str(q) for q in questions]


def ip_hash(ip: str) -> str:
    """A keyed hash of the sender's address: enough to count their submissions, useless for
    finding out who they are without the site's secret key."""
    return salted_hmac("channels_app.web.client-ip", ip, algorithm="sha256").hexdigest()


def _rate_limit_check(*, sender: str, kind: str) -> None:
    if selectors.web_attempts_recent(sender=sender, kind=kind) >= settings.WEB_FORM_RATE_LIMIT:
        raise DomainError(
            "web-rate-limited",
            "Du har skickat många meddelanden på kort tid. Det du skrev finns kvar: vänta en "
            f"stund och skicka igen, eller ring kundtjänst på {settings.CONTACT_CENTRE_PHONE}.",
        )


def _attempt_record(*, sender: str, kind: str, outcome: str) -> None:
    now = timezone.now()
    # Nothing older than the window is needed: the table never keeps a history of senders.
    WebFormAttempt.objects.filter(at__lt=now - selectors.rate_window()).delete()
    WebFormAttempt.objects.create(ip_hash=sender, kind=kind, outcome=outcome, at=now)


@transaction.atomic
def web_attempt_refuse(*, sender: str, kind: str, outcome: str) -> None:
    """A submission the spam checks refused still counts against the sender's rate limit."""
    if outcome == WebAttemptOutcome.ACCEPTED:
        raise ValueError("a refused attempt needs the reason it was refused")
    # A robot hammering the form adds no rows once it is over the limit.
    if selectors.web_attempts_recent(sender=sender, kind=kind) < settings.WEB_FORM_RATE_LIMIT:
        _attempt_record(sender=sender, kind=kind, outcome=outcome)


@dataclass(frozen=True)
class IssuedStatusLink:
    """A status link just made: the token exists only here, in the receipt and in the e-mail."""

    link: StatusLink
    token: str

    @property
    def path(self) -> str:
        return reverse("web:status", args=[self.token])

    @property
    def url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.path


def status_link_create(*, case: Case) -> IssuedStatusLink:
    """A new private link to the case's status page; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    link = StatusLink.objects.create(case=case, token_hash=token_hash(token))
    return IssuedStatusLink(link=link, token=token)


@dataclass(frozen=True)
class Submission:
    case: Case
    status: IssuedStatusLink


def _summary(question: str) -> str:
    return Truncator(" ".join(question.split())).chars(100)


@transaction.atomic
def web_question_submit(
    *,
    sender: str,
    question: str,
    answer_by: str,
    subject_area: SubjectArea | None = None,
    email: str = "",
    phone: str = "",
    name: str = "",
) -> Submission:
    """A citizen's question from the contact form becomes a case (channel web) with the question
    as its first contact, a private status link and, for answers by e-mail, a receipt e-mail
    sent after commit. Refused when the sender is over the rate limit: nothing is written."""
    _rate_limit_check(sender=sender, kind=WebAttemptKind.QUESTION)
    if answer_by not in (ANSWER_BY_EMAIL, ANSWER_BY_PHONE):
        raise DomainError("answer-by-unknown", "Välj hur du vill få svar.", field="answer_by")
    question = question.strip()
    if not question:
        raise DomainError("question-required", "Skriv din fråga.", field="question")
    # Only the contact detail the answer needs is kept (personal data only where needed).
    email = email.strip() if answer_by == ANSWER_BY_EMAIL else ""
    phone = phone.strip() if answer_by == ANSWER_BY_PHONE else ""
    if answer_by == ANSWER_BY_EMAIL and not email:
        raise DomainError("email-required", "Skriv din e-postadress.", field="email")
    if answer_by == ANSWER_BY_PHONE and not phone:
        raise DomainError("phone-required", "Skriv ditt telefonnummer.", field="phone")
    by = channel_user()
    citizen = case_services.citizen_create(name=name, email=email, phone=phone, by=by)
    case = case_services.case_create(
        channel=Channel.WEB,
        summary=_summary(question),
        text=question,
        subject_area=subject_area,
        citizen=citizen,
        notes=(
            "Vill ha svar via e-post." if answer_by == ANSWER_BY_EMAIL else "Vill bli uppringd."
        ),
        by=by,
    )
    status = status_link_create(case=case)
    _attempt_record(sender=sender, kind=WebAttemptKind.QUESTION, outcome=WebAttemptOutcome.ACCEPTED)
    if email:
        transaction.on_commit(
            lambda: _send_receipt_safely(case=case, to=email, status_url=status.url)
        )
    return Submission(case=case, status=status)


def _send_receipt_safely(*, case: Case, to: str, status_url: str) -> None:
    # After commit: the question is safe whatever happens to the mail; a failure is logged and
    # the citizen still has the receipt page with the same link.
    try:
        _send_receipt(case=case, to=to, status_url=status_url)
    except Exception:
        logger.exception("Receipt e-mail for %s could not be sent", case.reference)


def _send_receipt(*, case: Case, to: str, status_url: str) -> None:
    """The e-mail channel's acknowledgement (case number, expected answer time, the status
    link): recorded on the case, never counted as the reply."""
    acknowledgement_send(case=case, to=to, status_url=status_url)


@transaction.atomic
def web_follow_up_add(*, case: Case, text: str, sender: str) -> Contact:
    """The citizen writes again from the status page: an inbound web contact on the case (which
    re-opens a case waiting for the citizen)."""
    _rate_limit_check(sender=sender, kind=WebAttemptKind.FOLLOW_UP)
    text = text.strip()
    if not text:
        raise DomainError("text-required", "Skriv ditt meddelande.", field="text")
    contact = case_services.contact_add(
        case=case, channel=Channel.WEB, direction=Direction.IN, text=text, by=channel_user()
    )
    _attempt_record(
        sender=sender, kind=WebAttemptKind.FOLLOW_UP, outcome=WebAttemptOutcome.ACCEPTED
    )
    return contact


def _new_invitation(contact: Contact, now: dt.datetime) -> SurveyInvitation:
    return SurveyInvitation(
        contact=contact,
        nonce=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.SURVEY_LINK_DAYS),
    )


@transaction.atomic
def survey_invitation_create(contact: Contact) -> SurveyInvitation:
    """The contact's one-time survey link (`invitation.get_absolute_url()`), valid for
    SURVEY_LINK_DAYS; the same invitation when the contact already has one."""
    SurveyInvitation.objects.bulk_create(
        [_new_invitation(contact, timezone.now())], ignore_conflicts=True
    )
    return SurveyInvitation.objects.select_related("contact").get(contact=contact)


@transaction.atomic
def survey_invitations_ensure(*, case: Case) -> None:
    """Invitations for the replies to the citizen that lack one, made when the status page is
    shown; replies older than the link's lifetime or already rated get none."""
    now = timezone.now()
    missing = (
        case.contacts.filter(
            direction=Direction.OUT,
            occurred_at__gt=now - dt.timedelta(days=settings.SURVEY_LINK_DAYS),
            survey_invitation__isnull=True,
        )
        .exclude(Exists(SurveyAnswer.objects.filter(contact=OuterRef("pk"))))
        .only("pk")
    )
    invitations = [_new_invitation(contact, now) for contact in missing]
    if invitations:
        # Two tabs opening the page at once: the second insert is ignored, not an error.
        SurveyInvitation.objects.bulk_create(invitations, ignore_conflicts=True)


def _survey_record(
    *, contact: Contact, grades: dict[str, int], comment: str, by: User | None
) -> None:
    if set(grades) != set(survey_questions(contact)):
        raise DomainError(
            "survey-questions-mismatch",
            "Svara på frågorna om bemötande och enkelhet, och om tydlighet för skriftliga svar.",
        )
    if SurveyAnswer.objects.filter(contact=contact).exists():
        raise DomainError(
            "survey-already-answered", "Enkäten är redan besvarad för den här kontakten."
        )
    now = timezone.now()
    for question, grade in grades.items():
        case_services.survey_answer_record(
            contact=contact, question=question, grade=grade, answered_at=now
        )
    if comment.strip():
        SurveyComment.objects.create(
            contact=contact, text=comment.strip(), recorded_by=by, created_at=now
        )


@transaction.atomic
def survey_answer_by_citizen(
    *, invitation: SurveyInvitation, grades: dict[str, int], comment: str = ""
) -> SurveyInvitation:
    """The citizen's answers through their link: once, and only before it expires."""
    invitation = (
        SurveyInvitation.objects.select_for_update().select_related("contact").get(pk=invitation.pk)
    )
    if invitation.used_at is not None:
        raise DomainError("survey-link-used", "Enkäten är redan besvarad.")
    if invitation.is_expired():
        raise DomainError("survey-link-expired", "Länken till enkäten har gått ut.")
    _survey_record(contact=invitation.contact, grades=grades, comment=comment, by=None)
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return invitation


@transaction.atomic
def survey_answer_by_agent(
    *, contact: Contact, by: User, grades: dict[str, int], comment: str = ""
) -> None:
    """The grades a caller or visitor gives at the end of the contact, recorded by the agent.
    Closes the contact's survey link too, if it has one."""
    if not roles.is_contact_centre(by):
        raise NotAllowedError("not-allowed", "Bara kundtjänst registrerar svar i servicemätningen.")
    permissions.require_can_work_on(by, contact.case)
    if contact.channel not in AGENT_RECORDED_CHANNELS or contact.is_abandoned_call:
        raise DomainError(
            "survey-not-spoken-contact",
            "Här registreras betyg för samtal och besök. Skriftliga svar betygsätter "
            "medborgaren själv via länken.",
        )
    _survey_record(contact=contact, grades=grades, comment=comment, by=by)
    SurveyInvitation.objects.filter(contact=contact, used_at__isnull=True).update(
        used_at=timezone.now()
    )
