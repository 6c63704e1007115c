from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from kundtjanst import roles


def home(request: HttpRequest) -> HttpResponse:
    """Where each role's work starts: agents log contacts, department staff open their inbox,
    managers read the figures."""
    if roles.is_contact_centre(request.user):
        return redirect("cases:contact_new")
    if roles.has_role(request.user, roles.DEPARTMENT):
        return redirect("escalations:inbox")
    if roles.has_role(request.user, roles.MANAGER):
        return redirect("kpi:dashboard")
    return redirect("cases:list")


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
