"""The citizen's forms (contact, follow-up, service survey) and the spam checks that need no
third party: a hidden field only robots fill in, and a signed timestamp proving the form was on
screen for a few seconds. Every error message names what to do, so the error summary can list
them as they are."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import SubjectArea, SurveyQuestion
from channels_app.web.services import ANSWER_BY_EMAIL, ANSWER_BY_PHONE

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Stable codes of the non-field errors the view acts on.
HONEYPOT = "honeypot"
TOO_FAST = "too-fast"
FORM_EXPIRED = "form-expired"
SPAM_CODES = (HONEYPOT, TOO_FAST)

_STARTED_SALT = "channels_app.web.form-started"


def started_token(now: float | None = None) -> str:
    """The hidden field's value: when the form was shown, signed so it cannot be forged."""
    shown_at_ms = round((time.time() if now is None else now) * 1000)
    return signing.dumps(shown_at_ms, salt=_STARTED_SALT)


def started_token_again(token: str) -> str:
    """The value for a form shown again: the first showing's, so the time spent correcting
    counts; a fresh one when it was missing, forged or too old."""
    seconds = _seconds_on_screen(token)
    if seconds is None or seconds > settings.WEB_FORM_MAX_AGE_HOURS * 3600:
        return started_token()
    return token


def _seconds_on_screen(token: str) -> float | None:
    """How long ago the form was shown; None when the token is missing or forged."""
    try:
        shown_at_ms = signing.loads(token, salt=_STARTED_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown_at_ms, int):
        return None
    return time.time() - shown_at_ms / 1000


class ErrorSummaryMixin:
    """The entries of the error summary at the top of the page: (anchor id, message) per field
    error, in the order of the fields; the first radio button stands for its group."""

    def error_summary(self) -> list[tuple[str, str]]:
        form: forms.Form = self  # type: ignore[assignment]
        entries: list[tuple[str, str]] = []
        for name in form.fields:
            if name not in form.errors:
                continue
            bound = form[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect):
                anchor = f"{anchor}_0"
            entries.extend((anchor, str(message)) for message in bound.errors)
        return entries


_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")


class ContactForm(ErrorSummaryMixin, forms.Form):
    EMAIL = ANSWER_BY_EMAIL
    PHONE = ANSWER_BY_PHONE

    subject_area = forms.ModelChoiceField(
        label=_("Vad gäller frågan?"),
        queryset=SubjectArea.objects.order_by("name"),
        required=False,
        empty_label=_("Vet inte / annat"),
        error_messages={"invalid_choice": _("Välj ett av områdena i listan.")},
    )
    question = forms.CharField(
        label=_("Din fråga"),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Skriv din fråga.")},
    )
    answer_by = forms.ChoiceField(
        label=_("Hur vill du få svar?"),
        choices=[(EMAIL, _("Via e-post")), (PHONE, _("Via telefon, vi ringer upp"))],
        widget=forms.RadioSelect,
        initial=EMAIL,
        error_messages={
            "required": _("Välj hur du vill få svar."),
            "invalid_choice": _("Välj hur du vill få svar."),
        },
    )
    email = forms.EmailField(
        label=_("E-postadress"),
        required=False,
        max_length=254,
        help_text=_("Fyll i om du vill ha svar via e-post."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Skriv e-postadressen så här: namn@exempel.se."),
            "max_length": _("E-postadressen får vara högst %(limit_value)d tecken."),
        },
    )
    phone = forms.CharField(
        label=_("Telefonnummer"),
        required=False,
        max_length=40,
        help_text=_("Fyll i om du vill bli uppringd."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("Telefonnumret får vara högst %(limit_value)d tecken.")},
    )
    name = forms.CharField(
        label=_("Ditt namn (frivilligt)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": _("Namnet får vara högst %(limit_value)d tecken.")},
    )
    # The honeypot: hidden from people (and from screen readers, which skip the whole block),
    # filled in by robots that fill in every field.
    website = forms.CharField(
        label=_("Lämna det här fältet tomt"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.WEB_FORM_MAX_LENGTH
        self.fields["question"].help_text = _(
            "Skriv inte personnummer eller känsliga uppgifter, till exempel om hälsa. "
            "Högst %(limit)d tecken."
        ) % {"limit": limit}

    def clean_question(self) -> str:
        return _within_limit(
            self.cleaned_data["question"],
            _("Frågan får vara högst %(limit)d tecken. Nu är den %(length)d tecken."),
        )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = sum(c.isdigit() for c in phone)
        if phone and (not _PHONE_CHARACTERS.match(phone) or not 7 <= digits <= 15):
            raise ValidationError(
                _("Skriv telefonnumret med siffror, till exempel 070-123 45 67."), code="invalid"
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        answer_by = data.get("answer_by")
        if answer_by == self.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error(
                "email",
                ValidationError(
                    _("Skriv din e-postadress, eftersom du vill ha svar via e-post."),
                    code="required",
                ),
            )
        if answer_by == self.PHONE and not data.get("phone") and "phone" not in self.errors:
            self.add_error(
                "phone",
                ValidationError(
                    _("Skriv ditt telefonnummer, eftersom du vill bli uppringd."), code="required"
                ),
            )
        self._check_not_robot(data)
        return data

    def _check_not_robot(self, data: dict[str, Any]) -> None:
        if data.get("website"):
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Vi kunde inte ta emot formuläret, eftersom ett fält som ska lämnas tomt "
                        "var ifyllt. Det du skrev finns kvar: skicka formuläret igen."
                    ),
                    code=HONEYPOT,
                ),
            )
            return
        seconds = _seconds_on_screen(data.get("started") or "")
        if seconds is None or seconds > settings.WEB_FORM_MAX_AGE_HOURS * 3600:
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Formuläret har varit öppet för länge. Det du skrev finns kvar: "
                        "kontrollera uppgifterna och skicka igen."
                    ),
                    code=FORM_EXPIRED,
                ),
            )
        elif seconds < settings.WEB_FORM_MIN_SECONDS:
            self.add_error(
                None,
                ValidationError(
                    _(
                        "Formuläret skickades snabbare än en människa hinner fylla i det, så vi "
                        "tog det för ett automatiskt utskick. Det du skrev finns kvar: vänta "
                        "några sekunder och skicka igen."
                    ),
                    code=TOO_FAST,
                ),
            )

    def refused_as(self) -> str | None:
        """The spam check that refused the form, if one did."""
        for code in SPAM_CODES:
            if self.has_error(NON_FIELD_ERRORS, code):
                return code
        return None


def _within_limit(text: str, message: StrOrPromise) -> str:
    limit = settings.WEB_FORM_MAX_LENGTH
    if len(text) > limit:
        raise ValidationError(
            message, code="max_length", params={"limit": limit, "length": len(text)}
        )
    return text


class FollowUpForm(ErrorSummaryMixin, forms.Form):
    text = forms.CharField(
        label=_("Ditt meddelande"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Skriv ditt meddelande.")},
    )

    def clean_text(self) -> str:
        return _within_limit(
            self.cleaned_data["text"],
            _("Meddelandet får vara högst %(limit)d tecken. Nu är det %(length)d tecken."),
        )


COMMENT_MAX_LENGTH = 1000

# Each question's scale: the words at 1 and at 5, and what to do when it is left out.
_SCALES: dict[str, tuple[StrOrPromise, StrOrPromise, StrOrPromise]] = {
    SurveyQuestion.COURTESY: (
        _("Mycket missnöjd"),
        _("Mycket nöjd"),
        _("Välj hur nöjd du är med bemötandet, från 1 till 5."),
    ),
    SurveyQuestion.EASE: (
        _("Mycket svårt"),
        _("Mycket lätt"),
        _("Välj hur lätt det var att få hjälp, från 1 till 5."),
    ),
    SurveyQuestion.CLARITY: (
        _("Inte alls tydligt"),
        _("Mycket tydligt"),
        _("Välj hur tydligt svaret var, från 1 till 5."),
    ),
}


def _grade_field(question: str) -> forms.TypedChoiceField:
    low, high, missing = _SCALES[question]
    choices = [(grade, str(grade)) for grade in range(1, 6)]
    choices[0] = (1, f"1 {low}")
    choices[4] = (5, f"5 {high}")
    return forms.TypedChoiceField(
        label=SurveyQuestion(question).label,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": missing, "invalid_choice": missing},
    )


class SurveyForm(ErrorSummaryMixin, forms.Form):
    """SKR's service survey: the questions `channels_app.web.services.survey_questions` asks
    about the contact (courtesy, ease, and clarity for written answers), plus a comment."""

    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question] = _grade_field(question)
        self.fields["comment"] = forms.CharField(
            label=_("Vill du berätta mer? (frivilligt)"),
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Skriv inte personnummer eller känsliga uppgifter."),
            error_messages={"max_length": _("Kommentaren får vara högst %(limit_value)d tecken.")},
        )

    def grade_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in SurveyQuestion.values if name in self.fields]

    def grades(self) -> dict[str, int]:
        return {
            question: self.cleaned_data[question]
            for question in SurveyQuestion.values
            if question in self.fields
        }
