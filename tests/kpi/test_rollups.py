"""The dashboard's day rollups (ADR 0008) always sum to what the live measures compute."""

import datetime as dt
import random
import threading
from collections import Counter
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cases import services
from cases.models import Case, Contact, SurveyQuestion
from kpi.measures import (
    MeasureFilters,
    direct_answer_rate,
    direct_answer_rate_by,
    email_measure,
    phone_measure,
    survey_measure,
)
from kpi.measures.direct_answer import contacts_before_answer
from kpi.measures.flows import (
    contacts_by_groups,
    contacts_by_hour_of_week,
    repeat_contacts,
    trend,
)
from kpi.models import DayCases, RollupState
from kpi.rollups import dashboard_figures, rollups_refresh
from kundtjanst.errors import DomainError
from kundtjanst.workdays import closure_day_set

GROUPS = ["department", "channel", "subject_area", "rosa_level"]


def live(filters: MeasureFilters, unit: str) -> dict:
    return {
        "email": email_measure(filters),
        "phone": phone_measure(filters),
        "courtesy": survey_measure(filters, SurveyQuestion.COURTESY),
        "direct": direct_answer_rate(filters),
        "by_department": {
            str(code): rate for code, rate in direct_answer_rate_by(filters, "department").items()
        },
        "repeat": repeat_contacts(filters),
        "before_answer": contacts_before_answer(filters),
        "trend": trend(filters, unit),
        "hour_of_week": contacts_by_hour_of_week(filters),
        "flows": contacts_by_groups(filters, GROUPS),
    }


def rolled(filters: MeasureFilters, unit: str) -> dict:
    rollups_refresh()
    figures = dashboard_figures(filters, unit)
    return {key: getattr(figures, key) for key in live(filters, unit)}


def assert_same(filters: MeasureFilters, unit: str = "month") -> None:
    expected, got = live(filters, unit), rolled(filters, unit)
    for key in expected:
        assert got[key] == expected[key], key


def periods(today: dt.date) -> list[MeasureFilters]:
    whole = MeasureFilters(today - dt.timedelta(days=40), today + dt.timedelta(days=1))
    return [
        whole,
        replace(whole, department="bygg"),
        replace(whole, department="skola"),
        MeasureFilters(today - dt.timedelta(days=10), today - dt.timedelta(days=3)),
        MeasureFilters(today - dt.timedelta(days=1), today - dt.timedelta(days=1)),
    ]


@pytest.mark.parametrize("seed", [11, 12])
def test_rollups_equal_the_live_measures_after_random_work(
    seed, make_case, agent, service, other_service
):
    # Refreshes between the steps: only the stamps of what changed since find the days to redo.
    rng = random.Random(seed)
    now = timezone.now()
    cases: list[Case] = []
    done: Counter[str] = Counter()
    for _step in range(70):
        action = rng.choice(
            ["create", "create", "contact", "resolve", "reopen", "update", "rate", "refresh"]
        )
        try:
            if action == "create" or not cases:
                at = now - dt.timedelta(days=rng.randrange(30), minutes=rng.randrange(1440))
                channel = rng.choice(["phone", "phone", "email", "web", "visit"])
                extra = {}
                if channel == "phone":
                    extra["answered_at"] = rng.choice([None, at, at + dt.timedelta(seconds=90)])
                cases.append(
                    make_case(
                        channel=channel,
                        occurred_at=at,
                        service=rng.choice([service, other_service]),
                        **extra,
                    )
                )
                done["create"] += 1
                continue
            case = Case.objects.get(pk=rng.choice(cases).pk)
            if action == "contact":
                at = min(now, case.created_at + dt.timedelta(hours=rng.choice([1, 20, 30, 75])))
                direction = rng.choice(["in", "out"])
                channel = rng.choice(["phone", "email"])
                services.contact_add(
                    case=case,
                    channel=channel,
                    direction=direction,
                    by=agent,
                    occurred_at=at,
                    answered_at=at if (channel, direction) == ("phone", "in") else None,
                )
            elif action == "resolve":
                services.case_resolve(case=case, rosa_level=rng.choice([1, 2, 3]), by=agent)
            elif action == "reopen":
                services.case_reopen(case=case, by=agent)
            elif action == "update":
                services.case_update(
                    case=case, by=agent, service=rng.choice([service, other_service])
                )
            elif action == "rate":
                contact = Contact.objects.filter(case=case).order_by("?").first()
                services.survey_answer_record(
                    contact=contact, question="courtesy", grade=rng.randint(1, 5)
                )
            elif action == "refresh":
                rollups_refresh()
            done[action] += 1
        except DomainError:
            pass  # refused by the rules; nothing changed
    assert {"create", "contact", "resolve", "update", "rate", "refresh"} <= set(done)
    today = timezone.localdate()
    for filters in periods(today):
        assert_same(filters)
        assert_same(filters, "week")


def test_a_new_closure_day_recomputes_the_email_figures(make_case, agent):
    now = timezone.now()
    received = now - dt.timedelta(days=8)
    case = make_case(channel="email", occurred_at=received)
    services.contact_add(
        case=case,
        channel="email",
        direction="out",
        by=agent,
        occurred_at=received + dt.timedelta(days=1, hours=1),
    )
    filters = MeasureFilters(timezone.localdate() - dt.timedelta(days=20), timezone.localdate())
    assert_same(filters)
    # The day after the receipt becomes a closure day: the reply now took longer.
    closure_day_set(date=timezone.localdate(received) + dt.timedelta(days=1), reason="Stängt")
    assert_same(filters)


@pytest.mark.django_db(transaction=True)
def test_a_writer_still_open_during_a_refresh_is_seen_by_the_next_one(make_case, agent):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite queues writers: none is open while a refresh runs")
    received = timezone.now() - dt.timedelta(days=5)
    case = make_case(channel="email", occurred_at=received)
    filters = MeasureFilters(timezone.localdate() - dt.timedelta(days=10), timezone.localdate())
    rollups_refresh()
    written, go_on = threading.Event(), threading.Event()

    def reply_in_a_long_transaction() -> None:
        try:
            with transaction.atomic():
                services.contact_add(
                    case=case,
                    channel="email",
                    direction="out",
                    by=agent,
                    occurred_at=received + dt.timedelta(hours=2),
                )
                written.set()  # facts stamped, not committed yet
                go_on.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=reply_in_a_long_transaction)
    writer.start()
    assert written.wait(10)
    rollups_refresh()  # cannot see the reply yet; its stamp is older than this refresh
    go_on.set()
    writer.join(10)
    assert email_measure(filters).buckets["1"] == 1
    assert_same(filters)  # the next refresh finds the reply's day all the same


def test_the_dashboard_reads_the_rollups(client_for, manager, make_case):
    make_case(occurred_at=timezone.now() - dt.timedelta(days=2))
    client = client_for(manager)
    response = client.get("/kpi/")
    assert response.status_code == 200
    assert DayCases.objects.exists()
    assert RollupState.objects.get().refreshed_from is not None


def test_the_refresh_command_builds_and_resets_the_rollups(make_case):
    make_case(occurred_at=timezone.now() - dt.timedelta(days=3))
    out = StringIO()
    call_command("refresh_rollups", stdout=out)
    assert "Rollups up to date" in out.getvalue()
    assert DayCases.objects.aggregate(n=Sum("cases"))["n"] == 1
    DayCases.objects.update(cases=5)  # as if a deleted case were still counted
    call_command("refresh_rollups", stdout=StringIO())
    assert DayCases.objects.aggregate(n=Sum("cases"))["n"] == 5  # nothing stamped: not redone
    call_command("refresh_rollups", "--reset", stdout=StringIO())
    assert DayCases.objects.aggregate(n=Sum("cases"))["n"] == 1
