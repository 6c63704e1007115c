"""The working-day rules of DOMAIN.md, pinned on the dates that trip systems up."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kundtjanst.models import CalendarDay
from kundtjanst.workdays import (
    WorkingCalendar,
    calendar_days_refresh,
    closure_day_set,
    working_calendar,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
CAL = WorkingCalendar()


def local(*args):
    return dt.datetime(*args, tzinfo=STOCKHOLM)


@pytest.mark.parametrize(
    ("received", "n", "deadline"),
    [
        # Friday → Monday, same clock time.
        (local(2026, 3, 13, 10, 0), 1, local(2026, 3, 16, 10, 0)),
        # Saturday: Monday is d0, the deadline is Tuesday 00:00.
        (local(2026, 3, 14, 15, 30), 1, local(2026, 3, 17, 0, 0)),
        # Easter 2026: Good Friday 3 April and Easter Monday 6 April are holidays.
        (local(2026, 4, 2, 14, 0), 1, local(2026, 4, 7, 14, 0)),
        (local(2026, 4, 3, 9, 0), 1, local(2026, 4, 8, 0, 0)),
        # Ascension Day, Thursday 14 May 2026.
        (local(2026, 5, 13, 9, 0), 1, local(2026, 5, 15, 9, 0)),
        # Midsummer Eve, Friday 19 June 2026 (de facto holiday).
        (local(2026, 6, 18, 16, 0), 1, local(2026, 6, 22, 16, 0)),
        # Christmas Eve, Christmas Day, weekend.
        (local(2026, 12, 23, 12, 0), 1, local(2026, 12, 28, 12, 0)),
        # New Year's Eve and New Year's Day, two working days.
        (local(2026, 12, 30, 8, 0), 2, local(2027, 1, 5, 8, 0)),
        # Epiphany, Wednesday 6 January 2027.
        (local(2027, 1, 5, 11, 0), 1, local(2027, 1, 7, 11, 0)),
        # Zero working days: the start of d0.
        (local(2026, 3, 14, 15, 30), 0, local(2026, 3, 16, 0, 0)),
    ],
)
def test_deadline_within_n_working_days(received, n, deadline):
    assert CAL.deadline(received, n) == deadline


def test_deadline_keeps_wall_clock_time_across_spring_daylight_saving():
    # Friday 27 March 10:00 CET = 09:00 UTC; Monday 30 March 10:00 CEST = 08:00 UTC.
    received = dt.datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
    assert CAL.deadline(received, 1) == dt.datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_deadline_keeps_wall_clock_time_across_autumn_daylight_saving():
    # Friday 23 October 10:00 CEST = 08:00 UTC; Monday 26 October 10:00 CET = 09:00 UTC.
    received = dt.datetime(2026, 10, 23, 8, 0, tzinfo=UTC)
    assert CAL.deadline(received, 1) == dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_late_evening_utc_belongs_to_the_local_day():
    # 23:30 UTC on Friday 12 June is 01:30 on Saturday in Stockholm: not a working day.
    received = dt.datetime(2026, 6, 12, 23, 30, tzinfo=UTC)
    assert CAL.deadline(received, 1) == local(2026, 6, 16, 0, 0)


def test_sundays_and_the_bank_half_days_are_handled_as_the_domain_says():
    assert not CAL.is_working_day(dt.date(2026, 3, 15))  # Sunday
    assert CAL.is_working_day(dt.date(2026, 4, 30))  # Valborg: a bank half day, a working day
    assert not CAL.is_working_day(dt.date(2026, 6, 6))  # National Day (a Saturday anyway)
    assert not CAL.is_working_day(dt.date(2027, 6, 25))  # Midsummer Eve 2027


def test_working_days_between():
    assert CAL.working_days_between(dt.date(2026, 4, 2), dt.date(2026, 4, 7)) == 1
    assert CAL.working_days_between(dt.date(2026, 3, 13), dt.date(2026, 3, 20)) == 5
    assert CAL.working_days_between(dt.date(2026, 3, 20), dt.date(2026, 3, 13)) == 0


@pytest.mark.django_db
def test_closure_day_moves_the_deadline_and_renumbers_the_table():
    calendar_days_refresh(until=dt.date(2026, 12, 31))
    before = CalendarDay.objects.get(date=dt.date(2026, 5, 18)).working_day_index
    closure_day_set(date=dt.date(2026, 5, 15), reason="Klämdag efter Kristi himmelsfärd")
    calendar = working_calendar()
    assert calendar.deadline(local(2026, 5, 13, 9, 0), 1) == local(2026, 5, 18, 9, 0)
    friday = CalendarDay.objects.get(date=dt.date(2026, 5, 15))
    assert not friday.is_working_day
    assert CalendarDay.objects.get(date=dt.date(2026, 5, 18)).working_day_index == before - 1


@pytest.mark.django_db
def test_calendar_table_agrees_with_the_python_rules():
    calendar_days_refresh(until=dt.date(2027, 12, 31))
    rows = {row.date: row for row in CalendarDay.objects.filter(date__year__in=[2026, 2027])}
    for day, row in rows.items():
        assert row.is_working_day == CAL.is_working_day(day)
    # The N-th working day after d0 is the working day whose index is index(d0) + N.
    d0 = dt.date(2026, 12, 23)
    target = rows[d0].working_day_index + 1
    found = next(
        d for d, r in sorted(rows.items()) if r.is_working_day and r.working_day_index == target
    )
    assert found == CAL.add_working_days(d0, 1) == dt.date(2026, 12, 28)


@pytest.mark.django_db
def test_refresh_calendar_command_and_admin_closure_day(client, capsys):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("refresh_calendar", "--years", "1")
    assert "Arbetsdagskalendern har" in capsys.readouterr().out
    client.force_login(User.objects.create_superuser("root", password="x"))
    client.post("/admin/kundtjanst/closureday/add/", {"date": "2026-05-15", "reason": "Klämdag"})
    assert not CalendarDay.objects.get(date=dt.date(2026, 5, 15)).is_working_day
    assert working_calendar().deadline(local(2026, 5, 13, 9, 0), 1) == local(2026, 5, 18, 9, 0)
