"""Suggested synonyms for team leads: words that keep leading agents to a checklist whose text
does not contain them (`checklists.selectors.suggested_synonyms`). Accept adds the word to the
thesaurus as a variant of the proposed (editable) preferred term; reject hides it for good."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from cases.selectors import subject_areas
from checklists import selectors, thesaurus
from checklists.models import Checklist
from checklists.permissions import can_edit_thesaurus
from checklists.views_thesaurus import not_allowed
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest


def synonym_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_edit_thesaurus(request.user):
        return not_allowed(request)
    if request.method == "POST":
        checklist = get_object_or_404(Checklist, pk=request.POST.get("checklist") or 0)
        word = request.POST.get("word", "").strip()
        try:
            if request.POST.get("action") == "accept":
                thesaurus.suggestion_accept(
                    by=request.user,
                    word=word,
                    preferred=request.POST.get("preferred", ""),
                    subject_area=request.POST.get("subject_area", ""),
                )
                messages.success(
                    request, _("”%(word)s” finns nu i synonymordlistan.") % {"word": word}
                )
            else:
                thesaurus.suggestion_reject(
                    by=request.user, term=request.POST.get("term", ""), checklist=checklist
                )
                messages.success(request, _("Förslaget visas inte igen."))
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("checklists_manage:thesaurus_suggestions")
    context = {
        "suggestions": selectors.suggested_synonyms(),
        "areas": subject_areas(),
        "min_uses": selectors.SUGGEST_MIN_USES,
    }
    return render(request, "checklists/thesaurus/suggestions.html", context)
