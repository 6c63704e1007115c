"""The read-only organisation API: departments, KKiK subject areas and services, by code."""

import pytest
from rest_framework.test import APIClient

from tests.factories import DepartmentFactory, ServiceFactory


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_login(agent)
    return client


def codes(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["code"] for row in response.json()["results"]]


def test_departments_are_listed_by_name_with_their_codes(api, department, other_department):
    response = api.get("/api/v1/departments/")

    assert response.json()["results"] == [
        {"code": "skola", "name": "Barn- och utbildningsförvaltningen"},
        {"code": "bygg", "name": "Samhällsbyggnadsförvaltningen"},
    ]


def test_inactive_departments_are_not_offered(api, department):
    DepartmentFactory(code="gammal", name="Avvecklad förvaltning", active=False)

    assert codes(api.get("/api/v1/departments/")) == ["bygg"]
    assert api.get("/api/v1/departments/gammal/").status_code == 404


def test_department_is_looked_up_by_code(api, department):
    response = api.get("/api/v1/departments/bygg/")

    assert response.status_code == 200
    assert response.json() == {"code": "bygg", "name": "Samhällsbyggnadsförvaltningen"}
    assert api.get("/api/v1/departments/nope/").status_code == 404


def test_the_nine_kkik_subject_areas_are_listed(api):
    listed = codes(api.get("/api/v1/subject-areas/"))

    assert len(listed) == 9
    assert {"bygglov", "forskola", "aldreomsorg", "miljo-och-halsa"} <= set(listed)


def test_subject_area_is_looked_up_by_code(api):
    response = api.get("/api/v1/subject-areas/forskola/")

    assert response.json() == {"code": "forskola", "name": "Förskola"}
    assert api.get("/api/v1/subject-areas/nope/").status_code == 404


def test_service_shows_its_department_and_subject_area_as_codes(api, service):
    response = api.get("/api/v1/services/bygglov-braskamin/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "bygglov-braskamin",
        "name": "Bygglov för braskamin",
        "department": "bygg",
        "subject_area": "bygglov",
    }
    assert api.get("/api/v1/services/nope/").status_code == 404


def test_service_without_subject_area_shows_null(api, department):
    ServiceFactory(
        code="parkering", name="Parkeringstillstånd", department=department, subject_area=None
    )

    assert api.get("/api/v1/services/parkering/").json()["subject_area"] is None


def test_services_are_filtered_by_department_code(api, service, other_service):
    assert codes(api.get("/api/v1/services/")) == ["forskoleplats", "bygglov-braskamin"]
    assert codes(api.get("/api/v1/services/", {"department": "skola"})) == ["forskoleplats"]
    assert codes(api.get("/api/v1/services/", {"department": "nope"})) == []
    assert codes(api.get("/api/v1/services/", {"department": ""})) == [
        "forskoleplats",
        "bygglov-braskamin",
    ]


def test_inactive_services_are_not_offered(api, service, other_service):
    other_service.active = False
    other_service.save()

    assert codes(api.get("/api/v1/services/")) == ["bygglov-braskamin"]
    assert api.get("/api/v1/services/forskoleplats/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/v1/departments/", "/api/v1/subject-areas/", "/api/v1/services/"]
)
def test_the_organisation_is_read_only(api, department, url):
    assert api.post(url, {"code": "ny", "name": "Ny"}, format="json").status_code == 405
    assert api.delete(f"{url}bygg/").status_code == 405


@pytest.mark.parametrize(
    "url", ["/api/v1/departments/", "/api/v1/subject-areas/", "/api/v1/services/"]
)
def test_anonymous_requests_are_refused(db, url):
    assert APIClient().get(url).status_code in (401, 403)


def test_any_logged_in_user_may_read_the_organisation(outsider, department):
    client = APIClient()
    client.force_login(outsider)

    assert codes(client.get("/api/v1/departments/")) == ["bygg"]


def test_service_list_makes_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    for n in range(30):
        ServiceFactory(code=f"tjanst-{n}")

    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/services/")

    assert response.json()["count"] == 30
