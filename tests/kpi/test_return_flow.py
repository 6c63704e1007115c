"""Return-flow statistics per department and unit: received, time to first action and to
callback (median, p90), share of promises kept, overdue now."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Escalation
from kpi.return_flow import percentile, return_flow
from tests.factories import UnitFactory

H = dt.timedelta(hours=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def hand_over(make_case, escalate, now):
    """An escalation handed over `ago` before now, with its outcome arranged exactly."""

    def make(ago, *, due_after, acted_after=None, called_after=None, unit=None):
        start = now - ago
        kwargs = {"unit": unit} if unit else {}
        escalation = escalate(
            make_case(occurred_at=start - dt.timedelta(minutes=5)),
            at=start,
            callback_due=start + due_after,
            **kwargs,
        )
        # Arranging the timestamps directly: the services stamp "now", and a measure's test
        # needs exact durations.
        Escalation.objects.filter(pk=escalation.pk).update(
            first_action_at=start + acted_after if acted_after else None,
            callback_at=start + called_after if called_after else None,
        )
        return escalation

    return make


def test_percentile_is_nearest_rank():
    values = [dt.timedelta(hours=h) for h in (10, 1, 2)]
    assert percentile(values, 50) == 2 * H
    assert percentile(values, 90) == 10 * H
    assert percentile([], 50) is None
    assert percentile([H], 90) == H


def test_figures_per_unit_and_department_total(hand_over, unit, department, manager, now):
    inspection = UnitFactory(code="tillsyn", name="Tillsynsenheten", department=department)
    hand_over(3 * 24 * H, due_after=24 * H, acted_after=1 * H, called_after=4 * H)  # kept
    hand_over(3 * 24 * H, due_after=24 * H, acted_after=2 * H, called_after=30 * H)  # late
    hand_over(3 * 24 * H, due_after=24 * H, acted_after=10 * H)  # broken, overdue now
    hand_over(2 * H, due_after=48 * H, unit=inspection)  # promise still running: unknown yet

    rows = return_flow(manager, now=now)

    total, bygglov_row, inspection_row = rows  # units by name after the total
    assert (total.department, total.unit) == ("Samhällsbyggnadsförvaltningen", "")
    assert (bygglov_row.unit, bygglov_row.unit_code) == ("Bygglovsenheten", "bygglov")
    assert (bygglov_row.received, bygglov_row.acted_on, bygglov_row.called_back) == (3, 3, 2)
    assert (bygglov_row.first_action_median, bygglov_row.first_action_p90) == (2 * H, 10 * H)
    assert (bygglov_row.callback_median, bygglov_row.callback_p90) == (4 * H, 30 * H)
    assert (bygglov_row.kept, bygglov_row.outcome_known) == (1, 3)
    assert bygglov_row.kept_share == pytest.approx(1 / 3)
    assert bygglov_row.overdue_now == 1
    assert (inspection_row.received, inspection_row.outcome_known) == (1, 0)
    assert inspection_row.kept_share is None
    assert inspection_row.first_action_median is None
    assert (total.received, total.kept, total.outcome_known, total.overdue_now) == (4, 1, 3, 1)


def test_period_counts_hand_overs_but_overdue_is_now(hand_over, manager, now):
    hand_over(40 * 24 * H, due_after=24 * H)  # long ago, never called back
    hand_over(2 * 24 * H, due_after=24 * H, acted_after=H, called_after=2 * H)

    today = timezone.localdate(now)
    (total, _unit_row) = return_flow(
        manager, date_from=today - dt.timedelta(days=7), date_to=today, now=now
    )

    assert total.received == 1
    assert total.kept == 1
    assert total.overdue_now == 1  # the old broken promise is still broken today


def test_department_staff_see_only_their_own_department(
    hand_over, other_unit, dept_user, other_dept_user, now
):
    hand_over(24 * H, due_after=48 * H)
    hand_over(24 * H, due_after=48 * H, unit=other_unit)

    assert {r.department_code for r in return_flow(dept_user, now=now)} == {"bygg"}
    assert {r.department_code for r in return_flow(other_dept_user, now=now)} == {"skola"}


def test_the_page_shows_the_figures_and_links_the_overdue_list(
    client_for, hand_over, manager, outsider
):
    hand_over(3 * 24 * H, due_after=24 * H, acted_after=90 * dt.timedelta(minutes=1))

    body = client_for(manager).get(reverse("kpi:return_flow")).content.decode()

    assert "Bygglovsenheten" in body
    assert "1,5 h" in body  # first action after 90 minutes
    assert "0,0 %" in body  # the one known promise was broken
    assert "?state=overdue&amp;department=bygg&amp;unit=bygglov" in body
    assert client_for(outsider).get(reverse("kpi:return_flow")).status_code == 403


def test_a_reversed_period_is_a_field_error(client_for, manager):
    response = client_for(manager).get(
        reverse("kpi:return_flow"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "Slutdatum ligger före startdatum" in response.content.decode()
