from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from kundtjanst import roles


def home(request: HttpRequest) -> HttpResponse:
    if roles.is_contact_centre(request.user):
        return redirect("cases:contact_new")
    return redirect("cases:list")


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
