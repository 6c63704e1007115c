"""The team lead's thesaurus (synonymordlista) pages: list, edit, delete, history, import and
export of the groups the knowledge search expands a citizen's words with.

Each view parses input, calls one service of checklists.thesaurus, renders. Only team leads and
managers see these pages (the services refuse everyone else too); other roles get a 403 page.
Forms post and redirect, so the pages work without JavaScript; with htmx the list filter swaps
only the table.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cases.selectors import subject_areas
from checklists import selectors, thesaurus
from checklists.forms_thesaurus import (
    SynonymGroupDeleteForm,
    SynonymGroupForm,
    ThesaurusFilterForm,
    ThesaurusImportForm,
)
from checklists.models import SynonymGroup
from checklists.permissions import can_edit_thesaurus
from kundtjanst.errors import ConflictError, DomainError
from kundtjanst.http import AuthenticatedHttpRequest

PAGE_SIZE = 50
CHANGED_MEANWHILE = gettext_lazy("Någon annan har ändrat gruppen sedan du öppnade den.")
IMPORTED = gettext_lazy(
    "Synonymordlistan är importerad: %(created)s nya och %(updated)s uppdaterade grupper."
)
EXPORT_FILENAME = "synonymordlista.json"


def not_allowed(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The refusal page of the thesaurus and suggestion pages, for roles that do not keep it."""
    message = _("Synonymordlistan sköts av arbetsledare och chefer.")
    return render(request, "checklists/manage/not_allowed.html", {"message": message}, status=403)


def _area_names() -> dict[str, str]:
    return dict(subject_areas().values_list("code", "name"))


def _list_url(preferred: str = "") -> str:
    url = reverse("checklists_manage:thesaurus")
    return f"{url}?{urlencode({'q': preferred})}" if preferred else url


@vary_on_headers("HX-Request")
def thesaurus_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    form = ThesaurusFilterForm(request.GET or None)
    if not form.is_bound:
        groups = selectors.synonym_groups()
    elif form.is_valid():
        groups = selectors.synonym_groups(
            text=form.cleaned_data["q"].strip(), area=form.cleaned_data["area"]
        )
    else:
        groups = SynonymGroup.objects.none()  # show the error, not a list nobody asked for
    page = Paginator(groups, per_page=PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    names = _area_names()
    context = {
        "form": form,
        "page": page,
        "rows": [(group, names.get(group.subject_area, group.subject_area)) for group in page],
        "query": query.urlencode(),
    }
    template = "checklists/thesaurus/index.html"
    return render(request, f"{template}#list" if request.htmx else template, context)


def _group_input(form: SynonymGroupForm) -> dict[str, Any]:
    """The group as the service takes it, from a valid form."""
    data = form.cleaned_data
    return {key: data[key] for key in ("preferred", "variants", "subject_area", "note")}


def thesaurus_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    status = 200
    if request.method == "POST":
        form = SynonymGroupForm(request.POST)
        if form.is_valid():
            try:
                group = thesaurus.synonym_group_save(by=request.user, **_group_input(form))
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Gruppen ”%(term)s” är sparad.") % {"term": group})
                return redirect(_list_url(group.preferred))
        status = 422
    else:
        form = SynonymGroupForm()
    return render(
        request, "checklists/thesaurus/form.html", {"form": form, "group": None}, status=status
    )


def thesaurus_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    group = get_object_or_404(SynonymGroup, pk=pk)
    status, saved_now = 200, None
    if request.method == "POST":
        form = SynonymGroupForm(request.POST, group=group)
        if form.is_valid():
            try:
                group = thesaurus.synonym_group_save(
                    by=request.user,
                    **_group_input(form),
                    group=group,
                    expected_updated_at=form.cleaned_data["updated_at"],
                )
            except ConflictError as error:
                # Keep what they wrote, show what is saved now, and take its time: saving
                # again after comparing is a deliberate choice to replace it. (The service's
                # message says to reload, which would throw away what they typed.)
                form.add_error(None, ValidationError(CHANGED_MEANWHILE, code=error.code))
                saved_now = get_object_or_404(SynonymGroup, pk=pk)
                posted = request.POST.copy()
                posted["updated_at"] = saved_now.updated_at.isoformat()
                form.data = posted
            except SynonymGroup.DoesNotExist:
                form.add_error(
                    None,
                    _(
                        "Någon annan har tagit bort gruppen sedan du öppnade den. "
                        "Det du skrev finns kvar nedan om du vill skapa den igen."
                    ),
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Gruppen ”%(term)s” är sparad.") % {"term": group})
                return redirect(_list_url(group.preferred))
        status = 409 if saved_now else 422
    else:
        form = SynonymGroupForm(group=group)
    context = {
        "form": form,
        "group": group,
        "saved_now": saved_now,
        "saved_area_name": (
            _area_names().get(saved_now.subject_area, saved_now.subject_area) if saved_now else ""
        ),
    }
    return render(request, "checklists/thesaurus/form.html", context, status=status)


def thesaurus_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    group = get_object_or_404(SynonymGroup, pk=pk)
    status, problem = 200, ""
    if request.method == "POST":
        form = SynonymGroupDeleteForm(request.POST)
        if form.is_valid():
            try:
                thesaurus.synonym_group_delete(
                    group=group,
                    by=request.user,
                    expected_updated_at=form.cleaned_data["updated_at"],
                )
            except SynonymGroup.DoesNotExist:
                messages.error(request, _("Någon annan har redan tagit bort gruppen."))
                return redirect("checklists_manage:thesaurus")
            except ConflictError:
                problem, status = str(CHANGED_MEANWHILE), 409
                group.refresh_from_db()  # confirm against what is saved now
            except DomainError as error:
                problem, status = error.message, 422
            else:
                messages.success(
                    request, _("Gruppen ”%(term)s” är borttagen.") % {"term": group.preferred}
                )
                return redirect("checklists_manage:thesaurus")
        else:
            problem, status = _("Formuläret är ofullständigt. Läs in sidan igen."), 422
    context = {
        "group": group,
        "updated_at": group.updated_at.isoformat(),
        "problem": problem,
        "area_name": _area_names().get(group.subject_area, group.subject_area),
    }
    return render(request, "checklists/thesaurus/delete.html", context, status=status)


def thesaurus_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    latest, rows = selectors.synonym_group_history(pk, _area_names())
    if latest is None:
        raise Http404(_("Gruppen finns inte."))
    context = {"group": SynonymGroup.objects.filter(pk=pk).first(), "latest": latest, "rows": rows}
    return render(request, "checklists/thesaurus/history.html", context)


def thesaurus_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    status = 200
    if request.method == "POST":
        form = ThesaurusImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                created, updated = thesaurus.thesaurus_import(
                    data=form.cleaned_data["file"],
                    replace=form.cleaned_data["replace"],
                    by=request.user,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                counts = {"created": created, "updated": updated}
                messages.success(request, str(IMPORTED) % counts)
                return redirect("checklists_manage:thesaurus")
        status = 422
    else:
        form = ThesaurusImportForm()
    return render(request, "checklists/thesaurus/import.html", {"form": form}, status=status)


@require_GET
def thesaurus_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    body = json.dumps(thesaurus.thesaurus_export(), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{EXPORT_FILENAME}"'
    return response
