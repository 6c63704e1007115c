import datetime as dt

import pytest
from django.utils import timezone

from cases import services as case_services
from cases.models import CaseStatus
from checklists import services
from checklists.models import Agreement, AgreementLine
from checklists.selectors import agreement_line_in_force
from kundtjanst.errors import DomainError, NotAllowedError
from tests.conftest import agree
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_resolving_above_the_agreed_level_is_refused_and_points_to_escalation(
    make_case, agent, service
):
    agree(service, max_rosa=2)
    case = make_case()
    with pytest.raises(DomainError) as error:
        case_services.case_resolve(case=case, rosa_level=3, by=agent)
    assert error.value.code == "rosa-level-above-agreement"
    assert "överlämna" in error.value.message
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case_services.case_resolve(case=case, rosa_level=2, by=agent).rosa_level == 2


def test_service_without_agreement_in_force_can_only_be_escalated(agent, department, escalate):
    lonely = ServiceFactory(department=department, code="utan-avtal", name="Utan avtal")
    case = case_services.case_create(channel="phone", summary="Fråga", by=agent, service=lonely)
    with pytest.raises(DomainError) as error:
        case_services.case_resolve(case=case, rosa_level=1, by=agent)
    assert error.value.code == "no-agreement-in-force"
    escalated = escalate(case).case
    assert escalated.status == CaseStatus.ESCALATED


def test_service_the_agreement_excludes_can_only_be_escalated(make_case, agent, service):
    AgreementLine.objects.filter(service=service).update(handled=False)
    with pytest.raises(DomainError) as error:
        case_services.case_resolve(case=make_case(), rosa_level=1, by=agent)
    assert error.value.code == "no-agreement-in-force"


def test_expired_agreement_does_not_count(agent, department):
    service = ServiceFactory(department=department, code="gammal", name="Gammal tjänst")
    old = Agreement.objects.create(
        department=department,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
        revised_on=dt.date(2020, 1, 1),
    )
    AgreementLine.objects.create(agreement=old, service=service, max_rosa=4)
    assert agreement_line_in_force(service, dt.date(2020, 6, 1)) is not None
    assert agreement_line_in_force(service, timezone.localdate()) is None


def test_case_without_service_resolves_only_as_information(agent):
    case = case_services.case_create(channel="phone", summary="Öppettider?", by=agent)
    with pytest.raises(DomainError) as error:
        case_services.case_resolve(case=case, rosa_level=2, by=agent)
    assert (error.value.code, error.value.field) == ("service-required", "service")
    assert case_services.case_resolve(case=case, rosa_level=1, by=agent).resolved_directly


def test_department_staff_are_not_bound_by_the_contact_centre_agreement(
    make_case, dept_user, service
):
    agree(service, max_rosa=1)
    case = case_services.case_resolve(case=make_case(), rosa_level=5, by=dept_user)
    assert case.rosa_level == 5


def test_agreement_is_registered_with_lines_and_history(team_lead, department, service):
    agreement = services.agreement_create(
        department=department,
        valid_from=dt.date(2027, 1, 1),
        valid_to=dt.date(2027, 12, 31),
        revised_on=dt.date(2026, 11, 1),
        lines=[services.AgreementLineInput(service=service, handled=True, max_rosa=3)],
        by=team_lead,
    )
    assert agreement.lines.get().max_rosa == 3
    assert agreement.history.get().history_user == team_lead


def test_agreement_lines_are_checked_by_line_number(team_lead, department, service, other_service):
    with pytest.raises(DomainError) as error:
        services.agreement_create(
            department=department,
            valid_from=dt.date(2027, 1, 1),
            valid_to=dt.date(2027, 12, 31),
            revised_on=dt.date(2026, 11, 1),
            lines=[
                services.AgreementLineInput(service=service, handled=True, max_rosa=3),
                services.AgreementLineInput(service=other_service, handled=True, max_rosa=2),
            ],
            by=team_lead,
        )
    assert error.value.code == "agreement-service-other-department"
    assert error.value.message.startswith("Rad 2")


def test_agents_cannot_register_agreements(agent, department):
    with pytest.raises(NotAllowedError):
        services.agreement_create(
            department=department,
            valid_from=dt.date(2027, 1, 1),
            valid_to=dt.date(2027, 12, 31),
            revised_on=dt.date(2026, 11, 1),
            lines=[],
            by=agent,
        )


def test_admin_lists_agreements_and_shows_checklists_read_only(client, department, service):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", password="x")
    client.force_login(admin)
    assert client.get("/admin/checklists/agreement/").status_code == 200
    agreement = Agreement.objects.get()
    assert client.get(f"/admin/checklists/agreement/{agreement.pk}/change/").status_code == 200
    assert client.get("/admin/checklists/checklistversion/add/").status_code == 403
