"""The public web form's own records: submission attempts (for the per-IP rate limit), the
citizen's private status links, service-survey invitations and the survey's free-text comments.

Secrets are never stored as they are sent: a status link keeps only the SHA-256 of its token; a
survey invitation keeps a random nonce, and the link carries the nonce signed with the site's
secret key, so the status page can show the link again while a copy of the database alone does
not open any survey.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Contact


class WebAttemptKind(models.TextChoices):
    QUESTION = "question", _("Fråga via kontaktformuläret")
    FOLLOW_UP = "follow_up", _("Meddelande via ärendesidan")


class WebAttemptOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Mottagen")
    HONEYPOT = "honeypot", _("Stoppad: dolt fält ifyllt")
    TOO_FAST = "too_fast", _("Stoppad: för snabbt ifyllt")


class WebFormAttempt(models.Model):
    """One submission counted against the sender's rate limit. The address is kept only as a
    keyed hash, and rows older than the rate-limit window are deleted as new ones arrive."""

    ip_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=WebAttemptKind.choices)
    outcome = models.CharField(max_length=12, choices=WebAttemptOutcome.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("inskick via webben")
        verbose_name_plural = _("inskick via webben")
        indexes = [
            models.Index(fields=["ip_hash", "kind", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome} {self.at:%Y-%m-%d %H:%M}"


def token_hash(token: str) -> str:
    """What a status link stores of its token. The token carries 256 random bits, so a fast hash
    is enough; lookups by the hash take the same time whatever the token is."""
    return hashlib.sha256(token.encode()).hexdigest()


class StatusLink(models.Model):
    """The citizen's private link to their case's status page (no login)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="status_links", verbose_name=_("ärende")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("länk till ärendesida")
        verbose_name_plural = _("länkar till ärendesidor")

    def __str__(self) -> str:
        return f"{self.case_id} {self.token_hash[:8]}"


_SURVEY_SALT = "channels_app.web.survey-invitation"


def _survey_signer() -> signing.Signer:
    # "." never occurs in a URL-safe nonce or signature, so the token splits unambiguously.
    return signing.Signer(salt=_SURVEY_SALT, sep=".")


def survey_nonce(token: str) -> str:
    """The invitation's nonce from a link's token; raises signing.BadSignature when forged.
    Tokens signed with a key in SECRET_KEY_FALLBACKS still open their survey."""
    return _survey_signer().unsign(token)


class SurveyInvitation(models.Model):
    """The citizen's one-time link to the service survey about one contact."""

    contact = models.OneToOneField(
        Contact,
        on_delete=models.CASCADE,
        related_name="survey_invitation",
        verbose_name=_("kontakt"),
    )
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("giltig till"))
    used_at = models.DateTimeField(_("besvarad"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbjudan till servicemätning")
        verbose_name_plural = _("inbjudningar till servicemätning")

    def __str__(self) -> str:
        return f"{self.contact_id} {self.expires_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        """The link's path, e.g. for the reply e-mail (prefix `settings.SITE_URL`)."""
        return reverse("web:survey", args=[self.token])

    @property
    def token(self) -> str:
        return _survey_signer().sign(self.nonce)

    def get_full_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_absolute_url()

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class SurveyComment(models.Model):
    """The survey's optional free-text comment about one contact (the grades themselves are
    `cases.SurveyAnswer`, which the KKiK indexes read)."""

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, related_name="survey_comment", verbose_name=_("kontakt")
    )
    text = models.TextField(_("kommentar"))
    # The agent who wrote down what the citizen said on the phone or at the desk; empty when the
    # citizen answered through the link.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kommentar i servicemätningen")
        verbose_name_plural = _("kommentarer i servicemätningen")

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.text[:40]}"
