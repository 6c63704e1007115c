"""The KKiK report against a fixture computed by hand: every calendar edge of DOMAIN.md, on both
databases. Each case is written through the services, as the product writes them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases import services
from cases.models import Case, Contact
from kpi.measures import MeasureFilters, email_measure, phone_measure, survey_measure
from kpi.report import kkik_report
from kundtjanst.workdays import closure_day_set

STOCKHOLM = ZoneInfo("Europe/Stockholm")
YEAR_2026 = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 12, 31)}


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


# (received, first reply or None, expected bucket) — each line worked out by hand.
EMAILS = [
    # Friday → Monday at the same clock time is within 1; a minute later within 2.
    (local(2026, 3, 13, 10, 0), local(2026, 3, 16, 10, 0), "1"),
    (local(2026, 3, 13, 10, 0), local(2026, 3, 16, 10, 1), "2"),
    # Saturday: Monday is day 0 and the clock starts at 00:00, so the deadline is Tue 00:00.
    (local(2026, 3, 7, 11, 0), local(2026, 3, 9, 23, 59), "1"),
    (local(2026, 3, 7, 11, 0), local(2026, 3, 10, 0, 0), "1"),
    # Sunday late evening, answered Monday morning.
    (local(2026, 3, 8, 23, 30), local(2026, 3, 9, 8, 0), "1"),
    # Easter: Maundy Thursday → Good Friday and Easter Monday are off → Tuesday.
    (local(2026, 4, 2, 14, 0), local(2026, 4, 7, 14, 0), "1"),
    (local(2026, 4, 2, 14, 0), local(2026, 4, 7, 14, 1), "2"),
    # Midsummer Eve (Fri 19 June) is not a working day.
    (local(2026, 6, 18, 16, 0), local(2026, 6, 22, 16, 0), "1"),
    # Across the spring DST change (29 March): wall-clock time counts, not 24-hour periods.
    (local(2026, 3, 27, 9, 0), local(2026, 3, 30, 9, 0), "1"),
    # Across the autumn DST change (25 October).
    (local(2026, 10, 23, 9, 0), local(2026, 10, 26, 9, 0), "1"),
    # Four, ten and eleven working days.
    (local(2026, 3, 2, 10, 0), local(2026, 3, 6, 10, 0), "5"),
    (local(2026, 3, 2, 10, 0), local(2026, 3, 16, 9, 0), "10"),
    (local(2026, 3, 2, 10, 0), local(2026, 3, 17, 10, 30), "unanswered"),
    (local(2026, 3, 2, 10, 0), None, "unanswered"),
    # Christmas Eve, Christmas Day and a weekend: 23 Dec → Mon 28 Dec.
    (local(2026, 12, 23, 15, 0), local(2026, 12, 28, 15, 0), "1"),
    # New Year's Eve, New Year's Day and a weekend: 30 Dec → Mon 4 Jan (reply in next year).
    (local(2026, 12, 30, 12, 0), local(2027, 1, 4, 12, 0), "1"),
    # Received on New Year's Day 00:30 (still 2025 in UTC): counts in 2026; day 0 is Fri 2 Jan.
    (local(2026, 1, 1, 0, 30), local(2026, 1, 2, 8, 0), "1"),
    # A closure day (Fri 15 May, after Ascension Day) is not a working day either.
    (local(2026, 5, 13, 10, 0), local(2026, 5, 18, 10, 0), "1"),
]
OUTSIDE_2026 = local(2025, 12, 31, 23, 30)  # 22:30 UTC on the 31st: attributed to 2025


@pytest.fixture
def emails(agent, service):
    closure_day_set(date=dt.date(2026, 5, 15), reason="Klämdag")
    cases = []
    for received, reply, _bucket in [*EMAILS, (OUTSIDE_2026, None, None)]:
        case = services.case_create(
            channel="email",
            summary="Fråga via e-post",
            by=agent,
            service=service,
            occurred_at=received,
        )
        if reply is not None:
            services.contact_add(
                case=case, channel="email", direction="out", occurred_at=reply, by=agent
            )
        cases.append(case)
    # The reply may be on any channel: a call back counts.
    by_phone = services.case_create(
        channel="email",
        summary="Ring mig",
        by=agent,
        service=service,
        occurred_at=local(2026, 3, 3, 9, 0),
    )
    services.contact_add(
        case=by_phone,
        channel="phone",
        direction="out",
        occurred_at=local(2026, 3, 4, 8, 0),
        by=agent,
    )
    return cases


def test_email_measure_matches_the_hand_computed_buckets(emails):
    measure = email_measure(MeasureFilters(**YEAR_2026))

    expected = {"1": 0, "2": 0, "5": 0, "10": 0, "unanswered": 0}
    for _received, _reply, bucket in EMAILS:
        expected[bucket] += 1
    expected["1"] += 1  # the one answered by a phone call
    assert measure.received == len(EMAILS) + 1 == 19
    assert measure.buckets == expected == {"1": 13, "2": 2, "5": 1, "10": 1, "unanswered": 2}
    assert str(measure.within_1_working_day) == "68.4"  # 13/19
    assert str(measure.within_2_working_days) == "78.9"  # 15/19


def test_each_email_lands_in_its_own_bucket(emails):
    """Case by case, so a wrong rule names the date it got wrong."""
    from kpi.measures.email import email_cases

    elapsed = dict(email_cases(MeasureFilters(**YEAR_2026)).values_list("pk", "elapsed"))
    for case, (received, _reply, bucket) in zip(emails, EMAILS, strict=False):
        value = elapsed[case.pk]
        got = (
            "unanswered"
            if value is None or value > 10
            else next(
                name for name, top in (("1", 1), ("2", 2), ("5", 5), ("10", 10)) if value <= top
            )
        )
        assert got == bucket, f"received {received:%Y-%m-%d %H:%M}: elapsed {value}"


@pytest.fixture
def calls(agent, service, other_service, escalate):
    """Six calls offered in 2026 and one on New Year's Eve 2025, worked out by hand."""

    def call(offered, wait_seconds, *, on=service):
        answered = None if wait_seconds is None else offered + dt.timedelta(seconds=wait_seconds)
        return services.case_create(
            channel="phone",
            summary="Samtal",
            by=agent,
            service=on,
            occurred_at=offered,
            answered_at=answered,
        )

    quick = call(local(2026, 3, 2, 10, 0), 45)  # in time, resolved directly: direct answer
    on_the_dot = call(local(2026, 3, 2, 11, 0), 60)  # exactly 60 s still counts
    slow = call(local(2026, 3, 2, 12, 0), 61)  # resolved directly, but not answered in time
    call(local(2026, 3, 2, 13, 0), None)  # abandoned: stays in the denominator
    handed_over = call(local(2026, 3, 2, 14, 0), 30)  # in time, escalated: not direct
    other_department = call(local(2026, 3, 3, 9, 0), 20, on=other_service)
    last_year = call(local(2025, 12, 31, 23, 59), 5)
    for case in (quick, on_the_dot, slow, other_department, last_year):
        services.case_resolve(
            case=case, rosa_level=1, by=agent, resolved_at=case.created_at + dt.timedelta(minutes=3)
        )
    escalate(handed_over)
    return quick


def test_phone_measure_counts_offered_answered_in_60_seconds_and_direct(calls):
    measure = phone_measure(MeasureFilters(**YEAR_2026))

    assert (measure.offered, measure.answered_within_60s_count, measure.direct_answer_count) == (
        6,
        4,
        3,
    )
    assert str(measure.answered_within_60s) == "66.7"
    assert str(measure.direct_answer) == "50.0"
    only_bygg = phone_measure(MeasureFilters(**YEAR_2026, department="bygg"))
    assert (only_bygg.offered, only_bygg.direct_answer_count) == (5, 2)


def test_a_call_that_is_not_the_cases_first_inbound_contact_is_no_direct_answer(agent, service):
    case = services.case_create(
        channel="email",
        summary="Mejl först",
        by=agent,
        service=service,
        occurred_at=local(2026, 3, 2, 9, 0),
    )
    services.contact_add(
        case=case,
        channel="phone",
        direction="in",
        by=agent,
        occurred_at=local(2026, 3, 2, 10, 0),
        answered_at=local(2026, 3, 2, 10, 0, 20),
    )
    # Imported history may mark such a case as resolved directly; the call still is no direct
    # answer, because the citizen had already written.
    Case.objects.filter(pk=case.pk).update(
        resolved_directly=True,
        status="resolved",
        rosa_level=1,
        resolved_at=local(2026, 3, 2, 10, 5),
    )
    services.case_facts_refresh([case.pk])  # written past the services, as an import does

    measure = phone_measure(MeasureFilters(**YEAR_2026))

    assert (measure.offered, measure.answered_within_60s_count, measure.direct_answer_count) == (
        1,
        1,
        0,
    )


def test_courtesy_index_published_share_good(make_case):
    case = make_case(occurred_at=local(2026, 3, 2, 10, 0))
    contacts = [case.contacts.get()]
    for minute in range(1, 4):
        contacts.append(
            services.contact_add(
                case=case,
                channel="phone",
                direction="out",
                occurred_at=local(2026, 3, 2, 10, minute),
                by=case.assigned_to,
            )
        )
    for contact, grade in zip(contacts, (5, 4, 3, 1), strict=True):
        services.survey_answer_record(contact=contact, question="courtesy", grade=grade)

    measure = survey_measure(MeasureFilters(**YEAR_2026))

    assert (measure.rated, measure.grade_sum) == (4, 13)
    assert str(measure.index) == "56.3"  # 25 × (13 − 4) / 4 = 56.25, half away from zero
    assert str(measure.share_good) == "50.0"
    assert measure.published is False


def test_thirty_answers_publish_the_index(make_case):
    case = make_case(occurred_at=local(2026, 4, 1, 10, 0))
    for minute in range(30):
        contact = services.contact_add(
            case=case,
            channel="phone",
            direction="out",
            occurred_at=local(2026, 4, 1, 11, minute),
            by=case.assigned_to,
        )
        services.survey_answer_record(contact=contact, question="courtesy", grade=5)
    measure = survey_measure(MeasureFilters(**YEAR_2026))
    assert (measure.rated, str(measure.index), measure.published) == (30, "100.0", True)


def test_the_report_follows_the_contract(emails, calls):
    report = kkik_report(**YEAR_2026)

    assert report == {
        "period": {"from": "2026-01-01", "to": "2026-12-31"},
        "email": {
            "received": 19,
            "within_1_working_day": 68.4,
            "within_2_working_days": 78.9,
            "buckets": {"1": 13, "2": 2, "5": 1, "10": 1, "unanswered": 2},
        },
        "phone": {"offered": 6, "answered_within_60s": 66.7, "direct_answer": 50.0},
        "courtesy": {"rated": 0, "index": None, "published": False},
        "direct_answer_rate": {
            "resolved": 4,
            "rate": 100.0,
            "by_department": {"bygg": 100.0, "skola": 100.0},
        },
    }


def test_an_empty_period_has_null_shares(db):
    report = kkik_report(date_from=dt.date(2030, 1, 1), date_to=dt.date(2030, 1, 31))
    assert report["email"]["within_1_working_day"] is None
    assert report["phone"]["direct_answer"] is None
    assert report["direct_answer_rate"] == {"resolved": 0, "rate": None, "by_department": {}}
    assert Contact.objects.count() == 0


# ---------------------------------------------------------------------------------------------
# The same figures through the command (JSON, CSV, XLSX) and the API


def run_report(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("kkik_report", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_contract_as_json(emails, calls):
    import json

    printed = json.loads(run_report("--from", "2026-01-01", "--to", "2026-12-31"))

    assert printed == kkik_report(**YEAR_2026)
    only_skola = json.loads(
        run_report("--from", "2026-01-01", "--to", "2026-12-31", "--department", "skola")
    )
    assert only_skola["phone"] == {
        "offered": 1,
        "answered_within_60s": 100.0,
        "direct_answer": 100.0,
    }
    assert only_skola["email"]["received"] == 0


def test_csv_and_xlsx_carry_the_same_figures_and_each_department(emails, calls, tmp_path):
    import csv

    from openpyxl import load_workbook

    rows = list(
        csv.DictReader(
            run_report("--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv").splitlines()
        )
    )
    figures = {(r["department"], r["figure"]): r["value"] for r in rows}
    assert figures[("", "email.within_1_working_day")] == "68.4"
    assert figures[("", "email.buckets.unanswered")] == "2"
    assert figures[("", "courtesy.index")] == ""  # null
    assert figures[("", "direct_answer_rate.by_department.skola")] == "100.0"
    assert figures[("bygg", "phone.offered")] == "5"
    assert figures[("skola", "email.within_1_working_day")] == ""

    target = tmp_path / "kkik.xlsx"
    run_report(
        "--from", "2026-01-01", "--to", "2026-12-31", "--format", "xlsx", "--output", str(target)
    )
    sheet = load_workbook(target).active
    cells = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == ("period_from", "period_to", "department", "figure", "value")
    xlsx = {(r[2] or "", r[3]): r[4] for r in cells[1:]}
    assert xlsx[("", "email.within_1_working_day")] == 68.4
    assert xlsx[("bygg", "phone.offered")] == 5
    assert len(xlsx) == len(figures)


def test_command_refuses_bad_input_clearly(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not a date"):
        run_report("--from", "2026-13-01", "--to", "2026-12-31")
    with pytest.raises(CommandError, match="after"):
        run_report("--from", "2026-12-31", "--to", "2026-01-01")
    with pytest.raises(CommandError, match="unknown department"):
        run_report("--from", "2026-01-01", "--to", "2026-12-31", "--department", "nope")


def test_api_serves_the_same_report_to_those_who_may_see_it(
    emails, calls, client_for, manager, agent, dept_user
):
    url = "/api/v1/kpi/kkik?from=2026-01-01&to=2026-12-31"

    assert client_for(manager).get(url).json() == kkik_report(**YEAR_2026)
    own = client_for(dept_user).get(url).json()
    assert own == kkik_report(**YEAR_2026, department="bygg")
    assert client_for(dept_user).get(url + "&department=skola").status_code == 403
    assert client_for(agent).get(url).status_code == 403
    bad = client_for(manager).get("/api/v1/kpi/kkik?from=2026-12-31&to=2026-01-01")
    assert bad.status_code == 400 and "to" in bad.json()
    assert client_for(manager).get("/api/v1/kpi/kkik?to=2026-01-01").json() == {
        "from": ["Det här fältet är obligatoriskt."]
    }
