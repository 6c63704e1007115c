"""The OpenAPI schema (drf-spectacular) describes the API without warnings."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

CASE_PATHS = [
    "/api/v1/cases/",
    "/api/v1/cases/{reference}/",
    "/api/v1/cases/{reference}/resolve/",
    "/api/v1/cases/{reference}/close/",
    "/api/v1/cases/{reference}/reopen/",
    "/api/v1/cases/{reference}/escalate/",
    "/api/v1/cases/{reference}/contacts/",
    "/api/v1/contacts/",
    "/api/v1/departments/{code}/",
    "/api/v1/subject-areas/{code}/",
    "/api/v1/services/{code}/",
]


def test_schema_is_served_to_a_logged_in_user_with_the_case_paths(agent):
    client = APIClient()
    client.force_login(agent)

    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert set(CASE_PATHS) <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/cases/{reference}/"]) - {"parameters"} == {"get", "patch"}


def test_schema_documents_inputs_outputs_and_the_masked_personnummer(agent):
    client = APIClient()
    client.force_login(agent)

    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    resolve = schema["paths"]["/api/v1/cases/{reference}/resolve/"]["post"]

    assert resolve["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CaseResolveInput"
    }
    assert set(resolve["responses"]) == {"200", "400", "403", "404", "409"}
    assert "personnummer_masked" in components["CitizenOutput"]["properties"]
    assert "personnummer" not in components["CitizenOutput"]["properties"]
    assert "personnummer" in components["CitizenInput"]["properties"]
    list_response = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]
    assert list_response["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedCaseOutputList"
    }


@pytest.mark.django_db
def test_schema_validates_without_warnings(tmp_path):
    # Raises (SchemaGenerationError / validation error) on any warning or invalid schema.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    assert "/api/v1/cases/{reference}/escalate/" in (tmp_path / "schema.yml").read_text()
