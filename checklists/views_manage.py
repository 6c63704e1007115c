"""The department's checklist pages: write, review, approve, publish and follow up.

Each view parses input, calls one service, renders. Which checklists a user may open is
`selectors.checklists_visible_for_management` ("not yours" is a 404, like "not there"); whether
they may change one is decided by the services, whose Swedish message is shown when they refuse.
Forms post and redirect, so the pages work without JavaScript; with htmx the index filter
swaps only the list.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from cases.models import Service
from cases.permissions import user_department_id
from cases.selectors import services_active
from checklists import selectors, services
from checklists.forms import ApproveForm, ChecklistFilterForm, ChecklistForm
from checklists.models import ApprovalRole, ChecklistVersion, VersionStatus
from checklists.permissions import can_edit_checklists
from kundtjanst import roles
from kundtjanst.errors import ConflictError, DomainError
from kundtjanst.http import AuthenticatedHttpRequest

EDITABLE = (VersionStatus.DRAFT, VersionStatus.IN_REVIEW)


def _sees_all(user: roles.UserLike) -> bool:
    return roles.has_role(user, roles.TEAM_LEAD, roles.AGENT, roles.MANAGER)


def _own_department_id(user: roles.UserLike) -> int | None:
    return user_department_id(user) if roles.has_role(user, roles.DEPARTMENT) else None


_can_edit = can_edit_checklists


def _services_for(user: roles.UserLike) -> QuerySet[Service] | None:
    """The services a user may write a new checklist for, or None when they may write none."""
    if roles.has_role(user, roles.TEAM_LEAD):
        return services_active()
    department_id = _own_department_id(user)
    if department_id is None:
        return None
    return services_active().filter(department_id=department_id)


def _not_allowed(request: AuthenticatedHttpRequest, message: str) -> HttpResponse:
    return render(request, "checklists/manage/not_allowed.html", {"message": message}, status=403)


def _visible_version(request: AuthenticatedHttpRequest, version_id: int) -> ChecklistVersion:
    try:
        return selectors.checklist_version_for_management(request.user, version_id)
    except ChecklistVersion.DoesNotExist as exc:
        raise Http404(_("Checklistan finns inte eller är inte din att se.")) from exc


def _to_version(request: AuthenticatedHttpRequest, version: ChecklistVersion) -> HttpResponse:
    return _go(request, reverse("checklists_manage:version", args=[version.pk]))


def _go(request: AuthenticatedHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@vary_on_headers("HX-Request")
def checklist_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    sees_all = _sees_all(user)
    if not sees_all and _own_department_id(user) is None:
        return _not_allowed(request, _("Din roll har inga checklistor att förvalta."))
    checklists = selectors.checklists_visible_for_management(user)
    form = ChecklistFilterForm(request.GET or None) if sees_all else None
    if form is not None and form.is_valid() and form.cleaned_data["department"]:
        checklists = checklists.filter(department=form.cleaned_data["department"])
    rows = selectors.checklist_overview(checklists, today=timezone.localdate())
    context = {
        "form": form,
        "overdue": [row for row in rows if row.overdue],
        "rows": [row for row in rows if not row.overdue],
        "show_department": sees_all,
        "can_create": _services_for(user) is not None,
    }
    template = "checklists/manage/index.html"
    return render(request, f"{template}#list" if request.htmx else template, context)


def checklist_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    choices = _services_for(request.user)
    if choices is None:
        return _not_allowed(request, _("Checklistor skrivs av förvaltningens handläggare."))
    status = 200
    if request.method == "POST":
        form = ChecklistForm(request.POST, services=choices)
        if form.is_valid():
            try:
                version = services.checklist_create(
                    service=form.cleaned_data["service"], content=form.content(), by=request.user
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Utkastet är sparat."))
                return _to_version(request, version)
        status = 422
    else:
        form = ChecklistForm(services=choices)
    context = {"form": form, "version": None}
    return render(request, "checklists/manage/form.html", context, status=status)


def checklist_edit(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = _visible_version(request, version_id)
    if not _can_edit(request.user, version.checklist.department_id):
        return _not_allowed(request, _("Du får inte ändra den här förvaltningens checklistor."))
    if request.method != "POST" and version.status not in EDITABLE:
        # A form posted after the version was published meanwhile comes back with the
        # service's refusal instead, so that nothing typed is lost.
        messages.error(
            request, _("Publicerade och arkiverade versioner ändras inte: skapa en ny version.")
        )
        return _to_version(request, version)
    status, saved_now = 200, None
    if request.method == "POST":
        form = ChecklistForm(request.POST)
        if form.is_valid():
            try:
                services.checklist_update(
                    version=version,
                    content=form.content(),
                    by=request.user,
                    expected_edit_version=form.cleaned_data["edit_version"],
                )
            except ConflictError as error:
                # Keep what they wrote, show what is saved now, and take the current version
                # number: saving again after comparing is a deliberate choice to replace it.
                form.add_domain_error(error)
                saved_now = _visible_version(request, version_id)
                data = request.POST.copy()
                data["edit_version"] = str(saved_now.edit_version)
                form.data = data
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Ändringarna är sparade."))
                return _to_version(request, version)
        status = 409 if saved_now else 422
    else:
        form = ChecklistForm(initial=ChecklistForm.initial_for(version))
    context = {"form": form, "version": version, "saved_now": saved_now}
    return render(request, "checklists/manage/form.html", context, status=status)


def checklist_version(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = _visible_version(request, version_id)
    user = request.user
    history = selectors.checklist_version_history(version.checklist)
    can_edit = _can_edit(user, version.checklist.department_id)
    approvals = {approval.role: approval for approval in version.approvals.all()}
    in_review = version.status == VersionStatus.IN_REVIEW
    already_approved = any(approval.by_id == user.pk for approval in approvals.values())
    open_draft = any(v.status in EDITABLE for v in history)
    usage = selectors.checklist_usage([version.pk]).get(version.checklist_id)
    context = {
        "version": version,
        "history": history,
        "approval_rows": [(role.label, approvals.get(role.value)) for role in ApprovalRole],
        "approve_as": [
            role
            for role in ApprovalRole
            if in_review
            and not already_approved
            and version.created_by_id != user.pk  # the author does not review their own text
            and role.value not in approvals
            and roles.has_role(user, *services.APPROVER_ROLES[role])
        ],
        "already_approved": already_approved,
        "can_edit": can_edit and version.status in EDITABLE,
        "can_submit": can_edit and version.status == VersionStatus.DRAFT,
        "can_publish": can_edit and in_review and len(approvals) == len(ApprovalRole),
        "can_new_version": (
            can_edit
            and not open_draft
            and version.status in (VersionStatus.PUBLISHED, VersionStatus.ARCHIVED)
            and version == history[0]
        ),
        "can_archive": can_edit and version.status != VersionStatus.ARCHIVED,
        "overdue": (
            version.review_by is not None
            and version.review_by < timezone.localdate()
            and version.status != VersionStatus.ARCHIVED
        ),
        "uses": usage.uses if usage else 0,
        "direct_rate": usage.direct_rate if usage else None,
    }
    return render(request, "checklists/manage/version.html", context)


@require_POST
def checklist_approve(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = _visible_version(request, version_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Formuläret är ofullständigt. Läs in sidan igen."))
    else:
        role = ApprovalRole(form.cleaned_data["role"])
        try:
            # Approve what was read: a text changed since then is refused by the service.
            services.checklist_approve(
                version=version,
                role=role,
                by=request.user,
                expected_edit_version=form.cleaned_data["edit_version"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Du har godkänt som %(role)s.") % {"role": role.label})
    return _to_version(request, version)


VersionAction = Callable[..., ChecklistVersion]
StrOrPromise = str | Promise
ACTIONS: dict[str, tuple[VersionAction, StrOrPromise]] = {
    "submit": (services.checklist_submit, gettext_lazy("Versionen är skickad till granskning.")),
    "publish": (
        services.checklist_publish,
        gettext_lazy("Checklistan är publicerad. Kundtjänst hittar den nu i sökningen."),
    ),
    "archive": (services.checklist_archive, gettext_lazy("Versionen är arkiverad.")),
}


@require_POST
def checklist_action(
    request: AuthenticatedHttpRequest, version_id: int, action: str
) -> HttpResponse:
    version = _visible_version(request, version_id)
    if action not in ACTIONS:
        raise Http404
    service, message = ACTIONS[action]
    try:
        service(version=version, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(message))
    return _to_version(request, version)


@require_POST
def checklist_new_version(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    version = _visible_version(request, version_id)
    try:
        draft = services.checklist_new_version(checklist=version.checklist, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _to_version(request, version)
    messages.success(
        request, _("Version %(number)s är skapad som utkast.") % {"number": draft.number}
    )
    return _go(request, reverse("checklists_manage:edit", args=[draft.pk]))
