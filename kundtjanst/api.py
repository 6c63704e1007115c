"""What every API view shares: domain errors become a 400 with their stable code."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kundtjanst.errors import ConflictError, DomainError, NotAllowedError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        code: int = status.HTTP_400_BAD_REQUEST
        if isinstance(exc, ConflictError):
            code = status.HTTP_409_CONFLICT
        elif isinstance(exc, NotAllowedError):
            code = status.HTTP_403_FORBIDDEN
        return Response(body, status=code)
    if isinstance(exc, DjangoValidationError):
        # A model's own validation (full_clean in a service) refused the data: the caller's
        # fault, never a 500.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
