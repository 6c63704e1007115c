"""The REST API under /api/v1/: parse the input, call one service, serialise the result.

Every read starts from `cases.selectors` (who may see what); every write is one function of
`cases.services`. Domain errors become 400/403/409 in `kundtjanst.api.exception_handler`. A case
the user may not see answers 404, exactly like one that does not exist.
"""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.api import serializers as io
from cases.models import Case, Contact

# ---------------------------------------------------------------------------------------------
# Shared plumbing


class ApiView(APIView):
    # JSON in and out. In: nested input (citizen, resolve) has no form encoding, and a form's
    # extra fields (csrfmiddlewaretoken) would be refused as unknown. Out: the browsable API
    # builds its forms from one serializer_class per view, which views with a serializer per
    # method do not have; people read the API in the Swagger UI at /api/docs/ instead.
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]


class ListApiView(GenericAPIView):
    # GenericAPIView for the project's default pagination (PageNumberPagination, PAGE_SIZE).

    parser_classes = ApiView.parser_classes
    renderer_classes = ApiView.renderer_classes

    def paginated(self, queryset: QuerySet, output: type[serializers.Serializer]) -> Response:
        page = self.paginate_queryset(queryset)
        assert page is not None, "REST_FRAMEWORK sets a default pagination class"
        return self.get_paginated_response(output(page, many=True).data)


def _input(request: Request, input_serializer: type[serializers.Serializer]) -> dict[str, Any]:
    serializer = input_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _query(request: Request, filter_serializer: type[serializers.Serializer]) -> dict[str, Any]:
    """Checked query parameters; an empty value counts as absent, as an HTML form sends it."""
    params = {key: value for key, value in request.query_params.items() if value != ""}
    serializer = filter_serializer(data=params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _actor(request: Request) -> User:
    """The user behind a write; IsAuthenticated has already turned anonymous requests away."""
    return cast(User, request.user)


def _visible_case(request: Request, reference: str) -> Case:
    try:
        return selectors.cases_visible_to(request.user).get(reference=reference)
    except Case.DoesNotExist:
        raise NotFound() from None


def _case_response(case: Case, code: int = status.HTTP_200_OK) -> Response:
    """The case as GET shows it, from the service's result: the user was allowed to make the
    change even when it moved the case out of their sight (escalated to another department)."""
    prefetch_related_objects(
        [case], Prefetch("contacts", queryset=Contact.objects.select_related("handled_by"))
    )
    return Response(io.CaseDetailOutputSerializer(case).data, status=code)


_NOT_FOUND = OpenApiResponse(description="No such case, or not one you may see.")
_REFUSED = {
    400: OpenApiResponse(
        description="Field errors ({field: [messages]}) or a refused rule ({code, detail, field})."
    ),
    403: OpenApiResponse(io.ErrorOutputSerializer, description="Your role may not do this."),
}
_CASE_WRITE_RESPONSES = {
    200: io.CaseDetailOutputSerializer,
    **_REFUSED,
    404: _NOT_FOUND,
    409: OpenApiResponse(
        io.ErrorOutputSerializer,
        description="The case changed since the given version (case-version-conflict).",
    ),
}


# ---------------------------------------------------------------------------------------------
# Organisation (read-only)


@extend_schema(tags=["organisation"])
class DepartmentListApi(ListApiView):
    @extend_schema(responses=io.DepartmentOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Active departments (förvaltningar), by name."""
        return self.paginated(selectors.departments_active(), io.DepartmentOutputSerializer)


@extend_schema(tags=["organisation"])
class DepartmentDetailApi(ApiView):
    @extend_schema(responses=io.DepartmentOutputSerializer)
    def get(self, request: Request, code: str) -> Response:
        department = get_object_or_404(selectors.departments_active(), code=code)
        return Response(io.DepartmentOutputSerializer(department).data)


@extend_schema(tags=["organisation"])
class SubjectAreaListApi(ListApiView):
    @extend_schema(responses=io.SubjectAreaOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        """The KKiK subject areas the measures are grouped by."""
        return self.paginated(selectors.subject_areas(), io.SubjectAreaOutputSerializer)


@extend_schema(tags=["organisation"])
class SubjectAreaDetailApi(ApiView):
    @extend_schema(responses=io.SubjectAreaOutputSerializer)
    def get(self, request: Request, code: str) -> Response:
        subject_area = get_object_or_404(selectors.subject_areas(), code=code)
        return Response(io.SubjectAreaOutputSerializer(subject_area).data)


@extend_schema(tags=["organisation"])
class ServiceListApi(ListApiView):
    @extend_schema(
        parameters=[io.ServiceFilterSerializer], responses=io.ServiceOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        """Active services citizens ask about, by name; optionally of one department."""
        filters = _query(request, io.ServiceFilterSerializer)
        services_qs = selectors.services_active()
        if filters.get("department"):
            services_qs = services_qs.filter(department__code=filters["department"])
        return self.paginated(services_qs, io.ServiceOutputSerializer)


@extend_schema(tags=["organisation"])
class ServiceDetailApi(ApiView):
    @extend_schema(responses=io.ServiceOutputSerializer)
    def get(self, request: Request, code: str) -> Response:
        service = get_object_or_404(selectors.services_active(), code=code)
        return Response(io.ServiceOutputSerializer(service).data)


# ---------------------------------------------------------------------------------------------
# Cases


@extend_schema(tags=["cases"])
class CaseListCreateApi(ListApiView):
    @extend_schema(
        parameters=[io.CaseFilterSerializer], responses=io.CaseOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        """Cases you may see, newest first."""
        filters = selectors.CaseFilters(**_query(request, io.CaseFilterSerializer))
        return self.paginated(selectors.case_list(request.user, filters), io.CaseOutputSerializer)

    @extend_schema(
        request=io.CaseCreateInputSerializer,
        responses={201: io.CaseDetailOutputSerializer, **_REFUSED},
    )
    def post(self, request: Request) -> Response:
        """Log an inbound contact as a new case; with `resolve`, answer it at once."""
        data = _input(request, io.CaseCreateInputSerializer)
        citizen, resolve = data.pop("citizen"), data.pop("resolve")
        case = services.case_log(
            by=_actor(request),
            citizen_details=services.CitizenDetails(**citizen) if citizen else None,
            resolve_rosa_level=resolve["rosa_level"] if resolve else None,
            resolve_note=resolve["note"] if resolve else "",
            **data,
        )
        return _case_response(case, status.HTTP_201_CREATED)


@extend_schema(tags=["cases"])
class CaseDetailApi(ApiView):
    @extend_schema(responses={200: io.CaseDetailOutputSerializer, 404: _NOT_FOUND})
    def get(self, request: Request, reference: str) -> Response:
        """One case with its contacts."""
        try:
            case = selectors.case_get(request.user, reference)
        except Case.DoesNotExist:
            raise NotFound() from None
        return Response(io.CaseDetailOutputSerializer(case).data)

    @extend_schema(request=io.CaseUpdateInputSerializer, responses=_CASE_WRITE_RESPONSES)
    def patch(self, request: Request, reference: str) -> Response:
        """Edit the description, classification or assignee."""
        case = _visible_case(request, reference)
        changes = _input(request, io.CaseUpdateInputSerializer)
        expected_version = changes.pop("version", None)
        case = services.case_update(
            case=case, by=_actor(request), expected_version=expected_version, **changes
        )
        return _case_response(case)


@extend_schema(tags=["cases"])
class CaseResolveApi(ApiView):
    @extend_schema(request=io.CaseResolveInputSerializer, responses=_CASE_WRITE_RESPONSES)
    def post(self, request: Request, reference: str) -> Response:
        """Resolve the case at a ROSA level (1–4 in the contact centre, 5–6 in the department)."""
        case = _visible_case(request, reference)
        data = _input(request, io.CaseResolveInputSerializer)
        case = services.case_resolve(
            case=case,
            by=_actor(request),
            rosa_level=data["rosa_level"],
            note=data["note"],
            expected_version=data.get("version"),
        )
        return _case_response(case)


@extend_schema(tags=["cases"])
class CaseCloseApi(ApiView):
    @extend_schema(request=io.CaseVersionInputSerializer, responses=_CASE_WRITE_RESPONSES)
    def post(self, request: Request, reference: str) -> Response:
        """Close the case: nothing more will be done on it."""
        case = _visible_case(request, reference)
        data = _input(request, io.CaseVersionInputSerializer)
        case = services.case_close(
            case=case, by=_actor(request), expected_version=data.get("version")
        )
        return _case_response(case)


@extend_schema(tags=["cases"])
class CaseReopenApi(ApiView):
    @extend_schema(request=io.CaseVersionInputSerializer, responses=_CASE_WRITE_RESPONSES)
    def post(self, request: Request, reference: str) -> Response:
        """Open a resolved or closed case again; it no longer counts as answered directly."""
        case = _visible_case(request, reference)
        data = _input(request, io.CaseVersionInputSerializer)
        case = services.case_reopen(
            case=case, by=_actor(request), expected_version=data.get("version")
        )
        return _case_response(case)


# ---------------------------------------------------------------------------------------------
# Contacts


@extend_schema(tags=["contacts"])
class CaseContactListCreateApi(ListApiView):
    @extend_schema(responses={200: io.ContactOutputSerializer(many=True), 404: _NOT_FOUND})
    def get(self, request: Request, reference: str) -> Response:
        """The case's contacts, oldest first."""
        case = _visible_case(request, reference)
        contacts = selectors.contacts_visible_to(request.user).filter(case=case)
        return self.paginated(contacts, io.ContactOutputSerializer)

    @extend_schema(
        request=io.ContactCreateInputSerializer,
        responses={201: io.ContactOutputSerializer, **_REFUSED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Record one more interaction with the citizen on this case."""
        case = _visible_case(request, reference)
        data = _input(request, io.ContactCreateInputSerializer)
        contact = services.contact_add(case=case, by=_actor(request), **data)
        return Response(io.ContactOutputSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["contacts"])
class ContactListApi(ListApiView):
    @extend_schema(
        parameters=[io.ContactFilterSerializer], responses=io.ContactOutputSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        """Contacts on cases you may see, newest first."""
        filters = selectors.ContactFilters(**_query(request, io.ContactFilterSerializer))
        contacts = selectors.contact_list(request.user, filters)
        return self.paginated(contacts, io.ContactOutputSerializer)


# ---------------------------------------------------------------------------------------------
# Checklists used on a case


class ChecklistUseInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The published checklist version followed.")
    search_text = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        default="",
        help_text="What the agent searched for before choosing it; personal data is removed "
        "before it is stored, and the search learns from it.",
    )


class ChecklistUseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(source="version_id")
    search_text = serializers.CharField()
    at = serializers.DateTimeField()


@extend_schema(tags=["cases"])
class CaseChecklistUseApi(ApiView):
    @extend_schema(
        request=ChecklistUseInputSerializer,
        responses={201: ChecklistUseOutputSerializer, **_REFUSED, 404: _NOT_FOUND},
    )
    def post(self, request: Request, reference: str) -> Response:
        """The agent follows this checklist version on the case (`checklists.services`,
        as the case page's "Använd")."""
        from checklists import selectors as checklist_selectors
        from checklists import services as checklist_services

        case = _visible_case(request, reference)
        data = _input(request, ChecklistUseInputSerializer)
        version = checklist_selectors.published_versions().filter(pk=data["version"]).first()
        if version is None:
            raise NotFound("Ingen publicerad checklista med det id:t.")
        use = checklist_services.checklist_use(
            case=case, version=version, by=_actor(request), search_text=data["search_text"]
        )
        return Response(ChecklistUseOutputSerializer(use).data, status=status.HTTP_201_CREATED)
