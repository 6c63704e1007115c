from django.core.exceptions import ValidationError

from kundtjanst.api import exception_handler
from kundtjanst.errors import ConflictError, DomainError, NotAllowedError


def test_domain_errors_keep_their_code_and_field():
    response = exception_handler(DomainError("x-code", "Fel", field="summary"), {})
    assert response.status_code == 400
    assert response.data == {"code": "x-code", "detail": "Fel", "field": "summary"}


def test_conflict_is_409_and_not_allowed_is_403():
    assert exception_handler(ConflictError("case-version-conflict", "Krock"), {}).status_code == 409
    assert exception_handler(NotAllowedError("not-allowed", "Nej"), {}).status_code == 403


def test_model_validation_error_is_a_400_with_field_messages_not_a_500():
    error = ValidationError({"summary": ["Fältet får inte vara tomt."]})
    response = exception_handler(error, {})
    assert response.status_code == 400
    assert response.data == {"summary": ["Fältet får inte vara tomt."]}
    plain = exception_handler(ValidationError("Allmänt fel"), {})
    assert plain.status_code == 400 and plain.data == {"detail": ["Allmänt fel"]}
