"""Checklist search and reading for agents (htmx partials)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from checklists import selectors
from checklists.models import ChecklistVersion
from kundtjanst.http import AuthenticatedHttpRequest, HtmxHttpRequest

MAX_QUERY = 500


@vary_on_headers("HX-Request")
def checklist_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """As-you-type results for the agent: the checklist, its service, why it matched."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    results = selectors.checklist_search(query, limit=8) if len(query) >= 2 else []
    template = "checklists/search.html"
    context = {"query": query, "results": results}
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
        "contact": _contact(),
    }
    template = "checklists/public_faq.html"
    return render(request, f"{template}#answers" if request.htmx else template, context)


@login_not_required
def public_answer(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        version = selectors.published_versions().get(pk=version_id, public=True)
    except ChecklistVersion.DoesNotExist as exc:
        raise Http404 from exc
    context = {"version": version, "contact": _contact()}
    return render(request, "checklists/public_answer.html", context)


def _contact() -> dict[str, str]:
    return {
        "name": settings.MUNICIPALITY_NAME,
        "phone": settings.CONTACT_CENTRE_PHONE,
        "email": settings.CONTACT_CENTRE_EMAIL,
        "hours": settings.CONTACT_CENTRE_HOURS,
        "visit": settings.CONTACT_CENTRE_VISIT,
    }
