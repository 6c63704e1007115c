"""Follow-up for departments, team leads and managers: agreements, feedback, knowledge gaps."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Department
from cases.permissions import user_department_id
from checklists import reports, services
from checklists.models import Feedback
from kundtjanst import roles
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest


def _scope(request: AuthenticatedHttpRequest) -> Department | None:
    """Department staff see their own department; team leads and managers choose (or all)."""
    if roles.has_role(request.user, roles.TEAM_LEAD, roles.MANAGER):
        code = request.GET.get("department", "")
        return Department.objects.filter(code=code).first() if code else None
    if roles.has_role(request.user, roles.DEPARTMENT):
        department_id = user_department_id(request.user)
        if department_id is not None:
            return Department.objects.get(pk=department_id)
    raise Http404


def follow_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    department = _scope(request)
    today = timezone.localdate()
    context = {
        "department": department,
        "departments": Department.objects.order_by("name"),
        "can_choose": roles.has_role(request.user, roles.TEAM_LEAD, roles.MANAGER),
        "agreements": reports.agreements_overview(today=today, department=department),
        "expiring": reports.agreements_expiring(today=today)
        if roles.has_role(request.user, roles.TEAM_LEAD, roles.MANAGER)
        else [],
        "above": reports.cases_resolved_above_agreement(today=today, department=department)[:50],
        "changes": reports.agreement_changes(department=department),
        "feedback": reports.feedback_queue(department=department),
        "gaps": reports.knowledge_gaps(department=department),
        "today": today,
    }
    return render(request, "checklists/follow_up.html", context)


@require_POST
def feedback_resolve(request: AuthenticatedHttpRequest, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(Feedback, pk=feedback_id)
    try:
        services.feedback_resolve(
            feedback=feedback, resolution=request.POST.get("resolution", ""), by=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Synpunkten är hanterad."))
    return redirect("checklists:follow_up")
