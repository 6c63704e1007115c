"""The request type of the logged-in workspace (LoginRequiredMiddleware guarantees the user)."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
