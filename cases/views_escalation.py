"""Escalations in the workspace: the agent's hand-over from a case, the department inbox, one
escalation's page with the department's actions. Each view parses input, calls one service,
renders; with htmx the inbox answers with its results partial."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases import permissions, selectors, services
from cases.forms_escalation import (
    CloseForm,
    ContactCitizenForm,
    DecisionForm,
    EscalateForm,
    EscalationVersionForm,
    InboxFilterForm,
    ReassignForm,
    ReturnForm,
)
from cases.models import Channel, Escalation
from cases.views import _done, _render_detail_with_errors, _visible_case
from kundtjanst import roles
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest

# ---------------------------------------------------------------------------------------------
# The hand-over, from the case page


@require_POST
def case_escalate(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = EscalateForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            escalation = services.escalation_create(
                case=case,
                by=request.user,
                expected_version=data["version"],
                unit=data["unit"],
                question=data["question"],
                told_citizen=data["told_citizen"],
                callback_channel=data["callback_channel"],
                callback_to=data["callback_to"],
                callback_due=data["callback_due"],
                priority=data["priority"],
                note=data["note"],
                attachments=data["attachments"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            due = timezone.localtime(escalation.callback_due)
            return _done(
                request,
                case,
                _("Överlämnat till %(unit)s. Återkoppling senast %(due)s.")
                % {"unit": escalation.unit.name, "due": f"{due:%Y-%m-%d %H:%M}"},
            )
    return _render_detail_with_errors(request, case, escalate_form=form)


# ---------------------------------------------------------------------------------------------
# The inbox


def _inbox_filters(request: AuthenticatedHttpRequest, form: InboxFilterForm) -> Any:
    if not (form.is_bound and form.is_valid()):
        return selectors.EscalationFilters()
    data = form.cleaned_data
    state = data["state"] or "open"
    return selectors.EscalationFilters(
        state="" if state == "all" else state,
        unit=data["unit"].code if data["unit"] else "",
        department=data["department"].code if data.get("department") else "",
        mine=data["mine"],
        q=data["q"],
    )


def _may_use_inbox(user: Any) -> bool:
    return roles.has_role(user, roles.AGENT, roles.DEPARTMENT, roles.TEAM_LEAD, roles.MANAGER)


@vary_on_headers("HX-Request")
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Department staff: their department's hand-overs. The contact centre, team leads and
    managers: every department's, e.g. the overdue ones or those returned to the centre."""
    if not _may_use_inbox(request.user):
        return render(request, "cases/not_allowed.html", status=403)
    template = "cases/escalation_inbox.html"
    units = selectors.units_visible_to(request.user)
    form = InboxFilterForm(
        request.GET or None,
        units=units,
        show_departments=roles.sees_all_cases(request.user),
    )
    filters = _inbox_filters(request, form)
    now = timezone.now()
    escalations = selectors.escalation_inbox(request.user, filters, now=now)
    if form.is_bound and form.errors:
        escalations = escalations.none()
    counts = selectors.escalation_counts(request.user, filters, now=now)
    page = Paginator(escalations, per_page=settings.CASES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    tab_query = query.copy()
    tab_query.pop("state", None)
    current = filters.state or "all"
    tabs = [
        {"key": key, "label": label, "count": counts[key], "current": key == current}
        for key, (label, _condition) in selectors.INBOX_STATES.items()
    ]
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "tab_query": tab_query.urlencode(),
        "tabs": tabs,
        "all_current": current == "all",
        "now": now,
        "department_view": not roles.sees_all_cases(request.user),
    }
    partial = "results" if request.htmx else None
    return render(request, f"{template}#{partial}" if partial else template, context)


# ---------------------------------------------------------------------------------------------
# One escalation and the department's actions

# action → (form, service call built from the form's data, success message)
ACTIONS: dict[str, tuple[type, Any, str]] = {
    "accept": (
        EscalationVersionForm,
        lambda e, by, d: services.escalation_accept(
            escalation=e, by=by, expected_version=d["version"]
        ),
        _("Du har tagit emot överlämningen."),
    ),
    "reassign": (
        ReassignForm,
        lambda e, by, d: services.escalation_reassign(
            escalation=e, by=by, unit=d["unit"], owner=d["owner"], expected_version=d["version"]
        ),
        _("Överlämningen är överlämnad."),
    ),
    "contact": (
        ContactCitizenForm,
        lambda e, by, d: services.escalation_contact_citizen(
            escalation=e,
            by=by,
            channel=d["channel"],
            text=d["text"],
            occurred_at=d["occurred_at"],
            expected_version=d["version"],
        ),
        _("Kontakten med medborgaren är registrerad."),
    ),
    "return": (
        ReturnForm,
        lambda e, by, d: services.escalation_return(
            escalation=e, by=by, answer=d["answer"], expected_version=d["version"]
        ),
        _("Ärendet är tillbaka hos kundtjänst med ditt svar."),
    ),
    "decision": (
        DecisionForm,
        lambda e, by, d: services.escalation_decide(
            escalation=e,
            by=by,
            decision=d["decision"],
            decided_on=d["decided_on"],
            application_on=d["application_on"],
            expected_version=d["version"],
        ),
        _("Beslutet är registrerat."),
    ),
    "close": (
        CloseForm,
        lambda e, by, d: services.escalation_close(
            escalation=e,
            by=by,
            rosa_level=d["rosa_level"],
            note=d["note"],
            expected_version=d["version"],
        ),
        _("Överlämningen är avslutad och ärendet löst."),
    ),
}


def _action_form(action: str, escalation: Escalation, data: Any = None) -> Any:
    form_class = ACTIONS[action][0]
    kwargs: dict[str, Any] = {"initial": {"version": escalation.version}}
    if form_class is ReassignForm:
        kwargs["escalation"] = escalation
    if form_class is DecisionForm:
        kwargs["initial"]["decided_on"] = timezone.localdate()
    if form_class is ContactCitizenForm and escalation.callback_channel in Channel.values:
        kwargs["initial"]["channel"] = escalation.callback_channel
    return form_class(data, **kwargs) if data is not None else form_class(**kwargs)


def _visible_escalation(request: AuthenticatedHttpRequest, pk: int) -> Escalation:
    try:
        return selectors.escalation_get(request.user, pk)
    except Escalation.DoesNotExist as exc:
        raise Http404(_("Överlämningen finns inte eller är inte din att se.")) from exc


def _escalation_page(
    request: AuthenticatedHttpRequest,
    escalation: Escalation,
    failed: tuple[str, Any] | None = None,
) -> HttpResponse:
    forms = {action: _action_form(action, escalation) for action in ACTIONS}
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = {
        "escalation": escalation,
        "case": escalation.case,
        "overdue": escalation.is_overdue(),
        "can_handle": permissions.can_handle_escalation(request.user, escalation),
        "forms": forms,
        "failed": failed[0] if failed else "",
        "failed_form": failed[1] if failed else None,
        "events": selectors.escalation_events(escalation.case),
        "contacts": list(escalation.case.contacts.select_related("handled_by")),
        "attachments": list(escalation.case.attachments.all()),
    }
    return render(request, "cases/escalation_detail.html", context, status=422 if failed else 200)


def escalation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _escalation_page(request, _visible_escalation(request, pk))


@require_POST
def escalation_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    escalation = _visible_escalation(request, pk)
    if not permissions.can_handle_escalation(request.user, escalation):
        return render(request, "cases/not_allowed.html", status=403)
    form = _action_form(action, escalation, request.POST)
    if form.is_valid():
        try:
            ACTIONS[action][1](escalation, request.user, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, ACTIONS[action][2])
            url = reverse("escalations:detail", args=[escalation.pk])
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    return _escalation_page(request, escalation, failed=(action, form))
