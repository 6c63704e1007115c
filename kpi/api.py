"""The KKiK report in the REST API: `/api/v1/kpi/kkik?from=YYYY-MM-DD&to=YYYY-MM-DD
[&department=CODE]` answers exactly what `manage.py kkik_report --format json` prints."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.views import ApiView, _query
from cases.models import Department
from kpi.permissions import figures_department
from kpi.report import kkik_report


class KkikQuerySerializer(serializers.Serializer):
    to = serializers.DateField(help_text="Last day, inclusive (Europe/Stockholm).")
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Slutdatum ligger före startdatum."]})
        return attrs


# "from" is a Python keyword, so the field is declared by name.
KkikQuerySerializer._declared_fields["from"] = serializers.DateField(
    help_text="First day, inclusive (Europe/Stockholm)."
)


class KkikReportApi(ApiView):
    @extend_schema(
        tags=["kpi"],
        parameters=[KkikQuerySerializer],
        responses={
            200: OpenApiResponse(description="The KKiK report contract (see README)."),
            400: OpenApiResponse(description="Bad or missing dates, unknown department."),
            403: OpenApiResponse(description="Not a team lead, manager or department staff."),
        },
    )
    def get(self, request: Request) -> Response:
        """The KKiK figures for the period: team leads and managers for any department,
        department staff for their own."""
        params = _query(request, KkikQuerySerializer)
        requested = params.get("department")
        department = figures_department(request.user, requested.code if requested else "")
        return Response(
            kkik_report(
                date_from=params["from"],
                date_to=params["to"],
                department=department,
            )
        )
