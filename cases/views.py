"""The agent workspace. Each view parses input, calls one service, renders.

With htmx a view answers with the named partial of the same template; without JavaScript the
same URLs work as ordinary pages (post, redirect, get).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases import permissions, selectors, services
from cases.forms import (
    CaseEditForm,
    CaseFilterForm,
    ContactAddForm,
    ContactLogForm,
    ResolveForm,
    VersionForm,
    service_label,
)
from cases.forms_escalation import EscalateForm, escalate_initial
from cases.models import Attachment, Case, CaseStatus, Channel, Direction, RosaLevel
from cases.models.case import CONTACT_CENTRE_MAX_ROSA
from checklists import services as checklist_services
from checklists.models import ChecklistUse
from kundtjanst import roles
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest


def _max_rosa(user: roles.UserLike) -> int:
    return (
        max(RosaLevel.values) if roles.has_role(user, roles.DEPARTMENT) else CONTACT_CENTRE_MAX_ROSA
    )


def _partial(request: AuthenticatedHttpRequest, template: str, partial: str) -> str:
    return f"{template}#{partial}" if request.htmx else template


def _visible_case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    try:
        return selectors.case_get(request.user, reference)
    except Case.DoesNotExist as exc:
        raise Http404(_("Ärendet finns inte eller är inte ditt att se.")) from exc


def _service_options() -> list[str]:
    return [service_label(s) for s in selectors.services_active()]


@vary_on_headers("HX-Request")
def contact_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log a phone call or visit and resolve it directly, or leave it open: one screen."""
    template = "cases/contact_new.html"
    if not permissions.can_log_cases(request.user):
        return render(request, "cases/not_allowed.html", status=403)
    logged: Case | None = None
    if request.method == "POST":
        form = ContactLogForm(request.POST, max_rosa=_max_rosa(request.user))
        if form.is_valid():
            data = form.cleaned_data
            now = timezone.now()
            resolve = data["action"] == ContactLogForm.ACTION_RESOLVE
            try:
                logged = checklist_services.case_log_with_checklist(
                    by=request.user,
                    version=data["checklist_version"],
                    search_text=data["search_text"],
                    citizen_details=services.CitizenDetails(
                        name=data["citizen_name"],
                        phone=data["citizen_phone"],
                        email=data["citizen_email"],
                        personnummer=data["citizen_personnummer"],
                    ),
                    channel=data["channel"],
                    summary=data["summary"],
                    service=data["service"],
                    department=data["department"],
                    occurred_at=now,
                    answered_at=now if data["channel"] == Channel.PHONE else None,
                    resolve_rosa_level=data["rosa_level"] if resolve else None,
                    resolve_note=data["resolution_note"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                if not request.htmx:
                    messages.success(request, _logged_message(logged))
                    return redirect("cases:contact_new")
                form = ContactLogForm(max_rosa=_max_rosa(request.user))
        status = 200 if logged or form.is_valid() else 422
    else:
        form = ContactLogForm(max_rosa=_max_rosa(request.user))
        status = 200
    context = {
        "form": form,
        "logged": logged,
        "logged_message": _logged_message(logged) if logged else "",
        "service_options": [] if request.htmx else _service_options(),
    }
    # A 422 with the form partial: base.html tells htmx to swap it in like a success.
    return render(request, _partial(request, template, "log-form"), context, status=status)


def _logged_message(case: Case) -> str:
    if case.status == "resolved":
        how = _("löst direkt") if case.resolved_directly else _("löst")
        return _("%(ref)s %(how)s.") % {"ref": case.reference, "how": how}
    return _("%(ref)s sparat som öppet.") % {"ref": case.reference}


@vary_on_headers("HX-Request")
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    template = "cases/case_list.html"
    form = CaseFilterForm(request.GET or None)
    filters = selectors.CaseFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseFilters(
            status=data["status"],
            channel=data["channel"],
            department=data["department"].code if data["department"] else "",
            date_from=data["date_from"],
            date_to=data["date_to"],
            mine=data["mine"],
            q=data["q"],
        )
    cases = selectors.case_list(request.user, filters)
    if form.is_bound and form.errors:
        cases = cases.none()  # show the error, not a list the agent did not ask for
    page = Paginator(cases, per_page=settings.CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, _partial(request, template, "results"), context)


def _detail_context(request: AuthenticatedHttpRequest, case: Case, **forms: object) -> dict:
    service_text = service_label(case.service) if case.service else ""
    defaults: dict[str, object] = {
        "edit_form": CaseEditForm(
            initial={
                "version": case.version,
                "summary": case.summary,
                "service": service_text,
                "department": case.department.code if case.department else "",
                "notes": case.notes,
            }
        ),
        "resolve_form": ResolveForm(
            initial={"version": case.version, "rosa_level": case.rosa_level or 1},
            max_rosa=_max_rosa(request.user),
        ),
        "contact_form": ContactAddForm(),
    }
    checklist_uses = list(
        ChecklistUse.objects.filter(case=case).select_related("version").order_by("at")
    )
    can_escalate = case.status in (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CITIZEN)
    if can_escalate and "escalate_form" not in forms:
        target = checklist_uses[-1].version.escalation_target if checklist_uses else ""
        defaults["escalate_form"] = EscalateForm(initial=escalate_initial(case, target))
    defaults.update(forms)
    escalations = list(
        case.escalations.select_related("case", "unit", "owner", "created_by").order_by(
            "created_at"
        )
    )
    now = timezone.now()
    history = selectors.case_history(case) + selectors.escalation_events(case)
    history.sort(key=lambda entry: entry.at, reverse=True)
    return {
        "case": case,
        "contacts": list(case.contacts.all()),
        "checklist_uses": checklist_uses,
        "history": history,
        "escalations": [(e, e.is_overdue(now)) for e in escalations],
        "can_escalate": can_escalate,
        "can_work": permissions.can_work_on(request.user, case),
        "service_options": _service_options(),
        **defaults,
    }


def case_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


def _render_detail_with_errors(
    request: AuthenticatedHttpRequest, case: Case, **forms: object
) -> HttpResponse:
    case = _visible_case(request, case.reference)
    context = _detail_context(request, case, **forms)
    return render(request, "cases/case_detail.html", context, status=422)


def _done(request: AuthenticatedHttpRequest, case: Case, message: str) -> HttpResponse:
    messages.success(request, message)
    url = reverse("cases:detail", args=[case.reference])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
def case_edit(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = CaseEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_update(
                case=case,
                by=request.user,
                expected_version=data["version"],
                summary=data["summary"],
                notes=data["notes"],
                service=data["service"],
                department=data["department"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _done(request, case, _("Ärendet är sparat."))
    return _render_detail_with_errors(request, case, edit_form=form)


@require_POST
def case_contact_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = ContactAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        occurred_at = data["occurred_at"] or timezone.now()
        answered = (
            data["channel"] == Channel.PHONE
            and data["direction"] == Direction.IN
            and not data["abandoned"]
        )
        try:
            services.contact_add(
                case=case,
                channel=data["channel"],
                direction=data["direction"],
                occurred_at=occurred_at,
                answered_at=occurred_at if answered else None,
                text=data["text"],
                by=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _done(request, case, _("Kontakten är registrerad."))
    return _render_detail_with_errors(request, case, contact_form=form)


@require_POST
def case_resolve(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _visible_case(request, reference)
    form = ResolveForm(request.POST, max_rosa=_max_rosa(request.user))
    if form.is_valid():
        try:
            services.case_resolve(
                case=case,
                rosa_level=form.cleaned_data["rosa_level"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _done(request, case, _("Ärendet är löst."))
    return _render_detail_with_errors(request, case, resolve_form=form)


STATUS_ACTIONS = {
    "close": (services.case_close, _("Ärendet är avslutat.")),
    "reopen": (services.case_reopen, _("Ärendet är öppnat igen.")),
    "wait": (services.case_set_waiting, _("Ärendet väntar på medborgaren.")),
}


@require_POST
def case_status_action(
    request: AuthenticatedHttpRequest, reference: str, action: str
) -> HttpResponse:
    case = _visible_case(request, reference)
    if action not in STATUS_ACTIONS:
        raise Http404
    service, message = STATUS_ACTIONS[action]
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Formuläret saknar ärendets version. Läs in sidan igen."))
        return redirect("cases:detail", reference=reference)
    try:
        service(case=case, by=request.user, expected_version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("cases:detail", reference=reference)
    return _done(request, case, message)


def case_attachment(request: AuthenticatedHttpRequest, reference: str, pk: int) -> FileResponse:
    """A file of a case the user may see, always as a download (never rendered in the page)."""
    case = _visible_case(request, reference)
    try:
        attachment = case.attachments.get(pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404(_("Bilagan finns inte.")) from exc
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
