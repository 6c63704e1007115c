"""The citizen's pages (no login) and the agent's survey page. Each view parses the form, calls
one service, renders; everything works without JavaScript (post, redirect, get).

Pages reached by a private token (status page, survey, receipt) are never cached, never indexed
and never leak their address to another site through the Referer header.

The status page and the survey take their POSTs without Django's CSRF check: the secret token in
the address is the only authority there (no cookie grants anything), so a cross-site forgery
would already need the secret; and under `Referrer-Policy: no-referrer` browsers send
`Origin: null` with the page's own form posts, which the CSRF check refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cases.models import Contact
from channels_app.models import WebAttemptKind, WebAttemptOutcome
from channels_app.web import selectors, services
from channels_app.web.forms import (
    HONEYPOT,
    TOO_FAST,
    ContactForm,
    FollowUpForm,
    SurveyForm,
    started_token_again,
)
from kundtjanst import roles
from kundtjanst.context_processors import contact_centre
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest

RECEIPT_SESSION_KEY = "channels_app.web.receipt"
RATE_LIMITED = "web-rate-limited"
_REFUSALS = {HONEYPOT: WebAttemptOutcome.HONEYPOT, TOO_FAST: WebAttemptOutcome.TOO_FAST}


def _private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        add_never_cache_headers(response)
        return response

    return wrapped


def client_ip(request: HttpRequest) -> str:
    """The citizen's address: the peer, or behind WEB_FORM_PROXY_COUNT reverse proxies the
    address the outermost of them saw (what the client wrote into X-Forwarded-For is ignored)."""
    proxies = settings.WEB_FORM_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _sender(request: HttpRequest) -> str:
    return services.ip_hash(client_ip(request))


def _add_domain_error(form: ContactForm | FollowUpForm | SurveyForm, error: DomainError) -> int:
    form.add_error(error.field if error.field in form.fields else None, error.message)
    return 429 if error.code == RATE_LIMITED else 422


@login_not_required
@require_http_methods(["GET", "POST"])
def contact_form(request: HttpRequest) -> HttpResponse:
    """The public contact form: a question becomes a case; the receipt shows its status link."""
    status = 200
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.web_question_submit(
                    sender=_sender(request),
                    question=data["question"],
                    answer_by=data["answer_by"],
                    subject_area=data["subject_area"],
                    email=data["email"],
                    phone=data["phone"],
                    name=data["name"],
                )
            except DomainError as error:
                status = _add_domain_error(form, error)
            else:
                request.session[RECEIPT_SESSION_KEY] = {
                    "reference": submission.case.reference,
                    "status_path": submission.status.path,
                    "answer_by": data["answer_by"],
                    "expected": selectors.answer_expected_by(submission.case).isoformat(),
                }
                return redirect("web:receipt")
        else:
            status = 422
            refused = form.refused_as()
            if refused:
                services.web_attempt_refuse(
                    sender=_sender(request),
                    kind=WebAttemptKind.QUESTION,
                    outcome=_REFUSALS[refused],
                )
    else:
        form = ContactForm()
    context = {
        "form": form,
        "started": started_token_again(form.data.get("started", "")),
        "contact": contact_centre(),
    }
    return render(request, "public/contact_form.html", context, status=status)


@login_not_required
@_private
def contact_receipt(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(RECEIPT_SESSION_KEY)
    if not receipt:
        return redirect("web:contact")
    context = {
        "reference": receipt["reference"],
        "status_url": request.build_absolute_uri(receipt["status_path"]),
        "by_email": receipt["answer_by"] == services.ANSWER_BY_EMAIL,
        "expected": dt.datetime.fromisoformat(receipt["expected"]),
        "contact": contact_centre(),
    }
    return render(request, "public/contact_receipt.html", context)


def _link_unavailable(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    context = {"reason": reason, "days": settings.SURVEY_LINK_DAYS, "contact": contact_centre()}
    return render(request, "public/survey_unavailable.html", context, status=status)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
@_private
def case_status(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's status page: status, replies, a follow-up message, survey links."""
    link = selectors.status_link_find(token)
    if link is None:
        # The same page for every wrong token: it says nothing of whether a case exists.
        return _link_unavailable(request, "status-unknown", 404)
    case = link.case
    status = 200
    form = FollowUpForm()
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        status = 422
        if form.is_valid():
            try:
                services.web_follow_up_add(
                    case=case, text=form.cleaned_data["text"], sender=_sender(request)
                )
            except DomainError as error:
                status = _add_domain_error(form, error)
            else:
                messages.success(request, _("Tack! Ditt meddelande har lagts till i ärendet."))
                return redirect(request.path)
    services.survey_invitations_ensure(case=case)
    context = {
        "case": selectors.case_for_citizen(case),
        "form": form,
        "contact": contact_centre(),
    }
    return render(request, "public/status.html", context, status=status)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
@_private
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The service survey about one contact, through the citizen's one-time link."""
    invitation = selectors.survey_invitation_find(token)
    if invitation is None:
        return _link_unavailable(request, "survey-unknown", 404)
    if invitation.used_at is not None or invitation.answered:  # type: ignore[attr-defined]
        return _link_unavailable(request, "survey-used", 410)
    if invitation.is_expired():
        return _link_unavailable(request, "survey-expired", 410)
    questions = services.survey_questions(invitation.contact)
    status = 200
    if request.method == "POST":
        form = SurveyForm(request.POST, questions=questions)
        status = 422
        if form.is_valid():
            try:
                services.survey_answer_by_citizen(
                    invitation=invitation,
                    grades=form.grades(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                if error.code == "survey-link-expired":
                    return _link_unavailable(request, "survey-expired", 410)
                return _link_unavailable(request, "survey-used", 410)
            return redirect("web:survey_done")
    else:
        form = SurveyForm(questions=questions)
    context = {
        "form": form,
        "rated": invitation.contact,
        "reference": invitation.contact.case.reference,
        "contact": contact_centre(),
    }
    return render(request, "public/survey.html", context, status=status)


@login_not_required
def survey_done(request: HttpRequest) -> HttpResponse:
    return render(request, "public/survey_done.html", {"contact": contact_centre()})


@require_http_methods(["GET", "POST"])
def agent_survey(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    """The agent records the grades a caller or visitor gives at the end of the contact."""
    if not roles.is_contact_centre(request.user):
        return render(request, "channels_app/agent_survey.html", {"not_allowed": True}, status=403)
    try:
        rated = selectors.contact_for_agent_survey(request.user, contact_id)
    except Contact.DoesNotExist as exc:
        raise Http404(_("Kontakten finns inte eller är inte din att se.")) from exc
    problem = ""
    if rated.channel not in services.AGENT_RECORDED_CHANNELS or rated.is_abandoned_call:
        problem = _(
            "Här registreras betyg för samtal och besök. Skriftliga svar betygsätter "
            "medborgaren själv via länken i svaret och på ärendesidan."
        )
    elif rated.answered:  # type: ignore[attr-defined]
        problem = _("Servicemätningen är redan besvarad för den här kontakten.")
    questions = services.survey_questions(rated)
    status = 200
    if request.method == "POST" and not problem:
        form = SurveyForm(request.POST, questions=questions)
        status = 422
        if form.is_valid():
            try:
                services.survey_answer_by_agent(
                    contact=rated,
                    by=request.user,
                    grades=form.grades(),
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as error:
                status = _add_domain_error(form, error)
            else:
                messages.success(request, _("Svaren i servicemätningen är sparade."))
                return redirect("cases:detail", rated.case.reference)
    else:
        form = SurveyForm(questions=questions)
    context = {"form": form, "rated": rated, "problem": problem}
    return render(request, "channels_app/agent_survey.html", context, status=status)
