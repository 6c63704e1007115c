"""Escalations through the service layer: the promise and its deadline, the department's
actions and the states they lead to, who may act, and two people acting at once."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from cases import selectors, services
from cases.models import CaseStatus, Contact, Escalation, EscalationStatus
from kundtjanst.errors import ConflictError, DomainError, NotAllowedError
from kundtjanst.models import ClosureDay
from tests.factories import UnitFactory, make_department_user

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


# ---------------------------------------------------------------------------------------------
# The promise: deadline from the service's working days (DOMAIN.md calendar)


@pytest.mark.parametrize(
    ("handed_over", "working_days", "deadline"),
    [
        # Thursday before Midsummer Eve (Fri 19 June 2026, not a working day): Mon 22, Tue 23.
        (local(2026, 6, 18, 10, 30), 2, local(2026, 6, 23, 10, 30)),
        # Maundy Thursday is a working day; Good Friday and Easter Monday are not.
        (local(2026, 4, 2, 14, 0), 1, local(2026, 4, 7, 14, 0)),
        # Received on a Saturday: Monday is day 0, the clock starts at 00:00.
        (local(2026, 3, 7, 11, 0), 2, local(2026, 3, 11, 0, 0)),
        # Friday afternoon → Monday, same clock time.
        (local(2026, 3, 13, 15, 45), 1, local(2026, 3, 16, 15, 45)),
        # Christmas and New Year: from Wed 23 Dec the working days are 28, 29, 30 Dec and then
        # (New Year's Eve, New Year's Day and a weekend later) Mon 4 Jan.
        (local(2026, 12, 23, 9, 0), 3, local(2026, 12, 30, 9, 0)),
        (local(2026, 12, 23, 9, 0), 4, local(2027, 1, 4, 9, 0)),
    ],
)
def test_default_deadline_counts_the_services_working_days(
    make_case, escalate, service, handed_over, working_days, deadline
):
    service.callback_working_days = working_days
    service.save()
    case = make_case(occurred_at=handed_over - dt.timedelta(minutes=10))

    escalation = escalate(case, at=handed_over)

    assert escalation.callback_due == deadline
    case.refresh_from_db()
    assert case.callback_promised_at == deadline


def test_a_closure_day_is_not_a_working_day_for_the_promise(make_case, escalate, service):
    ClosureDay.objects.create(date=dt.date(2026, 5, 15), reason="Klämdag efter Kristi himmelsfärd")
    service.callback_working_days = 1
    service.save()
    handed_over = local(2026, 5, 13, 9, 0)  # Wednesday; Thursday 14 May is Ascension Day

    escalation = escalate(make_case(occurred_at=handed_over), at=handed_over)

    assert escalation.callback_due == local(2026, 5, 18, 9, 0)


def test_a_unit_of_another_department_gets_the_default_two_working_days(
    make_case, escalate, service, other_unit
):
    service.callback_working_days = 5
    service.save()
    handed_over = local(2026, 3, 2, 10, 0)  # Monday

    escalation = escalate(make_case(occurred_at=handed_over), unit=other_unit, at=handed_over)

    assert escalation.callback_due == local(2026, 3, 4, 10, 0)


def test_the_agent_may_promise_another_time(make_case, escalate):
    due = timezone.now() + dt.timedelta(hours=3)
    assert escalate(make_case(), callback_due=due).callback_due == due


# ---------------------------------------------------------------------------------------------
# Handing over


def test_escalating_hands_the_case_to_the_units_department_for_good(
    make_case, escalate, other_unit, other_dept_user
):
    case = make_case()

    escalation = escalate(case, unit=other_unit, told_citizen="Förskolan ringer upp i morgon.")

    case.refresh_from_db()
    assert escalation.status == EscalationStatus.NEW
    assert escalation.department == other_unit.department
    assert (case.status, case.department, case.service) == (
        CaseStatus.ESCALATED,
        other_unit.department,
        None,  # the service belonged to the department that no longer has the case
    )
    assert case.ever_escalated
    assert case.callback_promised_at == escalation.callback_due
    assert selectors.escalations_visible_to(other_dept_user).get() == escalation
    # Even when the department gives the answer on the first call back, it is not direct.
    resolved = services.case_resolve(case=case, rosa_level=2, by=other_dept_user)
    assert resolved.resolved_directly is False


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"question": "  "}, "question-required", "question"),
        ({"callback_channel": "web"}, "callback-channel-invalid", "callback_channel"),
        ({"callback_to": "ring"}, "callback-to-required", "callback_to"),
        (
            {"callback_channel": "email", "callback_to": "inte-en-adress"},
            "callback-to-required",
            "callback_to",
        ),
        ({"callback_channel": "letter", "callback_to": ""}, "callback-to-required", "callback_to"),
        ({"priority": "asap"}, "priority-invalid", "priority"),
    ],
)
def test_a_bad_hand_over_is_refused_and_leaves_the_case_as_it_was(
    make_case, escalate, changes, code, field
):
    case = make_case()

    with pytest.raises(DomainError) as error:
        escalate(case, **changes)

    assert (error.value.code, error.value.field) == (code, field)
    case.refresh_from_db()
    assert (case.status, case.ever_escalated, case.version) == (CaseStatus.OPEN, False, 1)
    assert not Escalation.objects.exists()


def test_a_promise_in_the_past_is_refused(make_case, escalate):
    with pytest.raises(DomainError) as error:
        escalate(make_case(), callback_due=timezone.now() - dt.timedelta(minutes=1))
    assert error.value.code == "callback-due-in-past"


def test_an_anonymous_caller_needs_a_number_to_be_called_back_on(make_case, escalate):
    case = make_case()  # no citizen
    with pytest.raises(DomainError) as error:
        escalate(case, callback_to="")
    assert error.value.code == "callback-to-required"


def test_the_citizens_own_number_is_used_when_none_is_given(agent, service, escalate):
    case = services.case_log(
        by=agent,
        citizen_details=services.CitizenDetails(name="Kim", email="kim@example.se"),
        channel="email",
        summary="Fråga om bygglov",
        service=service,
    )

    escalation = escalate(case, callback_channel="email", callback_to="")

    assert escalation.callback_to == "kim@example.se"


def test_an_inactive_unit_takes_no_hand_overs(make_case, escalate, unit):
    unit.active = False
    unit.save()
    with pytest.raises(DomainError) as error:
        escalate(make_case())
    assert error.value.code == "unit-inactive"


def test_a_case_already_with_a_department_is_not_handed_over_twice(make_case, escalate):
    case = escalate(make_case()).case
    with pytest.raises(DomainError) as error:
        escalate(case)
    assert error.value.code == "status-transition-not-allowed"


def test_a_stale_case_form_cannot_escalate(make_case, escalate, agent):
    case = make_case()
    services.case_update(case=case, by=agent, summary="Ändrad av kollega")
    with pytest.raises(ConflictError):
        escalate(case, expected_version=1)


# ---------------------------------------------------------------------------------------------
# The department's actions and the states they lead to


def test_accept_takes_ownership_and_starts_the_clock(make_case, escalate, dept_user):
    escalation = escalate(make_case())

    accepted = services.escalation_accept(
        escalation=escalation, by=dept_user, expected_version=escalation.version
    )

    assert accepted.status == EscalationStatus.ACCEPTED
    assert accepted.owner == dept_user
    assert accepted.first_action_at is not None
    assert accepted.version == escalation.version + 1
    with pytest.raises(DomainError) as error:
        services.escalation_accept(escalation=accepted, by=dept_user)
    assert error.value.code == "escalation-already-accepted"


def test_the_department_calling_back_keeps_the_promise(make_case, escalate, dept_user):
    case = make_case()
    escalation = escalate(case)

    answered = services.escalation_contact_citizen(
        escalation=escalation,
        by=dept_user,
        channel="phone",
        text="Bygglov behövs inte för braskaminen, bara en anmälan.",
    )

    assert answered.status == EscalationStatus.ANSWERED
    assert answered.owner == dept_user
    call = Contact.objects.get(case=case, direction="out")
    assert (call.channel, call.handled_by) == ("phone", dept_user)
    assert answered.callback_at == call.occurred_at
    assert answered.callback_at <= answered.callback_due
    assert not answered.is_overdue(now=answered.callback_due + dt.timedelta(days=3))


def test_returning_gives_the_case_back_to_the_agent_with_the_answer(
    make_case, escalate, dept_user, agent
):
    case = make_case()
    escalation = escalate(case)

    returned = services.escalation_return(
        escalation=escalation, by=dept_user, answer="Anmälan räcker; blankett på webben."
    )

    case.refresh_from_db()
    assert returned.status == EscalationStatus.RETURNED
    assert returned.returned_at is not None and returned.first_action_at is not None
    assert case.status == CaseStatus.OPEN
    assert case.assigned_to == agent
    assert returned.callback_at is None  # the citizen has not heard anything yet
    # The agent passes on the answer: that call is the callback.
    services.contact_add(case=case, channel="phone", direction="out", by=agent, text="Svar")
    returned.refresh_from_db()
    assert returned.callback_at is not None
    resolved = services.case_resolve(case=case, rosa_level=2, by=agent)
    assert resolved.resolved_directly is False
    # The department's part ended when it returned the case; finishing the case keeps that.
    returned.refresh_from_db()
    assert returned.status == EscalationStatus.RETURNED


def test_returning_without_an_answer_is_refused(make_case, escalate, dept_user):
    escalation = escalate(make_case())
    with pytest.raises(DomainError) as error:
        services.escalation_return(escalation=escalation, by=dept_user, answer=" ")
    assert (error.value.code, error.value.field) == ("answer-required", "answer")


def test_decision_records_its_date_and_the_application_date(make_case, escalate, dept_user):
    case = make_case(occurred_at=timezone.now() - dt.timedelta(days=20))
    escalation = escalate(case)
    today = timezone.localdate()

    decided = services.escalation_decide(
        escalation=escalation,
        by=dept_user,
        decision="Bygglov beviljat",
        decided_on=today,
        application_on=today - dt.timedelta(days=7),
    )

    assert (decided.decided_on, decided.application_on) == (today, today - dt.timedelta(days=7))
    assert decided.status == EscalationStatus.ACCEPTED  # a new one is taken on by deciding it
    assert decided.owner == dept_user


@pytest.mark.parametrize(
    ("days_from_today", "application_days", "code"),
    [
        (1, None, "decision-in-future"),
        (-30, None, "decision-before-first-contact"),
        (0, 1, "application-after-decision"),
    ],
)
def test_impossible_decision_dates_are_refused(
    make_case, escalate, dept_user, days_from_today, application_days, code
):
    escalation = escalate(make_case(occurred_at=timezone.now() - dt.timedelta(days=2)))
    today = timezone.localdate()

    with pytest.raises(DomainError) as error:
        services.escalation_decide(
            escalation=escalation,
            by=dept_user,
            decision="Avslag",
            decided_on=today + dt.timedelta(days=days_from_today),
            application_on=(
                today + dt.timedelta(days=application_days) if application_days else None
            ),
        )

    assert error.value.code == code
    escalation.refresh_from_db()
    assert escalation.decided_on is None


def test_closing_resolves_the_case_at_the_departments_level(make_case, escalate, dept_user):
    case = make_case()
    escalation = escalate(case)

    closed = services.escalation_close(
        escalation=escalation, by=dept_user, rosa_level=6, note="Beslut om bygglov skickat."
    )

    case.refresh_from_db()
    assert closed.status == EscalationStatus.CLOSED and closed.closed_at is not None
    assert (case.status, case.rosa_level, case.resolved_directly, case.resolved_by) == (
        CaseStatus.RESOLVED,
        6,
        False,
        dept_user,
    )
    assert case.resolution_note == "Beslut om bygglov skickat."


@pytest.mark.parametrize("finished", ["returned", "closed"])
@pytest.mark.parametrize("action", ["accept", "contact", "return", "decide", "reassign"])
def test_a_finished_escalation_takes_no_more_actions(
    make_case, escalate, dept_user, finished, action
):
    escalation = escalate(make_case())
    if finished == "returned":
        escalation = services.escalation_return(escalation=escalation, by=dept_user, answer="Ja")
    else:
        escalation = services.escalation_close(escalation=escalation, by=dept_user, rosa_level=5)
    colleague = make_department_user(escalation.department, username="greta")
    calls = {
        "accept": lambda: services.escalation_accept(escalation=escalation, by=dept_user),
        "contact": lambda: services.escalation_contact_citizen(
            escalation=escalation, by=dept_user, channel="phone", text="Hej"
        ),
        "return": lambda: services.escalation_return(
            escalation=escalation, by=dept_user, answer="Igen"
        ),
        "decide": lambda: services.escalation_decide(
            escalation=escalation,
            by=dept_user,
            decision="Beslut",
            decided_on=timezone.localdate(),
        ),
        "reassign": lambda: services.escalation_reassign(
            escalation=escalation, by=dept_user, owner=colleague
        ),
    }

    with pytest.raises(DomainError) as error:
        calls[action]()

    assert error.value.code in {
        "escalation-already-accepted",
        "escalation-not-open",
        "escalation-transition-not-allowed",
    }
    assert Escalation.objects.get().status == finished


def test_reassign_to_a_colleague_or_another_unit_of_the_department(
    make_case, escalate, dept_user, department, unit
):
    colleague = make_department_user(department, username="greta", first_name="Greta")
    inspection = UnitFactory(code="tillsyn", name="Tillsynsenheten", department=department)
    escalation = escalate(make_case())

    to_colleague = services.escalation_reassign(
        escalation=escalation, by=dept_user, owner=colleague
    )
    assert (to_colleague.status, to_colleague.owner, to_colleague.unit) == (
        EscalationStatus.ACCEPTED,
        colleague,
        unit,
    )

    to_unit = services.escalation_reassign(escalation=to_colleague, by=colleague, unit=inspection)
    assert (to_unit.status, to_unit.owner, to_unit.unit) == (
        EscalationStatus.NEW,
        None,
        inspection,
    )


def test_reassign_never_leaves_the_department(
    make_case, escalate, dept_user, other_unit, other_dept_user
):
    escalation = escalate(make_case())

    with pytest.raises(DomainError) as other_unit_error:
        services.escalation_reassign(escalation=escalation, by=dept_user, unit=other_unit)
    with pytest.raises(DomainError) as other_person_error:
        services.escalation_reassign(escalation=escalation, by=dept_user, owner=other_dept_user)

    assert other_unit_error.value.code == "unit-other-department"
    assert other_person_error.value.code == "owner-not-in-department"


def test_finishing_the_case_in_the_contact_centre_ends_an_open_hand_over(
    make_case, escalate, agent
):
    escalation = escalate(make_case())

    services.case_close(case=escalation.case, by=agent)

    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CLOSED
    assert escalation.history.first().history_change_reason == "closed with case"


# ---------------------------------------------------------------------------------------------
# Who may act


@pytest.mark.parametrize("who", ["agent", "team_lead", "manager", "other_dept_user", "outsider"])
def test_only_the_receiving_departments_staff_act_on_an_escalation(
    request, make_case, escalate, who
):
    escalation = escalate(make_case())
    user = request.getfixturevalue(who)

    with pytest.raises(NotAllowedError):
        services.escalation_accept(escalation=escalation, by=user)

    escalation.refresh_from_db()
    assert (escalation.status, escalation.version) == (EscalationStatus.NEW, 1)


def test_department_staff_see_only_their_departments_escalations(
    make_case, escalate, other_unit, dept_user, other_dept_user, agent, manager, outsider
):
    own = escalate(make_case())
    other = escalate(make_case(), unit=other_unit)

    assert set(selectors.escalations_visible_to(dept_user)) == {own}
    assert set(selectors.escalations_visible_to(other_dept_user)) == {other}
    assert set(selectors.escalations_visible_to(agent)) == {own, other}
    assert set(selectors.escalations_visible_to(manager)) == {own, other}
    assert not selectors.escalations_visible_to(outsider).exists()


# ---------------------------------------------------------------------------------------------
# Two people at once


def test_the_second_of_two_people_acting_on_the_same_version_gets_a_conflict(
    make_case, escalate, dept_user, department
):
    colleague = make_department_user(department, username="greta")
    escalation = escalate(make_case())
    seen_by_both = escalation.version

    services.escalation_accept(escalation=escalation, by=dept_user, expected_version=seen_by_both)
    with pytest.raises(ConflictError) as error:
        services.escalation_return(
            escalation=escalation,
            by=colleague,
            answer="Mitt svar",
            expected_version=seen_by_both,
        )

    assert error.value.code == "escalation-version-conflict"
    escalation.refresh_from_db()
    assert (escalation.status, escalation.owner, escalation.return_answer) == (
        EscalationStatus.ACCEPTED,
        dept_user,
        "",
    )


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_actions_on_one_version_let_exactly_one_through(
    agent, service, unit, dept_user, department
):
    """Real concurrency on the real database: both threads read version 1 and act at once."""
    colleague = make_department_user(department, username="greta")
    case = services.case_create(channel="phone", summary="Samtidigt", by=agent, service=service)
    escalation = services.escalation_create(
        case=case,
        unit=unit,
        by=agent,
        question="Samtidigt",
        callback_channel="phone",
        callback_to="070-1234567",
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, call) -> None:
        try:
            barrier.wait()
            call(user)
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        except BaseException as exc:  # collected and asserted below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=(
                dept_user,
                lambda u: services.escalation_accept(
                    escalation=escalation, by=u, expected_version=1
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                colleague,
                lambda u: services.escalation_return(
                    escalation=escalation, by=u, answer="Svar", expected_version=1
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "ok"]
    escalation.refresh_from_db()
    assert escalation.version == 2
    assert escalation.history.count() == 2  # created + the one action that got through


# ---------------------------------------------------------------------------------------------
# Overdue


def test_overdue_means_promise_passed_without_callback_on_an_unfinished_case(
    make_case, escalate, dept_user, agent
):
    late = escalate(make_case(), callback_due=timezone.now() + dt.timedelta(hours=1))
    kept = escalate(make_case(), callback_due=timezone.now() + dt.timedelta(hours=1))
    finished = escalate(make_case(), callback_due=timezone.now() + dt.timedelta(hours=1))
    services.escalation_contact_citizen(escalation=kept, by=dept_user, channel="phone", text="Hej")
    services.case_resolve(case=finished.case, rosa_level=1, by=agent)
    later = timezone.now() + dt.timedelta(hours=2)

    overdue = selectors.escalation_inbox(
        agent, selectors.EscalationFilters(state="overdue"), now=later
    )

    assert list(overdue) == [late]
    late.refresh_from_db()
    assert late.is_overdue(later) and not late.is_overdue(timezone.now())
    counts = selectors.escalation_counts(agent, selectors.EscalationFilters(), now=later)
    assert (counts["overdue"], counts["answered"], counts["closed"], counts["new"]) == (1, 1, 1, 1)


# ---------------------------------------------------------------------------------------------
# Routing


def test_the_target_is_suggested_from_checklist_then_service_then_department(
    make_case, service, unit, department
):
    inspection = UnitFactory(code="tillsyn", name="Tillsynsenheten", department=department)
    case = make_case()

    assert selectors.unit_suggest(case) == unit  # the department's first unit by name
    service.escalation_unit = inspection
    service.save()
    case.refresh_from_db()
    assert selectors.unit_suggest(case) == inspection
    assert selectors.unit_suggest(case, checklist_target="Bygglovsenheten") == unit
    assert selectors.unit_suggest(case, checklist_target="Okänd enhet") == inspection
    named_in_words = "Bygglovsenheten, bygglovshandläggare (ring före 12)"
    assert selectors.unit_suggest(case, checklist_target=named_in_words) == unit


def test_a_contact_logged_late_that_happened_earlier_is_the_callback(
    make_case, escalate, agent, dept_user
):
    start = timezone.now() - dt.timedelta(days=2)
    escalation = escalate(make_case(occurred_at=start), at=start + dt.timedelta(minutes=5))
    services.escalation_contact_citizen(
        escalation=escalation, by=dept_user, channel="phone", text="Svar"
    )
    earlier = start + dt.timedelta(hours=3)

    services.contact_add(
        case=escalation.case,
        channel="email",
        direction="out",
        occurred_at=earlier,
        text="Mejl som skickades i förrgår men registreras nu",
        by=agent,
    )

    escalation.refresh_from_db()
    assert escalation.callback_at == earlier
