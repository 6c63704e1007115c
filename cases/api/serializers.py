"""The shapes of the REST API: one small serializer per input and per output (HackSoft style).

Input serializers check only the shape of a request and turn codes into objects; every rule
lives in `cases.services`. Output serializers only read: nothing here saves a model.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases import selectors
from cases.models import CaseStatus, Channel, Department, Direction, RosaLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# ---------------------------------------------------------------------------------------------
# Building blocks


class StrictInputSerializer(serializers.Serializer):
    # Refuses fields it does not know, so a misspelt field is an error and not silently lost.
    # (A comment, not a docstring: the schema would show it on every input.)

    default_error_messages = {"unknown_field": _("Okänt fält.")}

    def to_internal_value(self, data: Any) -> Any:
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, Mapping) else []
        if not unknown:
            return super().to_internal_value(data)
        errors: dict[str, Any] = {}
        try:
            super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, Mapping):
                errors.update(exc.detail)
        for name in unknown:
            errors[name] = [self.error_messages["unknown_field"]]
        raise serializers.ValidationError(errors, code="unknown_field")


class AwareDateTimeField(serializers.DateTimeField):
    """A datetime that must carry its offset: KKiK deadlines are counted to the minute, and a
    local time without offset is ambiguous on the night the clocks go back."""

    default_error_messages = {
        "naive": _("Ange tidpunkten med tidszon, till exempel 2026-03-02T10:15:00+01:00."),
    }

    def enforce_timezone(self, value: Any) -> Any:
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


class TextKeyRelatedField(serializers.SlugRelatedField):
    """An object looked up by a text key; a number, list or object is refused as such instead
    of being turned into text and reported as an unknown key."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def code_field(queryset: QuerySet, unknown: "StrPromise", **kwargs: Any) -> serializers.Field:
    """An object given by its `code`; an unknown code is refused by name (`{value}`)."""
    return TextKeyRelatedField(
        slug_field="code",
        queryset=queryset,
        error_messages={"does_not_exist": unknown, "invalid": _("Ange koden som text.")},
        **kwargs,
    )


def department_field(**kwargs: Any) -> serializers.Field:
    return code_field(
        selectors.departments_active(),
        _("Okänd förvaltning: ”{value}”."),
        help_text="Department code (/api/v1/departments/).",
        **kwargs,
    )


def service_field(**kwargs: Any) -> serializers.Field:
    return code_field(
        selectors.services_active(),
        _("Okänd tjänst: ”{value}”."),
        help_text="Service code (/api/v1/services/); implies its department and subject area.",
        **kwargs,
    )


def subject_area_field(**kwargs: Any) -> serializers.Field:
    return code_field(
        selectors.subject_areas(),
        _("Okänt KKiK-område: ”{value}”."),
        help_text="KKiK subject area code (/api/v1/subject-areas/).",
        **kwargs,
    )


def version_field() -> serializers.Field:
    return serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=(
            "The case's version when you read it; if someone has changed the case since, "
            "the answer is 409 with code case-version-conflict."
        ),
    )


# ---------------------------------------------------------------------------------------------
# Output


class ErrorOutputSerializer(serializers.Serializer):
    """A refused domain rule (kundtjanst.api.exception_handler)."""

    code = serializers.CharField(
        help_text="Stable error code, e.g. rosa-level-above-contact-centre."
    )
    detail = serializers.CharField()
    field = serializers.CharField(required=False)


class DepartmentOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SubjectAreaOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ServiceOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.code")
    subject_area = serializers.CharField(source="subject_area.code", allow_null=True)


class CitizenOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    # Never the full number in the API (DOMAIN.md: masked in lists; needed only in the case).
    personnummer_masked = serializers.CharField(
        help_text="Date of birth and four stars, e.g. 19850709-****; empty when not given."
    )


class ContactOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.CharField(source="case.reference")
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    occurred_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField()
    handled_by = serializers.CharField(source="handled_by.username", allow_null=True)


class CaseOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    department = serializers.CharField(source="department.code", allow_null=True)
    service = serializers.CharField(source="service.code", allow_null=True)
    subject_area = serializers.CharField(source="subject_area.code", allow_null=True)
    summary = serializers.CharField()
    notes = serializers.CharField()
    rosa_level = serializers.ChoiceField(choices=RosaLevel.choices, allow_null=True)
    resolved_directly = serializers.BooleanField(allow_null=True)
    resolution_note = serializers.CharField()
    created_at = serializers.DateTimeField()
    first_response_at = serializers.DateTimeField(allow_null=True)
    callback_promised_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    assigned_to = serializers.CharField(source="assigned_to.username", allow_null=True)
    version = serializers.IntegerField()
    citizen = CitizenOutputSerializer(allow_null=True)


class CaseDetailOutputSerializer(CaseOutputSerializer):
    contacts = ContactOutputSerializer(many=True)


# ---------------------------------------------------------------------------------------------
# Query parameters


class CaseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    department = serializers.CharField(required=False, help_text="Department code.")
    date_from = serializers.DateField(
        required=False, help_text="Created on or after this local date."
    )
    date_to = serializers.DateField(
        required=False, help_text="Created on or before this local date."
    )
    mine = serializers.BooleanField(required=False, help_text="Only cases assigned to me.")
    q = serializers.CharField(
        required=False, max_length=300, help_text="A case reference, or words of the summary."
    )

    def validate_department(self, value: str) -> str:
        # Any department, inactive ones too: their old cases are still listed.
        if not Department.objects.filter(code=value).exists():
            raise serializers.ValidationError(
                _("Okänd förvaltning: ”{value}”.").format(value=value), code="does_not_exist"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _check_date_range(attrs)


class ContactFilterSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    direction = serializers.ChoiceField(choices=Direction.choices, required=False)
    date_from = serializers.DateField(required=False, help_text="On or after this local date.")
    date_to = serializers.DateField(required=False, help_text="On or before this local date.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _check_date_range(attrs)


class ServiceFilterSerializer(serializers.Serializer):
    department = serializers.CharField(required=False, help_text="Department code.")


def _check_date_range(attrs: dict[str, Any]) -> dict[str, Any]:
    date_from, date_to = attrs.get("date_from"), attrs.get("date_to")
    if date_from and date_to and date_to < date_from:
        raise serializers.ValidationError(
            {"date_to": [_("Slutdatumet ligger före startdatumet.")]}, code="invalid"
        )
    return attrs


# ---------------------------------------------------------------------------------------------
# Input


class CitizenInputSerializer(StrictInputSerializer):
    # Lengths as in the model, so a long value is a 400 here and never a failed full_clean().
    name = serializers.CharField(max_length=200, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, allow_blank=True, default="")
    personnummer = serializers.CharField(
        max_length=20,
        allow_blank=True,
        default="",
        help_text="Personnummer or samordningsnummer, 10 or 12 digits, with or without hyphen.",
    )


class ResolveOnCreateInputSerializer(StrictInputSerializer):
    rosa_level = serializers.ChoiceField(choices=RosaLevel.choices)
    note = serializers.CharField(allow_blank=True, default="")


class CaseCreateInputSerializer(StrictInputSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    summary = serializers.CharField(max_length=300)
    department = department_field(required=False, allow_null=True, default=None)
    service = service_field(required=False, allow_null=True, default=None)
    subject_area = subject_area_field(required=False, allow_null=True, default=None)
    notes = serializers.CharField(allow_blank=True, default="")
    text = serializers.CharField(
        allow_blank=True, default="", help_text="Text of the first contact."
    )
    occurred_at = AwareDateTimeField(
        allow_null=True, default=None, help_text="When the contact came in; now when left out."
    )
    answered_at = AwareDateTimeField(
        allow_null=True,
        default=None,
        help_text=(
            "Inbound calls: when a person answered (menu time excluded). An inbound call "
            "without it counts as abandoned in the KKiK phone measure."
        ),
    )
    citizen = CitizenInputSerializer(required=False, allow_null=True, default=None)
    resolve = ResolveOnCreateInputSerializer(
        required=False,
        allow_null=True,
        default=None,
        help_text="Resolve the case in the same request (log and answer).",
    )


class CaseUpdateInputSerializer(StrictInputSerializer):
    summary = serializers.CharField(max_length=300, required=False)
    notes = serializers.CharField(allow_blank=True, required=False)
    department = department_field(required=False, allow_null=True)
    service = service_field(required=False, allow_null=True)
    subject_area = subject_area_field(required=False, allow_null=True)
    assigned_to = TextKeyRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        error_messages={
            "does_not_exist": _("Okänd användare: ”{value}”."),
            "invalid": _("Ange användarnamnet som text."),
        },
    )
    version = version_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not set(attrs) - {"version"}:
            raise serializers.ValidationError(_("Ange minst ett fält att ändra."), code="empty")
        return attrs


class CaseResolveInputSerializer(StrictInputSerializer):
    rosa_level = serializers.ChoiceField(choices=RosaLevel.choices)
    note = serializers.CharField(allow_blank=True, default="")
    version = version_field()


class CaseVersionInputSerializer(StrictInputSerializer):
    """Close and reopen take nothing but the optional version check."""

    version = version_field()


class ContactCreateInputSerializer(StrictInputSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    occurred_at = AwareDateTimeField(allow_null=True, default=None, help_text="Now when left out.")
    answered_at = AwareDateTimeField(
        allow_null=True,
        default=None,
        help_text=(
            "Inbound calls: when a person answered (menu time excluded). An inbound call "
            "without it counts as abandoned in the KKiK phone measure."
        ),
    )
    text = serializers.CharField(allow_blank=True, default="")
