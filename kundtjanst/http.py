"""Request types for views (for the type checker; django-htmx adds `htmx`)."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A workspace request: LoginRequiredMiddleware guarantees the user."""

    user: User
