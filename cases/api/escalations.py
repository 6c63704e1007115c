"""Escalations in the REST API: the hand-over from a case, and the department's actions.

Reads start from `cases.selectors.escalations_visible_to` (department staff see only their own
department's escalations, and of the case only what they need to handle it); every write is one
function of `cases.services`. Each action may carry the escalation's `version`: if someone acted
on it since, the answer is 409 `escalation-version-conflict`.
"""

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors, services
from cases.api import serializers as io
from cases.api.views import (
    _NOT_FOUND,
    _REFUSED,
    ApiView,
    ListApiView,
    _actor,
    _input,
    _query,
    _visible_case,
)
from cases.models import (
    CaseStatus,
    Channel,
    Escalation,
    EscalationStatus,
    Priority,
    RosaLevel,
    Unit,
)

# ---------------------------------------------------------------------------------------------
# Shapes


def escalation_version_field() -> serializers.Field:
    return serializers.IntegerField(
        min_value=1,
        required=False,
        help_text=(
            "The escalation's version when you read it; if someone has acted on it since, "
            "the answer is 409 with code escalation-version-conflict."
        ),
    )


def unit_field(**kwargs: Any) -> serializers.Field:
    return io.code_field(
        Unit.objects.filter(active=True),
        _("Okänd enhet: ”{value}”."),
        help_text="Unit code (/api/v1/units/).",
        **kwargs,
    )


class UnitOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    department = serializers.CharField(source="department.code")


class EscalationCaseOutputSerializer(serializers.Serializer):
    """Of the case, only what the department needs to handle the hand-over."""

    reference = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.ChoiceField(choices=CaseStatus.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    created_at = serializers.DateTimeField()
    service = serializers.CharField(source="service.code", allow_null=True)
    citizen_name = serializers.SerializerMethodField()

    def get_citizen_name(self, case: Any) -> str | None:
        return case.citizen.name if case.citizen is not None else None


class AttachmentOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="Download (session auth, same visibility).")

    def get_url(self, attachment: Any) -> str:
        return reverse("cases:attachment", args=[attachment.case.reference, attachment.pk])


class EscalationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = EscalationCaseOutputSerializer()
    department = serializers.CharField(source="department.code")
    unit = serializers.CharField(source="unit.code")
    status = serializers.ChoiceField(choices=EscalationStatus.choices)
    priority = serializers.ChoiceField(choices=Priority.choices)
    question = serializers.CharField()
    told_citizen = serializers.CharField()
    note = serializers.CharField()
    callback_due = serializers.DateTimeField()
    callback_channel = serializers.ChoiceField(choices=services.CALLBACK_CHANNEL_CHOICES)
    callback_to = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    owner = serializers.CharField(source="owner.username", allow_null=True)
    first_action_at = serializers.DateTimeField(allow_null=True)
    callback_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    return_answer = serializers.CharField()
    decision = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    application_on = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    attachments = AttachmentOutputSerializer(many=True)
    version = serializers.IntegerField()

    def get_overdue(self, escalation: Escalation) -> bool:
        """Deadline passed without a callback, and the case is not finished."""
        return escalation.is_overdue()


class EscalationFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=list(selectors.INBOX_STATES),
        required=False,
        help_text="open (default: new, accepted, answered), new, accepted, overdue, due_today, "
        "answered, returned, closed; all=true for every state.",
    )
    all = serializers.BooleanField(required=False, help_text="Every state.")
    unit = serializers.CharField(required=False)
    department = serializers.CharField(required=False)
    mine = serializers.BooleanField(required=False, help_text="Owned by you.")
    q = serializers.CharField(required=False, help_text="Case reference or words of the question.")


class EscalationCreateInputSerializer(io.StrictInputSerializer):
    unit = unit_field()
    question = serializers.CharField(help_text="What the citizen asked.")
    told_citizen = serializers.CharField(allow_blank=True, default="")
    callback_channel = serializers.ChoiceField(choices=services.CALLBACK_CHANNEL_CHOICES)
    callback_to = serializers.CharField(
        allow_blank=True, default="", help_text="Number or address; the citizen's own if empty."
    )
    callback_due = io.AwareDateTimeField(
        allow_null=True,
        default=None,
        help_text="Promised callback; the service's working days from now when left out.",
    )
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    note = serializers.CharField(allow_blank=True, default="")
    version = io.version_field()


class EscalationVersionInputSerializer(io.StrictInputSerializer):
    version = escalation_version_field()


class EscalationReassignInputSerializer(io.StrictInputSerializer):
    unit = unit_field(required=False, allow_null=True, default=None)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Username of the colleague who takes it over.",
    )
    version = escalation_version_field()


class EscalationContactInputSerializer(io.StrictInputSerializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    text = serializers.CharField(help_text="What the citizen was told.")
    occurred_at = io.AwareDateTimeField(allow_null=True, default=None)
    version = escalation_version_field()


class EscalationReturnInputSerializer(io.StrictInputSerializer):
    answer = serializers.CharField(help_text="The answer the contact centre gives the citizen.")
    version = escalation_version_field()


class EscalationDecisionInputSerializer(io.StrictInputSerializer):
    decision = serializers.CharField()
    decided_on = serializers.DateField()
    application_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = escalation_version_field()


class EscalationCloseInputSerializer(io.StrictInputSerializer):
    rosa_level = serializers.ChoiceField(choices=RosaLevel.choices)
    note = serializers.CharField(allow_blank=True, default="")
    version = escalation_version_field()


# ---------------------------------------------------------------------------------------------
# Views

_ESCALATION_NOT_FOUND = OpenApiResponse(description="No such escalation, or not one you may see.")
_ESCALATION_WRITE_RESPONSES = {
    200: EscalationOutputSerializer,
    **_REFUSED,
    404: _ESCALATION_NOT_FOUND,
    409: OpenApiResponse(
        io.ErrorOutputSerializer,
        description="Someone acted on the escalation since the given version "
        "(escalation-version-conflict).",
    ),
}


def _visible_escalation(request: Request, pk: int) -> Escalation:
    try:
        return selectors.escalation_get(request.user, pk)
    except Escalation.DoesNotExist:
        raise NotFound() from None


def _escalation_response(escalation: Escalation, code: int = status.HTTP_200_OK) -> Response:
    escalation = (
        Escalation.objects.select_related(
            "case", "case__citizen", "case__service", "unit", "department", "owner", "created_by"
        )
        .prefetch_related("attachments__case")
        .get(pk=escalation.pk)
    )
    return Response(EscalationOutputSerializer(escalation).data, status=code)


@extend_schema(tags=["escalations"])
class UnitListApi(ListApiView):
    @extend_schema(responses=UnitOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Active units that receive escalations."""
        return self.paginated(selectors.units_visible_to(request.user), UnitOutputSerializer)


@extend_schema(tags=["escalations"])
class CaseEscalateApi(ApiView):
    @extend_schema(
        request=EscalationCreateInputSerializer,
        responses={
            201: EscalationOutputSerializer,
            **_REFUSED,
            404: _NOT_FOUND,
            409: OpenApiResponse(io.ErrorOutputSerializer, description="case-version-conflict"),
        },
    )
    def post(self, request: Request, reference: str) -> Response:
        """Hand the case to a department unit with a promised callback."""
        case = _visible_case(request, reference)
        data = _input(request, EscalationCreateInputSerializer)
        escalation = services.escalation_create(
            case=case, by=_actor(request), expected_version=data.pop("version", None), **data
        )
        return _escalation_response(escalation, status.HTTP_201_CREATED)


@extend_schema(tags=["escalations"])
class EscalationListApi(ListApiView):
    @extend_schema(
        parameters=[EscalationFilterSerializer], responses=EscalationOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        """Escalations you may see, earliest callback deadline first (default: still open)."""
        params = _query(request, EscalationFilterSerializer)
        state = "" if params.pop("all", False) else params.pop("state", "open")
        params.pop("state", None)
        filters = selectors.EscalationFilters(state=state, **params)
        return self.paginated(
            selectors.escalation_inbox(request.user, filters), EscalationOutputSerializer
        )


@extend_schema(tags=["escalations"])
class EscalationDetailApi(ApiView):
    @extend_schema(responses={200: EscalationOutputSerializer, 404: _ESCALATION_NOT_FOUND})
    def get(self, request: Request, pk: int) -> Response:
        return Response(EscalationOutputSerializer(_visible_escalation(request, pk)).data)


def _action_view(
    name: str, input_serializer: type[serializers.Serializer], service: Any, doc: str
) -> type[ApiView]:
    """One POST endpoint per department action: parse, call the service, answer with the
    escalation as GET shows it."""

    @extend_schema(tags=["escalations"])
    class ActionApi(ApiView):
        @extend_schema(
            request=input_serializer, responses=_ESCALATION_WRITE_RESPONSES, description=doc
        )
        def post(self, request: Request, pk: int) -> Response:
            escalation = _visible_escalation(request, pk)
            data = _input(request, input_serializer)
            escalation = service(
                escalation=escalation,
                by=_actor(request),
                expected_version=data.pop("version", None),
                **data,
            )
            return _escalation_response(escalation)

    ActionApi.__name__ = ActionApi.__qualname__ = f"Escalation{name}Api"
    return ActionApi


EscalationAcceptApi = _action_view(
    "Accept",
    EscalationVersionInputSerializer,
    services.escalation_accept,
    "Take ownership of a new escalation.",
)
EscalationReassignApi = _action_view(
    "Reassign",
    EscalationReassignInputSerializer,
    services.escalation_reassign,
    "Hand it to another unit and/or colleague in the same department.",
)
EscalationContactApi = _action_view(
    "Contact",
    EscalationContactInputSerializer,
    services.escalation_contact_citizen,
    "Record that the department contacted the citizen (an outbound contact on the case).",
)
EscalationReturnApi = _action_view(
    "Return",
    EscalationReturnInputSerializer,
    services.escalation_return,
    "Send the case back to the contact centre with the answer it gives the citizen.",
)
EscalationDecisionApi = _action_view(
    "Decision",
    EscalationDecisionInputSerializer,
    services.escalation_decide,
    "Record the decision and its date (and the application date where recorded).",
)
EscalationCloseApi = _action_view(
    "Close",
    EscalationCloseInputSerializer,
    services.escalation_close,
    "Close the escalation; the case is resolved at the given ROSA level.",
)
