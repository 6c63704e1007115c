"""Checklist search and reading for agents (htmx partials)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases import selectors as case_selectors
from cases.models import Case
from checklists import selectors, services
from checklists.models import ChecklistVersion
from kundtjanst.context_processors import contact_centre
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest, HtmxHttpRequest

MAX_QUERY = 500


@vary_on_headers("HX-Request")
def checklist_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """As-you-type results for the agent: the checklist, its service, why it matched."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    results = selectors.checklist_search(query, limit=8) if len(query) >= 2 else []
    template = "checklists/search.html"
    # On a case page the results offer "Använd" as a form that records the use on that case.
    context = {"query": query, "results": results, "case_reference": request.GET.get("case", "")}
    return render(request, f"{template}#results" if request.htmx else template, context)


@vary_on_headers("HX-Request")
def checklist_detail(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    try:
        version = selectors.published_versions().get(pk=version_id)
    except ChecklistVersion.DoesNotExist as exc:
        raise Http404 from exc
    template = "checklists/detail.html"
    context = {"version": version}
    return render(request, f"{template}#script" if request.htmx else template, context)


@login_not_required
@vary_on_headers("HX-Request")
def public_faq(request: HtmxHttpRequest) -> HttpResponse:
    """Self-service for citizens, above all when the contact centre is closed. No login."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    results = selectors.checklist_search(query, limit=10, public_only=True) if query else []
    context = {
        "query": query,
        "results": results,
        "groups": {} if query else selectors.public_faq(),
        "contact": contact_centre(),
    }
    template = "checklists/public_faq.html"
    return render(request, f"{template}#answers" if request.htmx else template, context)


@login_not_required
def public_answer(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        version = selectors.published_versions().get(pk=version_id, public=True)
    except ChecklistVersion.DoesNotExist as exc:
        raise Http404 from exc
    context = {"version": version, "contact": contact_centre()}
    return render(request, "checklists/public_answer.html", context)


def _case_for(request: AuthenticatedHttpRequest, reference: str) -> Case:
    try:
        return case_selectors.case_get(request.user, reference)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


@require_POST
def case_checklist_use(
    request: AuthenticatedHttpRequest, reference: str, version_id: int
) -> HttpResponse:
    """ "Använd" on a case: the case records this exact version."""
    case = _case_for(request, reference)
    version = get_object_or_404(selectors.published_versions(), pk=version_id)
    try:
        services.checklist_use(
            case=case, version=version, by=request.user, search_text=request.POST.get("q", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Checklistan används på ärendet."))
    return redirect("cases:detail", reference=case.reference)


@require_POST
def case_checklist_feedback(
    request: AuthenticatedHttpRequest, reference: str, version_id: int
) -> HttpResponse:
    """Flag the checklist used on this case as wrong or incomplete."""
    case = _case_for(request, reference)
    version = get_object_or_404(ChecklistVersion, pk=version_id, uses__case=case)
    try:
        services.feedback_create(
            version=version,
            case=case,
            kind=request.POST.get("kind", ""),
            comment=request.POST.get("comment", ""),
            by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tack! Förvaltningen ser din synpunkt."))
    return redirect("cases:detail", reference=case.reference)
