"""Checklist search and reading for agents (htmx partials)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from checklists import selectors
from checklists.models import ChecklistVersion
from kundtjanst.http import AuthenticatedHttpRequest

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
