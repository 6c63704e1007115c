"""The manager dashboard, the flows and the lists behind each figure."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases import services
from kpi.measures import MeasureFilters, flows
from kpi.measures.decisions import decision_days
from kpi.measures.response_times import response_times

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MARCH = {"date_from": dt.date(2026, 3, 1), "date_to": dt.date(2026, 3, 31)}


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=STOCKHOLM)


@pytest.fixture
def march(agent, service, other_service):
    """Monday 2 March: a call at 10:15 (open), an e-mail at 19:30 (closed), a visit at 08:05 on
    Tuesday; the call is resolved directly, the e-mail answered after 2 h, the visit
    escalated."""
    call = services.case_create(
        channel="phone",
        summary="Samtal",
        by=agent,
        service=service,
        occurred_at=local(2026, 3, 2, 10, 15),
        answered_at=local(2026, 3, 2, 10, 15, 30),
    )
    services.case_resolve(case=call, rosa_level=1, by=agent, resolved_at=local(2026, 3, 2, 10, 20))
    mail = services.case_create(
        channel="email",
        summary="Mejl",
        by=agent,
        service=other_service,
        occurred_at=local(2026, 3, 2, 19, 30),
    )
    services.contact_add(
        case=mail, channel="email", direction="out", by=agent, occurred_at=local(2026, 3, 2, 21, 30)
    )
    services.contact_add(
        case=mail, channel="email", direction="in", by=agent, occurred_at=local(2026, 3, 3, 7, 0)
    )
    visit = services.case_create(
        channel="visit",
        summary="Besök",
        by=agent,
        service=service,
        occurred_at=local(2026, 3, 3, 8, 5),
    )
    return call, mail, visit


def test_hour_of_week_counts_inbound_contacts_and_flags_closed_hours(march):
    heat = flows.contacts_by_hour_of_week(MeasureFilters(**MARCH))

    assert heat.counts[0][10] == 1  # Monday 10:00
    assert heat.counts[0][19] == 1  # Monday 19:00, outside opening hours
    assert heat.counts[1][7] == 1  # Tuesday 07:00, the citizen writing back
    assert heat.counts[1][8] == 1  # Tuesday 08:00, the visit
    assert (heat.total, heat.outside_opening_hours) == (4, 2)
    assert str(heat.outside_share) == "50.0"


def test_flows_by_channel_department_and_repeat_contacts(march):
    filters = MeasureFilters(**MARCH)

    by_channel = {row.key: row.contacts for row in flows.contacts_by(filters, "channel")}
    by_department = {row.key: row.contacts for row in flows.contacts_by(filters, "department")}
    repeat = flows.repeat_contacts(filters)

    assert by_channel == {"email": 2, "phone": 1, "visit": 1}
    assert by_department == {"bygg": 2, "skola": 2}
    assert (repeat.cases, repeat.repeated, str(repeat.share)) == (3, 1, "33.3")


def test_response_times_per_channel(march):
    rows = {row.channel: row for row in response_times(MeasureFilters(**MARCH))}

    assert rows["phone"].median == dt.timedelta(seconds=30)
    assert rows["email"].median == rows["email"].p90 == dt.timedelta(hours=2)
    assert rows["visit"].median == dt.timedelta(0)  # a visit is answered on the spot


def test_trend_per_month(march):
    (point,) = flows.trend(MeasureFilters(**MARCH), "month")
    assert (point.start, point.cases, point.resolved, point.direct) == (
        dt.date(2026, 3, 1),
        3,
        1,
        1,
    )


def test_days_from_first_contact_to_decision(march, escalate, dept_user):
    _call, _mail, visit = march
    escalation = escalate(visit, at=local(2026, 3, 3, 8, 10), callback_due=local(2026, 3, 5, 8, 10))
    services.escalation_decide(
        escalation=escalation,
        by=dept_user,
        decision="Bifall",
        decided_on=dt.date(2026, 3, 20),
        application_on=dt.date(2026, 3, 10),
    )

    days = decision_days(MeasureFilters(**MARCH))

    assert (days.decided, days.median, days.maximum, str(days.mean)) == (1, 17, 17, "17.0")
    assert days.longest == [(visit.reference, 17)]
    assert (days.from_application, str(days.from_application_mean)) == (1, "10.0")


def test_dashboard_shows_the_figures_with_lights_and_links(client_for, manager, march):
    response = client_for(manager).get(
        reverse("kpi:dashboard"), {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Direkt svar i telefon" in body and "100,0 %" in body
    assert "figure--good" in body
    assert "Förra perioden:" in body and "2026-01-29 – 2026-02-28" in body
    assert "?measure=email&amp;date_from=2026-03-01&amp;date_to=2026-03-31" in body
    assert 'id="dashboard-data"' in body
    assert "kom utanför öppettiderna" in body


def test_dashboard_query_count_does_not_grow_with_data(
    client_for, manager, march, make_case, django_assert_max_num_queries
):
    client = client_for(manager)
    url = reverse("kpi:dashboard") + "?date_from=2026-03-01&date_to=2026-03-31"
    client.get(url)  # builds the day rollups
    with django_assert_max_num_queries(40) as unchanged:
        client.get(url)

    def render_after_changes_on(days: list[int] | range) -> int:
        for day in days:
            make_case(occurred_at=local(2026, 3, day, 9, 0), channel="email")
        with django_assert_max_num_queries(60) as render:
            client.get(url)  # recomputes the changed days first
        return len(render.captured_queries)

    # However many days changed, the refresh costs the same number of queries.
    assert render_after_changes_on([5, 9]) == render_after_changes_on(range(10, 30))
    with django_assert_max_num_queries(len(unchanged.captured_queries)):
        client.get(url)


def test_each_figure_lists_the_cases_it_was_computed_from(client_for, manager, march):
    call, mail, visit = march
    client = client_for(manager)

    def listed(**params) -> set[str]:
        query = {"date_from": "2026-03-01", "date_to": "2026-03-31", **params}
        body = client.get(reverse("kpi:cases"), query).content.decode()
        return {case.reference for case in march if case.reference in body}

    assert listed(measure="email") == {mail.reference}
    assert listed(measure="email", part="1") == {mail.reference}
    assert listed(measure="email", part="unanswered") == set()
    assert listed(measure="phone") == {call.reference}
    assert listed(measure="phone", part="direct") == {call.reference}
    assert listed(measure="direct") == {call.reference}
    assert client.get(reverse("kpi:cases"), {"measure": "nope"}).status_code == 400


def test_department_staff_see_their_own_figures_only(client_for, dept_user, agent, march):
    client = client_for(dept_user)

    own = client.get(reverse("kpi:dashboard"), {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    other = client.get(
        reverse("kpi:cases"),
        {
            "measure": "email",
            "date_from": "2026-03-01",
            "date_to": "2026-03-31",
            "department": "skola",
        },
    )

    assert own.status_code == 200
    assert "Barn- och utbildningsförvaltningen" not in own.content.decode()
    assert other.status_code == 403
    assert client_for(agent).get(reverse("kpi:dashboard")).status_code == 403


def test_a_reversed_period_is_a_field_error(client_for, manager):
    response = client_for(manager).get(
        reverse("kpi:dashboard"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 422
    assert "Slutdatum ligger före startdatum" in response.content.decode()


def test_each_role_lands_where_its_work_is(client_for, agent, dept_user, manager):
    assert client_for(agent).get("/").url == reverse("cases:contact_new")
    assert client_for(dept_user).get("/").url == reverse("escalations:inbox")
    assert client_for(manager).get("/").url == reverse("kpi:dashboard")


def test_contacts_before_the_answer(march, agent):
    from kpi.measures.direct_answer import contacts_before_answer

    _call, mail, _visit = march
    services.case_resolve(case=mail, rosa_level=2, by=agent, resolved_at=local(2026, 3, 3, 9, 0))

    measure = contacts_before_answer(MeasureFilters(**MARCH))

    # The call: one inbound contact; the mail: the e-mail and the citizen's follow-up.
    assert (measure.resolved, measure.inbound_contacts, str(measure.mean)) == (2, 3, "1.5")


def test_response_times_and_decisions_load_into_the_dashboard(client_for, manager, march):
    client = client_for(manager)
    query = "date_from=2026-03-01&date_to=2026-03-31"
    page = client.get(f"{reverse('kpi:dashboard')}?{query}").content.decode()
    # The page asks for its live section and links to it for browsers without JavaScript.
    escaped = query.replace("&", "&amp;")
    assert f'hx-get="{reverse("kpi:times")}?{escaped}&amp;part=response"' in page
    assert f'hx-get="{reverse("kpi:times")}?{escaped}&amp;part=decisions"' in page
    fragment = client.get(
        reverse("kpi:times"), {**MARCH, "part": "response"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment
    assert "Telefon" in fragment and "E-post" in fragment
    assert "Inga beslut" not in fragment
    decisions = client.get(
        reverse("kpi:times"), {**MARCH, "part": "decisions"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "Inga beslut under perioden." in decisions and "Telefon" not in decisions
    full = client.get(reverse("kpi:times"), MARCH).content.decode()
    assert "<html" in full and "Telefon" in full and "Inga beslut under perioden." in full


def test_the_live_section_is_for_those_who_may_read_figures(client_for, agent, dept_user, march):
    assert client_for(agent).get(reverse("kpi:times"), MARCH).status_code == 403
    client = client_for(dept_user)
    own = client.get(reverse("kpi:times"), MARCH)
    # Department staff see their own department's figures, and cannot choose another.
    assert own.status_code == 200
    assert own.context["filters"].department == "bygg"
    other = client.get(reverse("kpi:times"), {**MARCH, "department": "skola"})
    assert other.status_code == 422 and "department" in other.context["form"].errors
    bad = client.get(reverse("kpi:times"), {"date_from": "31-03-2026"})
    assert bad.status_code == 422
