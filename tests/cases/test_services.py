import datetime as dt

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, CaseStatus, Contact, ReferenceCounter
from kundtjanst.errors import ConflictError, DomainError, NotAllowedError

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=10, minute=0):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def test_case_gets_reference_of_the_local_year_in_sequence(make_case):
    first = make_case(occurred_at=at(2026, 3, 2))
    second = make_case(occurred_at=at(2026, 3, 2, 11))
    assert first.reference == "KT-2026-000001"
    assert second.reference == "KT-2026-000002"


def test_new_years_eve_late_evening_local_time_is_numbered_in_the_old_year(make_case):
    # 23:30 in Stockholm on 31 December is 22:30 UTC: the year is the local one.
    case = make_case(occurred_at=at(2025, 12, 31, 23, 30))
    next_year = make_case(occurred_at=at(2026, 1, 1, 0, 10))
    assert case.reference == "KT-2025-000001"
    assert next_year.reference == "KT-2026-000001"


def test_refused_case_does_not_consume_a_reference(make_case, agent):
    make_case(occurred_at=at(2026, 3, 2))
    with pytest.raises(DomainError):
        services.case_log(
            by=agent,
            channel="phone",
            summary="Vill överklaga ett beslut",
            occurred_at=at(2026, 3, 2, 11),
            resolve_rosa_level=6,
        )
    assert Case.objects.count() == 1
    assert make_case(occurred_at=at(2026, 3, 2, 12)).reference == "KT-2026-000002"
    assert ReferenceCounter.objects.get(year=2026).last_number == 2


def test_service_implies_department_and_subject_area(make_case, service):
    case = make_case()
    assert case.department == service.department
    assert case.subject_area == service.subject_area


def test_service_from_another_department_is_refused(make_case, other_department):
    with pytest.raises(DomainError) as error:
        make_case(department=other_department)
    assert error.value.code == "service-department-mismatch"
    assert error.value.field == "service"


def test_empty_summary_is_refused_by_name(make_case):
    with pytest.raises(DomainError) as error:
        make_case(summary="   ")
    assert (error.value.code, error.value.field) == ("summary-required", "summary")


def test_answered_phone_call_counts_as_first_response(make_case):
    case = make_case(occurred_at=at(2026, 3, 2), answered_at=at(2026, 3, 2, 10, 1))
    assert case.first_response_at == at(2026, 3, 2, 10, 1)
    contact = case.contacts.get()
    assert (contact.direction, contact.channel) == ("in", "phone")


def test_abandoned_call_is_no_response(make_case):
    case = make_case(occurred_at=at(2026, 3, 2), answered_at=None)
    assert case.first_response_at is None
    assert case.contacts.get().is_abandoned_call


def test_email_is_answered_by_the_first_outbound_contact(make_case, agent):
    case = make_case(channel="email", occurred_at=at(2026, 3, 2))
    assert case.first_response_at is None
    services.contact_add(
        case=case, channel="email", direction="out", occurred_at=at(2026, 3, 3, 9), by=agent
    )
    services.contact_add(
        case=case, channel="phone", direction="out", occurred_at=at(2026, 3, 4, 9), by=agent
    )
    case.refresh_from_db()
    assert case.first_response_at == at(2026, 3, 3, 9)


def test_answered_at_on_outbound_or_email_contact_is_refused(make_case, agent):
    case = make_case(channel="email", occurred_at=at(2026, 3, 2))
    with pytest.raises(DomainError) as error:
        services.contact_add(
            case=case,
            channel="email",
            direction="in",
            occurred_at=at(2026, 3, 2, 11),
            answered_at=at(2026, 3, 2, 11),
            by=agent,
        )
    assert error.value.code == "answered-at-only-inbound-phone"


def test_call_answered_before_it_came_in_is_refused(agent, service):
    with pytest.raises(DomainError) as error:
        services.case_create(
            channel="phone",
            summary="Fråga",
            by=agent,
            service=service,
            occurred_at=at(2026, 3, 2, 10),
            answered_at=at(2026, 3, 2, 9),
        )
    assert error.value.code == "answered-before-occurred"


def test_resolving_at_first_contact_is_direct(make_case, agent):
    case = services.case_resolve(case=make_case(), rosa_level=2, by=agent, note="Svarade")
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_directly is True
    assert case.resolution_note == "Svarade"
    assert case.resolved_by == agent


def test_repeat_inbound_contact_makes_the_answer_not_direct(make_case, agent):
    case = make_case(occurred_at=at(2026, 3, 2))
    services.contact_add(
        case=case, channel="phone", direction="in", occurred_at=at(2026, 3, 3), by=agent
    )
    assert services.case_resolve(case=case, rosa_level=1, by=agent).resolved_directly is False


def test_escalated_case_is_never_direct(make_case, escalate, dept_user):
    case = escalate(make_case()).case
    assert case.status == CaseStatus.ESCALATED
    resolved = services.case_resolve(case=case, rosa_level=5, by=dept_user)
    assert resolved.resolved_directly is False
    assert resolved.rosa_level == 5


def test_reopened_case_is_no_longer_direct(make_case, agent):
    case = services.case_resolve(case=make_case(), rosa_level=1, by=agent)
    case = services.case_reopen(case=case, by=agent)
    assert case.status == CaseStatus.OPEN
    assert case.resolved_directly is None
    assert services.case_resolve(case=case, rosa_level=1, by=agent).resolved_directly is False


def test_agent_cannot_resolve_at_department_rosa_levels(make_case, agent):
    case = make_case()
    with pytest.raises(DomainError) as error:
        services.case_resolve(case=case, rosa_level=5, by=agent)
    assert error.value.code == "rosa-level-above-contact-centre"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


@pytest.mark.parametrize("level", [0, 7, -1])
def test_rosa_level_outside_one_to_six_is_refused(make_case, agent, level):
    with pytest.raises(DomainError) as error:
        services.case_resolve(case=make_case(), rosa_level=level, by=agent)
    assert error.value.code == "rosa-level-invalid"


@pytest.mark.parametrize(
    ("start", "action"),
    [
        ("resolved", "resolve"),
        ("resolved", "wait"),
        ("resolved", "escalate"),
        ("closed", "resolve"),
        ("closed", "close"),
        ("open", "reopen"),
    ],
)
def test_disallowed_transitions_are_refused_with_a_stable_code(
    make_case, agent, escalate, start, action
):
    case = make_case()
    if start in ("resolved", "closed"):
        case = services.case_resolve(case=case, rosa_level=1, by=agent)
    if start == "closed":
        case = services.case_close(case=case, by=agent)
    calls = {
        "resolve": lambda: services.case_resolve(case=case, rosa_level=1, by=agent),
        "wait": lambda: services.case_set_waiting(case=case, by=agent),
        "escalate": lambda: escalate(case),
        "close": lambda: services.case_close(case=case, by=agent),
        "reopen": lambda: services.case_reopen(case=case, by=agent),
    }
    with pytest.raises(DomainError) as error:
        calls[action]()
    assert error.value.code == "status-transition-not-allowed"
    case.refresh_from_db()
    assert case.status == start


def test_citizen_reply_moves_waiting_case_back_to_open(make_case, agent):
    case = services.case_set_waiting(case=make_case(channel="email"), by=agent)
    assert case.status == CaseStatus.WAITING_FOR_CITIZEN
    services.contact_add(case=case, channel="email", direction="in", by=agent)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_stale_version_is_a_conflict_not_an_overwrite(make_case, agent, team_lead):
    case = make_case()
    loaded_version = case.version
    services.case_update(
        case=case, by=team_lead, expected_version=loaded_version, summary="Ändrad av Tove"
    )
    with pytest.raises(ConflictError) as error:
        services.case_update(
            case=case, by=agent, expected_version=loaded_version, summary="Ändrad av Agnes"
        )
    assert error.value.code == "case-version-conflict"
    case.refresh_from_db()
    assert case.summary == "Ändrad av Tove"


def test_every_change_is_in_the_history_with_its_author(make_case, agent, team_lead):
    case = make_case()
    services.case_update(case=case, by=team_lead, notes="Ring efter 15")
    services.case_resolve(case=case, rosa_level=1, by=agent)
    records = list(case.history.order_by("history_date", "history_id"))
    assert [r.history_user for r in records][-2:] == [team_lead, agent]
    assert records[-1].status == "resolved"
    assert records[-2].notes == "Ring efter 15"
    assert Contact.history.filter(case_id=case.pk).count() == 1


def test_manager_cannot_change_cases(make_case, manager):
    with pytest.raises(NotAllowedError):
        services.case_resolve(case=make_case(), rosa_level=1, by=manager)


def test_department_user_works_only_on_own_department(make_case, dept_user, other_dept_user):
    case = make_case()
    services.contact_add(case=case, channel="phone", direction="out", by=dept_user)
    with pytest.raises(NotAllowedError):
        services.contact_add(case=case, channel="phone", direction="out", by=other_dept_user)


def test_department_user_cannot_log_a_case_for_another_department(other_dept_user, service):
    with pytest.raises(DomainError) as error:
        services.case_create(channel="phone", summary="Fråga", by=other_dept_user, service=service)
    assert error.value.code == "department-not-own"


def test_outsider_cannot_log_cases(outsider):
    with pytest.raises(NotAllowedError):
        services.case_create(channel="phone", summary="Fråga", by=outsider)


def test_contact_before_the_case_started_is_refused(make_case, agent):
    case = make_case(occurred_at=at(2026, 3, 2))
    with pytest.raises(DomainError) as error:
        services.contact_add(
            case=case, channel="phone", direction="out", occurred_at=at(2026, 3, 1), by=agent
        )
    assert error.value.code == "contact-before-case"


def test_citizen_with_nothing_given_is_anonymous(agent):
    assert services.citizen_create(by=agent) is None
    citizen = services.citizen_create(name="Kim", personnummer="19850709-9805", by=agent)
    assert citizen.personnummer == "198507099805"
    assert citizen.personnummer_masked == "19850709-****"
