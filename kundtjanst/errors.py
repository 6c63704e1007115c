"""Domain errors with stable codes.

Every rule a service enforces raises a DomainError whose `code` never changes; the API maps it
to a 400 (`kundtjanst.api.exception_handler`) and views map it to a form error on `field`.
"""


class DomainError(Exception):
    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ConflictError(DomainError):
    """Someone else changed the object since the user loaded it (optimistic version check)."""


class NotAllowedError(DomainError):
    """The user's role does not allow this action on this object."""
