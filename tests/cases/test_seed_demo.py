"""`manage.py seed_demo`: the demo municipality loads the same way every time, obeys the models'
rules and looks like a contact centre's year (here one month, over Christmas and a new year).

The demo is loaded once for the module inside a transaction that is rolled back at the end, so
the rest of the suite still starts from an empty log; each test runs in a savepoint within it.
"""

import datetime as dt
import re
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from cases.demo import data
from cases.demo.generator import add_months
from cases.models import (
    Case,
    CaseStatus,
    Channel,
    Citizen,
    Contact,
    Department,
    Direction,
    Escalation,
    EscalationStatus,
    ReferenceCounter,
    Service,
    SubjectArea,
    Unit,
)
from cases.personnummer import normalise_personnummer
from cases.selectors.escalation import ESCALATION_HISTORY_REASONS, overdue_q
from cases.services import response_time
from kundtjanst.workdays import WorkingCalendar

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = "2025-01-10"  # one month back covers Christmas, New Year and two reference years
CUTOFF = dt.datetime(2025, 1, 10, tzinfo=STOCKHOLM)
# Hashing the demo passwords with the real hasher costs seconds; the logins work the same.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
KKIK_AREAS = {
    "bygglov",
    "forskola",
    "grundskola",
    "individ-och-familjeomsorg",
    "aldreomsorg",
    "funktionsnedsattning",
    "kultur-och-fritid",
    "gator-och-vagar",
    "miljo-och-halsa",
}


def seed(*extra: str) -> str:
    out = StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("seed_demo", "--months", "1", "--today", TODAY, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed("--seed", "42")
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def snapshot() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    cases = list(
        Case.objects.order_by("reference").values_list(
            "reference",
            "summary",
            "channel",
            "status",
            "service__code",
            "assigned_to__username",
            "created_at",
            "first_response_at",
            "resolved_at",
            "rosa_level",
            "resolved_directly",
            "callback_promised_at",
            "citizen__name",
            "citizen__email",
            "citizen__phone",
        )
    )
    contacts = list(
        Contact.objects.order_by("case__reference", "occurred_at", "id").values_list(
            "case__reference",
            "channel",
            "direction",
            "occurred_at",
            "answered_at",
            "handled_by__username",
            "text",
        )
    )
    counters = list(ReferenceCounter.objects.order_by("year").values_list("year", "last_number"))
    escalations = list(
        Escalation.objects.order_by("case__reference", "created_at").values_list(
            "case__reference",
            "unit__code",
            "status",
            "priority",
            "told_citizen",
            "callback_due",
            "callback_to",
            "owner__username",
            "first_action_at",
            "callback_at",
            "returned_at",
            "decision",
            "decided_on",
            "application_on",
            "closed_at",
            "version",
        )
    )
    return cases, contacts, counters, escalations


def row_counts() -> dict[str, int]:
    models = [Case, Contact, Citizen, Department, Service, Unit, Escalation, User, ReferenceCounter]
    counts = {model.__name__: model.objects.count() for model in models}
    for model in (Case, Contact, Citizen, Department, Service, Unit, Escalation):
        counts[f"history of {model.__name__}"] = model.history.count()
    counts["unit members"] = Unit.members.through.objects.count()
    return counts


# --- Loading, determinism, idempotency ----------------------------------------------------------


def test_loading_reports_progress_per_month_and_the_demo_logins(demo):
    assert re.search(r"2024-12:\s+\d+ ärenden", demo)
    assert re.search(r"2025-01:\s+\d+ ärenden", demo)
    assert "Klart:" in demo
    for login in data.DEMO_LOGINS:
        assert f"{login.username:<13} / {login.username:<13}" in demo
    assert "gäller bara den inbäddade lokala demon" in demo


def test_same_seed_and_day_give_identical_data_in_an_emptied_database(demo, settings):
    settings.DEBUG = True  # --reset is for the local demo only
    first = snapshot()
    assert len(first[0]) > 1000
    assert len(first[3]) > 100
    units = list(Unit.objects.order_by("code").values_list("code", "name", "department__code"))
    members = Unit.members.through.objects.count()

    output = seed("--seed", "42", "--reset")

    assert "Tar bort befintliga ärenden" in output
    assert snapshot() == first
    # The organisation is brought back to the demo's, not loaded a second time.
    assert list(Unit.objects.order_by("code").values_list("code", "name", "department__code")) == (
        units
    )
    assert Unit.members.through.objects.count() == members


def test_another_seed_gives_other_data(demo, settings):
    settings.DEBUG = True
    summaries = [row[1] for row in snapshot()[0]]

    seed("--seed", "7", "--reset")

    assert [row[1] for row in snapshot()[0]] != summaries


def test_second_run_changes_nothing(demo):
    before = row_counts()
    updated = dict(Case.objects.values_list("reference", "updated_at"))

    output = seed("--seed", "42")

    assert "redan inläst" in output
    assert row_counts() == before
    assert dict(Case.objects.values_list("reference", "updated_at")) == updated


def test_reset_is_refused_outside_debug(demo, settings):
    settings.DEBUG = False
    before = row_counts()
    with pytest.raises(CommandError, match="DEBUG"):
        seed("--seed", "7", "--reset")
    assert row_counts() == before


def test_months_below_one_are_refused(db):
    with pytest.raises(CommandError, match="--months"):
        call_command("seed_demo", "--months", "0", stdout=StringIO())


def test_add_months_keeps_the_day_or_clamps_to_the_month_end():
    assert add_months(dt.date(2025, 3, 31), -1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 10), -12) == dt.date(2024, 1, 10)
    assert add_months(dt.date(2025, 1, 10), -1) == dt.date(2024, 12, 10)


# --- Organisation and people --------------------------------------------------------------------


def test_eight_departments_each_with_six_to_twelve_services(demo):
    departments = Department.objects.filter(code__in=[d.code for d in data.DEPARTMENTS])
    assert departments.count() == 8
    assert departments.get(code="samhallsbyggnad").name == "Samhällsbyggnadsförvaltningen"
    for department in departments:
        assert 6 <= department.services.count() <= 12, department.code


def test_services_have_unique_slug_codes_and_only_the_kkik_subject_areas(demo):
    codes = [s.code for d in data.DEPARTMENTS for s in d.services]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)
    used = set(
        Service.objects.filter(code__in=codes)
        .exclude(subject_area=None)
        .values_list("subject_area__code", flat=True)
    )
    assert used == KKIK_AREAS
    assert set(SubjectArea.objects.values_list("code", flat=True)) == KKIK_AREAS
    assert Service.objects.filter(code__in=codes, subject_area=None).exists()


@pytest.mark.parametrize("login", data.DEMO_LOGINS, ids=lambda login: login.username)
def test_each_demo_login_authenticates_with_its_role(demo, login):
    user = authenticate(username=login.username, password=login.username)

    assert user is not None
    if login.role == "admin":
        assert user.is_superuser and user.is_staff
    else:
        assert set(user.groups.values_list("name", flat=True)) == {login.role}
        assert not user.is_superuser
    if login.department:
        assert user.staff_profile.department.code == login.department


def test_the_team_has_named_agents_and_a_case_officer_per_department(demo):
    agents = User.objects.filter(groups__name="kundtjanst")
    assert agents.count() >= 9
    assert not agents.exclude(username="agent").filter(password__startswith="md5").exists()
    for spec in data.DEPARTMENTS:
        officers = User.objects.filter(
            groups__name="forvaltning", staff_profile__department__code=spec.code
        )
        assert officers.exists(), spec.code
    # The named extra users cannot log in with a guessable password.
    assert authenticate(username="lisa.johansson", password="lisa.johansson") is None


# --- The models' rules --------------------------------------------------------------------------


def test_a_sample_of_every_kind_of_row_passes_full_clean(demo):
    for case in Case.objects.order_by("id")[::20]:
        case.full_clean()
    for contact in Contact.objects.order_by("id")[::20]:
        contact.full_clean()
    for citizen in Citizen.objects.order_by("id")[::10]:
        citizen.full_clean()
        if citizen.personnummer:
            assert normalise_personnummer(citizen.personnummer) == citizen.personnummer


def test_references_are_gap_free_per_year_and_increase_with_time(demo):
    references = list(Case.objects.order_by("created_at", "id").values_list("reference", flat=True))
    assert references == sorted(references)
    numbers: dict[int, list[int]] = {}
    for reference in references:
        _, year, number = reference.split("-")
        numbers.setdefault(int(year), []).append(int(number))
    assert set(numbers) == {2024, 2025}
    for year, found in numbers.items():
        assert found == list(range(1, len(found) + 1)), year
        assert ReferenceCounter.objects.get(year=year).last_number == len(found)


def test_nothing_has_happened_after_the_cutoff(demo):
    moments = [
        *Case.objects.values_list("created_at", flat=True),
        *Case.objects.exclude(resolved_at=None).values_list("resolved_at", flat=True),
        *Case.objects.exclude(closed_at=None).values_list("closed_at", flat=True),
        *Contact.objects.values_list("occurred_at", flat=True),
        *Contact.objects.exclude(answered_at=None).values_list("answered_at", flat=True),
    ]
    assert min(moments) >= dt.datetime(2024, 12, 10, tzinfo=STOCKHOLM)
    assert max(moments) < CUTOFF


def test_each_case_starts_with_its_first_contact_and_has_version_one(demo):
    first = {}
    for reference, occurred_at, direction in Contact.objects.order_by(
        "occurred_at", "id"
    ).values_list("case__reference", "occurred_at", "direction"):
        first.setdefault(reference, (occurred_at, direction))
    for reference, created_at, version in Case.objects.values_list(
        "reference", "created_at", "version"
    ):
        assert first[reference] == (created_at, Direction.IN)
        assert version == 1


def test_first_response_follows_the_services_rule(demo):
    cases = Case.objects.prefetch_related("contacts").order_by("id")[::7]
    for case in cases:
        responses = [response_time(c) for c in case.contacts.all()]
        expected = min((r for r in responses if r is not None), default=None)
        assert case.first_response_at == expected, case.reference


def test_resolved_directly_means_what_the_domain_says(demo):
    resolved = Case.objects.filter(status=CaseStatus.RESOLVED).prefetch_related(
        "contacts", "resolved_by__groups"
    )
    for case in resolved:
        inbound = [c for c in case.contacts.all() if c.direction == Direction.IN]
        by_agent = {g.name for g in case.resolved_by.groups.all()} == {"kundtjanst"}
        expected = (
            by_agent
            and case.rosa_level <= 4
            and not case.ever_escalated
            and case.callback_promised_at is None
            and len(inbound) == 1
        )
        assert case.resolved_directly is expected, case.reference
    assert not Case.objects.exclude(status=CaseStatus.RESOLVED).exclude(resolved_directly=None)


def test_direct_answers_are_near_the_70_percent_target(demo):
    resolved = Case.objects.filter(status=CaseStatus.RESOLVED)
    share = resolved.filter(resolved_directly=True).count() / resolved.count()
    assert 0.6 <= share <= 0.8


def test_escalations_carry_a_promise_and_departments_answer_them(demo):
    escalated = Case.objects.filter(ever_escalated=True)
    assert escalated.count() > 100
    assert not escalated.filter(callback_promised_at=None).exists()
    resolved = escalated.filter(status=CaseStatus.RESOLVED)
    by_department = resolved.filter(escalations__status=EscalationStatus.CLOSED)
    assert by_department.count() > 0.8 * resolved.count()
    assert not by_department.exclude(resolved_by__groups__name="forvaltning").exists()
    assert set(by_department.values_list("rosa_level", flat=True)) == {4, 5, 6}
    # The rest were sent back, and the contact centre gave the answer at its own level.
    by_agents = resolved.exclude(escalations__status=EscalationStatus.CLOSED)
    assert by_agents.exists()
    assert not by_agents.exclude(escalations__status=EscalationStatus.RETURNED).exists()
    assert not by_agents.exclude(resolved_by__groups__name="kundtjanst").exists()
    assert set(by_agents.values_list("rosa_level", flat=True)) <= {1, 2, 3, 4}
    still_open = escalated.filter(status=CaseStatus.ESCALATED)
    assert still_open.exists()
    assert still_open.filter(callback_promised_at__lt=CUTOFF).exists()  # overdue promises


def test_every_status_occurs_and_unfinished_cases_are_the_recent_ones(demo):
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert set(statuses) == set(CaseStatus.values)
    assert statuses[CaseStatus.RESOLVED] > 0.85 * sum(statuses.values())
    unfinished = (CaseStatus.OPEN, CaseStatus.WAITING_FOR_CITIZEN, CaseStatus.ESCALATED)
    for status in unfinished:
        ages = sorted(
            (CUTOFF - created).days
            for created in Case.objects.filter(status=status).values_list("created_at", flat=True)
        )
        # Half of the month's cases are over two weeks old; half the unfinished under a week.
        assert ages[len(ages) // 2] < 7, status
    closed = Case.objects.filter(status=CaseStatus.CLOSED)
    assert not closed.filter(closed_at=None).exists()
    assert not closed.exclude(rosa_level=None).exists()


# --- Units and escalations ----------------------------------------------------------------------


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(STOCKHOLM).date()


def escalations() -> list[Escalation]:
    return list(
        Escalation.objects.select_related("case", "case__citizen", "case__service", "unit")
        .prefetch_related("case__contacts")
        .order_by("id")
    )


def department_of_staff() -> dict[int, int]:
    """user id -> department id, for the department role's users."""
    return dict(
        User.objects.filter(groups__name="forvaltning").values_list(
            "pk", "staff_profile__department_id"
        )
    )


def test_each_department_has_units_that_route_its_services(demo):
    for spec in data.DEPARTMENTS:
        department = Department.objects.get(code=spec.code)
        units = {unit.code: unit for unit in department.units.all()}
        assert 2 <= len(spec.units) <= 3, spec.code
        assert set(units) == {u.code for u in spec.units}, spec.code
        for unit_spec in spec.units:
            unit = units[unit_spec.code]
            assert unit.name == unit_spec.name and unit.active
            assert unit.email == f"{unit_spec.mailbox}@{data.UNIT_MAIL_DOMAIN}"
            unit.full_clean()
        for service_spec in spec.services:
            service = Service.objects.get(code=service_spec.code)
            assert service.escalation_unit == units[service_spec.unit], service.code
            assert service.callback_working_days == service_spec.callback_working_days
    days = Counter(Service.objects.values_list("callback_working_days", flat=True))
    assert set(days) <= {1, 2, 3, 4, 5}
    assert days.most_common(1)[0][0] == 2
    assert data.UNIT_MAIL_DOMAIN.endswith(".example")  # RFC 2606: no reminder reaches anyone


def test_department_staff_are_members_of_all_their_units_with_history(demo):
    for spec in data.DEPARTMENTS:
        staff = User.objects.get(username=spec.staff.username)
        units = Unit.objects.filter(department__code=spec.code)
        assert set(staff.units.all()) == set(units), spec.code
        for unit in units:
            assert unit.history.filter(history_type="+").exists()
            latest = unit.history.order_by("-history_date", "-history_id").first()
            assert staff.pk in latest.members.values_list("user_id", flat=True)
    login = User.objects.get(username="forvaltning")  # the department demo login works there too
    assert set(login.units.all()) == set(Unit.objects.filter(department__code="samhallsbyggnad"))


def test_every_escalated_case_has_the_escalation_its_promise_came_from(demo):
    calendar = WorkingCalendar()
    escalated = set(Case.objects.filter(ever_escalated=True).values_list("pk", flat=True))
    rows = escalations()
    assert {e.case_id for e in rows} == escalated
    latest: dict[int, Escalation] = {}
    for escalation in rows:
        case = escalation.case
        if case.pk not in latest or escalation.created_at > latest[case.pk].created_at:
            latest[case.pk] = escalation
        assert escalation.unit == case.service.escalation_unit, case.reference
        assert escalation.department_id == escalation.unit.department_id == case.department_id
        assert escalation.question == case.summary
        assert case.created_at <= escalation.created_at < escalation.callback_due
        # The live form's default promise: the service's working days from the hand-over.
        assert escalation.callback_due == calendar.deadline(
            escalation.created_at, case.service.callback_working_days
        ), case.reference
        citizen = case.citizen
        if citizen.phone:
            assert (escalation.callback_channel, escalation.callback_to) == (
                Channel.PHONE,
                citizen.phone,
            )
        else:
            assert (escalation.callback_channel, escalation.callback_to) == (
                Channel.EMAIL,
                citizen.email,
            )
        due = f"{escalation.callback_due.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"
        assert escalation.told_citizen.startswith(f"Handläggare på {escalation.unit.name} ")
        assert escalation.told_citizen.endswith(f"senast {due}.")
        escalation.full_clean()
    for escalation in latest.values():
        assert escalation.callback_due == escalation.case.callback_promised_at
    agents = set(User.objects.filter(groups__name="kundtjanst").values_list("pk", flat=True))
    assert {e.created_by_id for e in rows} <= agents


def test_the_callback_is_the_first_contact_to_the_citizen_after_the_hand_over(demo):
    for escalation in escalations():
        outbound = sorted(
            (c.occurred_at, c.text)
            for c in escalation.case.contacts.all()
            if c.direction == Direction.OUT and c.occurred_at >= escalation.created_at
        )
        reference = escalation.case.reference
        assert escalation.callback_at == (outbound[0][0] if outbound else None), reference
        # The contact centre's "we have handed your question over" came before the hand-over,
        # so it is not taken for the callback.
        assert not outbound or outbound[0][1] != data.ESCALATION_REPLY, reference


def test_department_actions_follow_the_escalation_rules(demo):
    staff = department_of_staff()
    statuses = Counter()
    for escalation in escalations():
        case, status = escalation.case, escalation.status
        statuses[status] += 1
        reference = case.reference
        acted = [
            moment
            for moment in (escalation.returned_at, escalation.closed_at)
            if moment is not None
        ]
        if status == EscalationStatus.NEW:
            assert escalation.owner_id is None and escalation.first_action_at is None, reference
            assert not acted and escalation.callback_at is None
        else:
            # Whoever acted first owns it, and that is someone of the receiving department.
            assert staff[escalation.owner_id] == escalation.department_id, reference
            assert escalation.created_at <= escalation.first_action_at, reference
            assert all(escalation.first_action_at <= moment for moment in acted), reference
        if status in (EscalationStatus.NEW, EscalationStatus.ACCEPTED):
            assert case.status == CaseStatus.ESCALATED, reference
            assert escalation.callback_at is None, reference
        elif status == EscalationStatus.ANSWERED:
            assert case.status == CaseStatus.ESCALATED, reference
            assert escalation.callback_at is not None, reference
        elif status == EscalationStatus.RETURNED:
            assert escalation.return_answer and escalation.returned_at, reference
            assert escalation.closed_at is None
            assert case.status in (CaseStatus.OPEN, CaseStatus.RESOLVED), reference
            if escalation.callback_at is not None:
                assert escalation.callback_at >= escalation.returned_at
        else:
            # Closed by the department: the case is resolved by it, never "answered directly".
            assert status == EscalationStatus.CLOSED
            assert case.status == CaseStatus.RESOLVED, reference
            assert case.resolved_directly is False
            assert case.resolved_at == escalation.closed_at
            assert staff.get(case.resolved_by_id) == escalation.department_id, reference
            assert escalation.callback_at is not None
            assert not escalation.return_answer and escalation.returned_at is None
    total = sum(statuses.values())
    assert set(statuses) == set(EscalationStatus.values)
    assert statuses[EscalationStatus.CLOSED] > 0.5 * total
    assert 0.02 * total <= statuses[EscalationStatus.RETURNED] <= 0.15 * total


def test_decisions_are_dated_after_the_first_contact_and_on_services_that_decide(demo):
    deciding = {s.code for d in data.DEPARTMENTS for s in d.services if s.decisions}
    decided = [e for e in escalations() if e.decided_on is not None]
    assert len(decided) >= 10
    assert any(e.application_on is not None for e in decided)
    assert not Escalation.objects.filter(decided_on=None).exclude(decision="").exists()
    for escalation in decided:
        case = escalation.case
        assert case.service.code in deciding, case.reference
        assert escalation.decision, case.reference
        assert local_date(case.created_at) <= escalation.decided_on < CUTOFF.date()
        assert local_date(escalation.callback_at) <= escalation.decided_on
        if escalation.application_on is not None:
            assert escalation.application_on <= escalation.decided_on


def test_some_promises_are_overdue_at_the_cutoff(demo):
    overdue = Escalation.objects.filter(overdue_q(CUTOFF))
    assert overdue.exists()
    # Both ones nobody has picked up and ones a department accepted but has not called back.
    assert overdue.filter(status=EscalationStatus.NEW).exists()
    assert overdue.filter(status=EscalationStatus.ACCEPTED).exists()
    for escalation in overdue:
        assert escalation.is_overdue(CUTOFF)
        assert not escalation.case.is_finished


def test_nothing_happened_to_an_escalation_after_the_cutoff(demo):
    moments = [
        moment
        for row in Escalation.objects.values_list(
            "created_at", "first_action_at", "callback_at", "returned_at", "closed_at"
        )
        for moment in row
        if moment is not None
    ]
    assert max(moments) < CUTOFF
    assert max(Escalation.history.values_list("history_date", flat=True)) < CUTOFF


def test_every_escalation_has_a_history_row_per_change_ending_in_its_state(demo):
    history = {}
    for record in Escalation.history.order_by("history_date", "history_id"):
        history.setdefault(record.id, []).append(record)
    rows = escalations()
    assert set(history) == {e.pk for e in rows}
    for escalation in rows:
        records = history[escalation.pk]
        first, last = records[0], records[-1]
        assert (first.history_type, first.history_change_reason) == ("+", "created")
        assert first.history_date == escalation.created_at
        assert first.history_user_id == escalation.created_by_id
        assert first.status == EscalationStatus.NEW and first.version == 1
        assert [r.history_type for r in records[1:]] == ["~"] * (len(records) - 1)
        assert [r.version for r in records] == list(range(1, len(records) + 1))
        assert {r.history_change_reason for r in records} <= set(ESCALATION_HISTORY_REASONS)
        # In the order the escalation services allow: a department's callback and decision
        # before it closes; after a return, only the contact centre's callback.
        reasons = " ".join(r.history_change_reason for r in records)
        department = r"( contacted citizen( decided)?( closed)?)"
        sent_back = r"( returned( callback)?)"
        assert re.fullmatch(rf"created( accepted)?({department}|{sent_back})?", reasons), (
            escalation.pk,
            reasons,
        )
        for field in ("status", "owner_id", "callback_at", "closed_at", "decided_on", "version"):
            assert getattr(last, field) == getattr(escalation, field), (escalation.pk, field)
        if escalation.callback_at is not None:
            callback = next(r for r in records if r.callback_at is not None)
            assert callback.history_date == escalation.callback_at
            assert callback.history_change_reason in ("callback", "contacted citizen")


def history_shape(escalation: Escalation) -> list[tuple]:
    """What each history row says happened, without the moments (the services use `now`)."""
    return [
        (
            r.history_change_reason,
            r.history_type,
            r.status,
            r.version,
            r.owner_id is not None,
            r.first_action_at is not None,
            r.callback_at is not None,
            r.returned_at is not None,
            r.decided_on is not None,
            r.closed_at is not None,
        )
        for r in escalation.history.order_by("history_date", "history_id")
    ]


def demo_escalation_with(reasons: str, *, besides: Escalation) -> Escalation:
    for escalation in Escalation.objects.exclude(pk=besides.pk).order_by("id"):
        shape = history_shape(escalation)
        if " ".join(row[0] for row in shape) == reasons:
            return escalation
    raise AssertionError(f"the demo has no escalation with the history {reasons!r}")


@pytest.mark.parametrize("path", ["department decides", "returned"])
def test_the_demo_writes_escalation_history_as_the_services_do(demo, path):
    from cases.services import case_create, contact_add
    from cases.services.escalation import (
        escalation_accept,
        escalation_close,
        escalation_contact_citizen,
        escalation_create,
        escalation_decide,
        escalation_return,
    )

    service = Service.objects.get(code="bygglov-nybyggnad-tillbyggnad")
    agent = User.objects.get(username="agent")
    officer = User.objects.get(username="helena.aberg")
    case = case_create(
        channel=Channel.PHONE,
        summary="Hur långt har min ansökan kommit?",
        service=service,
        by=agent,
    )
    escalation = escalation_create(
        case=case,
        unit=service.escalation_unit,
        by=agent,
        question=case.summary,
        callback_channel=Channel.PHONE,
        callback_to="070-174 06 10",
    )
    escalation_accept(escalation=escalation, by=officer)
    if path == "department decides":
        escalation_contact_citizen(
            escalation=escalation, by=officer, channel=Channel.PHONE, text="Ringde upp."
        )
        today = timezone.localdate()
        escalation_decide(escalation=escalation, by=officer, decision="Beviljat.", decided_on=today)
        escalation_close(escalation=escalation, by=officer, rosa_level=5)
        reasons = "created accepted contacted citizen decided closed"
    else:
        escalation_return(escalation=escalation, by=officer, answer="Kundtjänst kan svara.")
        contact_add(case=case, channel=Channel.PHONE, direction=Direction.OUT, by=agent)
        reasons = "created accepted returned callback"

    demo_escalation = demo_escalation_with(reasons, besides=escalation)
    assert history_shape(escalation) == history_shape(demo_escalation)


# --- What the demand looks like -----------------------------------------------------------------


def test_channel_mix_has_phone_first(demo):
    mix = Counter(Case.objects.values_list("channel", flat=True))
    total = sum(mix.values())
    assert set(mix) == set(Channel.values)
    assert mix.most_common(1)[0][0] == Channel.PHONE
    assert 0.45 <= mix[Channel.PHONE] / total <= 0.65
    assert 0.12 <= mix[Channel.EMAIL] / total <= 0.28
    assert mix[Channel.LETTER] < mix[Channel.SOCIAL] < mix[Channel.CHAT]


def test_phone_calls_are_answered_quickly_and_some_are_abandoned(demo):
    assert not Contact.objects.exclude(answered_at=None).exclude(
        channel=Channel.PHONE, direction=Direction.IN
    )
    calls = list(
        Contact.objects.filter(channel=Channel.PHONE, direction=Direction.IN).values_list(
            "occurred_at", "answered_at"
        )
    )
    abandoned = sum(answered is None for _, answered in calls)
    within_60 = sum(
        answered is not None and dt.timedelta(0) <= answered - occurred <= dt.timedelta(seconds=60)
        for occurred, answered in calls
    )
    assert 0.03 <= abandoned / len(calls) <= 0.10
    assert 0.65 <= within_60 / len(calls) <= 0.9
    assert any(
        answered is not None and answered - occurred > dt.timedelta(minutes=2)
        for occurred, answered in calls
    )


def test_arrivals_follow_opening_hours_and_working_days(demo):
    calendar = WorkingCalendar()
    outside_by_channel = Counter()
    for channel, occurred in Contact.objects.filter(direction=Direction.IN).values_list(
        "channel", "occurred_at"
    ):
        local = occurred.astimezone(STOCKHOLM)
        minute = local.hour * 60 + local.minute
        if not calendar.is_working_day(local.date()) or not 8 * 60 <= minute < 16 * 60 + 30:
            outside_by_channel[channel] += 1
    assert outside_by_channel, "some mail arrives in the evening and at weekends"
    assert set(outside_by_channel) <= {Channel.EMAIL, Channel.WEB, Channel.SOCIAL}
    per_day = Counter(
        c.astimezone(STOCKHOLM).date() for c in Case.objects.values_list("created_at", flat=True)
    )
    working = [day for day in per_day if calendar.is_working_day(day)]
    closed = [day for day in per_day if not calendar.is_working_day(day)]
    assert max(per_day[day] for day in closed) < min(per_day[day] for day in working)
    ordinary = [d for d in working if d < dt.date(2024, 12, 21)]
    christmas = [d for d in working if dt.date(2024, 12, 21) <= d <= dt.date(2025, 1, 6)]

    def mean(days: list[dt.date]) -> float:
        return sum(per_day[day] for day in days) / len(days)

    assert 120 <= mean(ordinary) <= 180
    assert mean(christmas) < 0.8 * mean(ordinary)


def test_peaks_are_mid_morning_and_early_afternoon(demo):
    hours = Counter(
        c.astimezone(STOCKHOLM).hour
        for c in Contact.objects.filter(channel=Channel.PHONE, direction=Direction.IN).values_list(
            "occurred_at", flat=True
        )
    )
    assert hours[10] > hours[8] and hours[10] > hours[12]
    assert hours[13] > hours[12] and hours[14] > hours[16]


def test_citizens_are_registered_only_where_needed(demo):
    cases = Case.objects.all()
    with_citizen = cases.exclude(citizen=None).count() / cases.count()
    assert 0.3 <= with_citizen <= 0.8
    # An e-mail must be answered, an escalation called back: both need contact details.
    assert not cases.filter(channel=Channel.EMAIL, citizen=None).exists()
    assert not cases.filter(ever_escalated=True, citizen=None).exists()
    emails = Citizen.objects.exclude(email="").values_list("email", flat=True)
    assert all(e.rsplit("@", 1)[1] in data.EMAIL_DOMAINS for e in emails)
    phones = Citizen.objects.exclude(phone="").values_list("phone", flat=True)
    assert all(p.startswith("070-174 06 ") for p in phones)


def test_every_row_has_a_creation_history_row_dated_when_it_happened(demo):
    assert Case.history.count() == Case.objects.count()
    assert Contact.history.count() == Contact.objects.count()
    assert Citizen.history.count() == Citizen.objects.count()
    case = Case.objects.filter(status=CaseStatus.RESOLVED).order_by("id").first()
    record = case.history.get()
    assert record.history_type == "+"
    assert record.history_date == case.created_at
    assert record.history_user_id == case.assigned_to_id
    assert record.status == case.status
    contact = Contact.objects.exclude(handled_by=None).order_by("id").first()
    contact_record = contact.history.get()
    assert contact_record.history_date == contact.occurred_at
    assert contact_record.history_user_id == contact.handled_by_id
    # Bookkeeping dates are those of the moments the rows stand for, not of the load.
    assert not Contact.objects.exclude(created_at=F("occurred_at")).exists()


def test_every_demo_service_has_an_agreement_at_its_agreed_level(demo):
    from checklists.selectors import agreement_line_in_force

    today = dt.date.fromisoformat(TODAY)
    for spec in data.DEPARTMENTS:
        for service_spec in spec.services:
            service = Service.objects.get(code=service_spec.code)
            line = agreement_line_in_force(service, today)
            assert line is not None and line.max_rosa == service_spec.agreed_rosa


def test_demo_has_published_checklists_in_every_state(demo):
    from checklists.models import ChecklistVersion, VersionStatus

    counts = Counter(ChecklistVersion.objects.values_list("status", flat=True))
    assert counts[VersionStatus.PUBLISHED] >= 150
    assert counts[VersionStatus.IN_REVIEW] > 0 and counts[VersionStatus.DRAFT] > 0


def test_demo_agents_used_checklists_so_the_search_has_learned(demo):
    from checklists.learning import learned_for
    from checklists.models import ChecklistUse, LearnedTerm, SearchTermUse

    uses = ChecklistUse.objects.select_related("case", "version__checklist")
    assert uses.count() > 100
    assert all(use.version.checklist.service_id == use.case.service_id for use in uses[:50])
    assert SearchTermUse.objects.count() > uses.count()  # several words per search
    assert LearnedTerm.objects.exists()
    first = uses.first()
    assert first.version.checklist_id in learned_for(first.search_text, limit=50)
