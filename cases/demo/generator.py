"""Builds the demo municipality: its organisation, its users and months of contacts.

Speed matters (a year is ~37 000 cases and must load in well under a minute on SQLite), so cases
are not created one by one through `cases.services`. Each case is first planned as a timeline of
steps (contacts, escalation, resolution...); the steps that lie before the cut-off are applied to
unsaved model instances by the same rules the services use, and the instances are inserted with
`bulk_create` month by month.

History: every row gets its "+" history row, dated when it happened and by whom, as
`simple_history.utils.bulk_create_with_history` would write it. We write those rows with one
`INSERT ... SELECT` per table instead, because `bulk_history_create` compiles every value of
~120 000 history rows through the ORM and alone took ~30 s of a 50-65 s run (measured on the
2-core demo machine; the whole 12-month load now takes ~30 s). `_history_write` checks that the
historical models still have the shape it knows, so a change there fails loudly, not silently.

Choices worth knowing:

- The period ends at midnight starting `today` (Europe/Stockholm): the data then depends on the
  date only, never on the time of day, and nothing lies in the future. Whatever was planned after
  the cut-off simply has not happened yet, which is what leaves the last days' e-mails open and
  the recent escalations with the department.
- An abandoned call is recorded as an inbound phone contact without `answered_at` on the case of
  the citizen's next call that day (as a telephony adapter matching the caller's number would).
  The call stays in the KKiK phone measure's denominator, and the case honestly shows that the
  citizen had to call twice, so it does not count as answered directly.
- Everything is drawn from one `random.Random(seed)` in a fixed order, so the same seed and the
  same `today` give the same data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from cases.demo import data
from cases.models import (
    Case,
    CaseStatus,
    Channel,
    Citizen,
    Contact,
    Department,
    Direction,
    ReferenceCounter,
    Service,
    StaffProfile,
    SubjectArea,
)
from cases.models.case import CONTACT_CENTRE_MAX_ROSA
from cases.services import references_allocate_block, resolved_directly_rule, response_time
from kundtjanst import roles
from kundtjanst.workdays import WorkingCalendar

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = dt.UTC
CHANGE_REASON = "Demodata (seed_demo)"
BATCH_SIZE = 1000

WRITTEN = frozenset({Channel.EMAIL, Channel.WEB, Channel.SOCIAL, Channel.LETTER})
# Where the reply to a written first contact goes: a web form leaves an e-mail address.
REPLY_CHANNEL: dict[str, str] = {
    Channel.EMAIL: Channel.EMAIL,
    Channel.WEB: Channel.EMAIL,
    Channel.SOCIAL: Channel.SOCIAL,
    Channel.LETTER: Channel.LETTER,
}
# Which hour-of-day profile (data.*_HOURS) a first contact on each channel arrives by.
ARRIVAL_PROFILE: dict[str, str] = {
    Channel.PHONE: "synchronous",
    Channel.VISIT: "synchronous",
    Channel.CHAT: "chat",
    Channel.LETTER: "letter",
}
# Working days until a written question is answered (0 = the same day).
REPLY_LAG: dict[str, dict[int, float]] = {
    Channel.EMAIL: {0: 0.70, 1: 0.19, 2: 0.05, 3: 0.025, 5: 0.02, 8: 0.015},
    Channel.WEB: {0: 0.68, 1: 0.20, 2: 0.06, 3: 0.025, 5: 0.02, 8: 0.015},
    Channel.SOCIAL: {0: 0.8, 1: 0.2},
    Channel.LETTER: {1: 0.3, 2: 0.3, 3: 0.2, 5: 0.2},
}
# Shares of the outcomes other than escalation (which each service sets itself).
AGENT_CALLBACK_SHARE = 0.035  # the agent checks something and calls back (phone, visit, chat)
REPEAT_SHARE = 0.07  # the citizen has to come back before the matter is answered
WAITING_SHARE = 0.04  # the agent needs more information from the citizen
WAITING_ANSWERED_SHARE = 0.6  # the rest never reply and the case is closed after two weeks
DEPARTMENT_LATE_SHARE = 0.18  # department callbacks after the promised time
FORGOTTEN_SHARE = 0.025  # recent escalations nobody has picked up: overdue promises to show
FORGOTTEN_WINDOW = dt.timedelta(days=60)
ABANDON_BASE, ABANDON_PEAK = 0.05, 0.08
PEAK_HOURS = frozenset({9, 10, 13, 14})
PERSONNUMMER_SERVICES = frozenset({"ekonomiskt-bistand", "stod-enligt-lss", "hemtjanst-ansokan"})


# --- Working days -------------------------------------------------------------------------------


# --- Results ------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    already_loaded: bool = False
    cases: int = 0
    contacts: int = 0
    citizens: int = 0
    resolved: int = 0
    resolved_directly: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def direct_share(self) -> float:
        return self.resolved_directly / self.resolved if self.resolved else 0.0


@dataclass
class Organisation:
    departments: dict[str, Department]
    services: dict[str, Service]


@dataclass
class People:
    agents: list[User]
    department_staff: dict[str, list[User]]


# --- Organisation and people --------------------------------------------------------------------


def organisation_ensure() -> Organisation:
    """The demo departments and services, created or brought back to the demo's names."""
    areas = {area.code: area for area in SubjectArea.objects.all()}
    departments: dict[str, Department] = {}
    services: dict[str, Service] = {}
    for spec in data.DEPARTMENTS:
        department, _ = Department.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "active": True}
        )
        departments[spec.code] = department
        for service_spec in spec.services:
            service, _ = Service.objects.update_or_create(
                code=service_spec.code,
                defaults={
                    "name": service_spec.name,
                    "department": department,
                    "subject_area": areas[service_spec.subject_area]
                    if service_spec.subject_area
                    else None,
                    "active": True,
                },
            )
            services[service_spec.code] = service
    return Organisation(departments=departments, services=services)


def _user_ensure(
    username: str,
    first_name: str,
    last_name: str,
    *,
    group: Group | None,
    password: str | None,
    superuser: bool = False,
) -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    user.groups.set([group] if group is not None else [])
    return user


def people_ensure(organisation: Organisation) -> People:
    """One login per role (password = username) plus a team of agents and department staff."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL_ROLES}
    agents: list[User] = []
    staff: dict[str, list[User]] = {spec.code: [] for spec in data.DEPARTMENTS}

    def link(user: User, department_code: str) -> None:
        StaffProfile.objects.update_or_create(
            user=user, defaults={"department": organisation.departments[department_code]}
        )
        staff[department_code].append(user)

    for login in data.DEMO_LOGINS:
        superuser = login.role == "admin"
        user = _user_ensure(
            login.username,
            login.first_name,
            login.last_name,
            group=None if superuser else groups[login.role],
            password=login.username,
            superuser=superuser,
        )
        if login.role == roles.AGENT:
            agents.append(user)
        if login.department:
            link(user, login.department)
    for person in data.AGENTS:
        agents.append(
            _user_ensure(
                person.username,
                person.first_name,
                person.last_name,
                group=groups[roles.AGENT],
                password=None,
            )
        )
    for spec in data.DEPARTMENTS:
        user = _user_ensure(
            spec.staff.username,
            spec.staff.first_name,
            spec.staff.last_name,
            group=groups[roles.DEPARTMENT],
            password=None,
        )
        link(user, spec.code)
    return People(agents=agents, department_staff=staff)


def demo_is_loaded() -> bool:
    return Case.objects.exists()


def demo_reset() -> None:
    """Remove every case, contact and citizen with their history, and restart the numbering.

    Plain DELETEs rather than `QuerySet.delete()`: that would fire simple-history's post_delete
    for each of ~100 000 rows, writing a "deleted" history row per object only to wipe it next.
    A table that points at cases and is not listed here makes the DELETE fail (foreign key), so
    nothing is left dangling.
    """
    models = [
        Contact.history.model,
        Case.history.model,
        Citizen.history.model,
        Contact,
        Case,
        Citizen,
        ReferenceCounter,
    ]
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


# --- Planning -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Step:
    """One thing that happens to a case. Applied in order, as far as the cut-off allows."""

    at: dt.datetime
    kind: str  # in, out, escalate, callback, wait, resolve, close
    channel: str = ""
    by: User | None = None
    answered_at: dt.datetime | None = None
    text: str = ""
    rosa: int | None = None
    promise: dt.datetime | None = None


@dataclass(slots=True)
class Plan:
    channel: str
    service: data.ServiceSpec
    department_code: str
    summary: str
    agent: User
    steps: list[Step]
    citizen: Citizen | None
    notes: str = ""

    @property
    def created_at(self) -> dt.datetime:
        return self.steps[0].at


K = TypeVar("K")


class Weighted(Generic[K]):
    """A weighted choice prepared once, for the tables drawn from tens of thousands of times."""

    def __init__(self, weights: Mapping[K, float]) -> None:
        self._values = list(weights)
        self._cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> K:
        return self._values[bisect(self._cumulative, rng.random() * self._cumulative[-1])]


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(STOCKHOLM)


def _at(day: dt.date, seconds: float) -> dt.datetime:
    """Local wall-clock time on `day`, returned in UTC so later arithmetic ignores DST."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=STOCKHOLM)
    return (local + dt.timedelta(seconds=int(seconds))).astimezone(UTC)


def _minutes(minutes: float) -> dt.timedelta:
    """Whole seconds, as a clock or a telephone exchange records them."""
    return dt.timedelta(seconds=round(minutes * 60))


def _minute_of_day(moment: dt.datetime) -> int:
    local = _local(moment)
    return local.hour * 60 + local.minute


class DemoGenerator:
    """Plans cases day by day and builds them as they stand at the cut-off."""

    def __init__(
        self,
        *,
        seed: int,
        first_day: dt.date,
        today: dt.date,
        organisation: Organisation,
        people: People,
    ) -> None:
        self.rng = random.Random(seed)
        self.cutoff = _at(today, 0)
        # The demo has no closure days: Swedish holidays only.
        self.calendar = WorkingCalendar()
        self.organisation = organisation
        self.people = people
        self._agent_ids = {agent.pk for agent in people.agents}
        self._department_of = {
            service.code: department.code
            for department in data.DEPARTMENTS
            for service in department.services
        }
        self._services = {service.code: service for d in data.DEPARTMENTS for service in d.services}
        self._services_by_month = {
            month: Weighted(
                {code: s.weight * s.season.get(month, 1.0) for code, s in self._services.items()}
            )
            for month in range(1, 13)
        }
        self._open_day_channels = Weighted(data.WORKING_DAY_CHANNELS)
        self._closed_day_channels = Weighted(data.CLOSED_DAY_CHANNELS)
        self._hours = {
            name: Weighted(table)
            for name, table in (
                ("synchronous", data.SYNCHRONOUS_HOURS),
                ("chat", data.CHAT_HOURS),
                ("letter", data.LETTER_HOURS),
                ("written", data.WRITTEN_HOURS),
            )
        }
        self._reply_lag = {channel: Weighted(lags) for channel, lags in REPLY_LAG.items()}
        self._rosa_tables = {
            (floor, ceiling): Weighted(
                {
                    level: share
                    for level, share in data.CONTACT_CENTRE_ROSA.items()
                    if floor <= level <= ceiling
                }
                or {ceiling: 1.0}
            )
            for floor in (1, 2)
            for ceiling in range(1, CONTACT_CENTRE_MAX_ROSA + 1)
        }
        self._department_rosa = Weighted(data.DEPARTMENT_ROSA)
        self._midsummer_eves = [
            dt.date(year, 6, 19) + dt.timedelta(days=(4 - dt.date(year, 6, 19).weekday()) % 7)
            for year in range(first_day.year, today.year + 1)
        ]

    # -- time --

    def _time_in_hours(self, day: dt.date, profile: str) -> dt.datetime:
        hour = self._hours[profile].pick(self.rng)
        # The last opening hour is only half an hour long (closing 16:30).
        span = 3600 if profile == "written" else min(3600, (data.CLOSES_AT - hour * 60) * 60)
        return _at(day, hour * 3600 + self.rng.uniform(0, span))

    def _open_time_on(self, day: dt.date) -> dt.datetime:
        return _at(day, self.rng.uniform(data.OPENS_AT * 60, data.CLOSES_AT * 60))

    def _open_from(self, moment: dt.datetime) -> dt.datetime:
        """The first instant at or after `moment` when the contact centre is open."""
        day = _local(moment).date()
        if self.calendar.is_working_day(day):
            minute = _minute_of_day(moment)
            if minute < data.OPENS_AT:
                return _at(day, data.OPENS_AT * 60)
            if minute < data.CLOSES_AT:
                return moment
        return _at(self.calendar.add_working_days(day, 1), data.OPENS_AT * 60)

    def _reply_time(self, received: dt.datetime, channel: str) -> dt.datetime:
        """When an agent answers a written message: mostly the same working day."""
        start = self._open_from(received)
        start_day = _local(start).date()
        lag = self._reply_lag[channel].pick(self.rng)
        if lag == 0:
            reply = start + _minutes(self.rng.uniform(10, 240))
            if _local(reply).date() == start_day and _minute_of_day(reply) < data.CLOSES_AT:
                return reply
            lag = 1
        return self._open_time_on(self.calendar.add_working_days(start_day, lag))

    # -- volume and arrivals --

    def _day_volume(self, day: dt.date) -> tuple[int, bool]:
        """How many new cases arrive on `day`, and whether the centre is open."""
        if not self.calendar.is_working_day(day):
            return max(0, round(self.rng.gauss(data.CASES_PER_CLOSED_DAY, 3))), False
        factor = data.WEEKDAY_FACTOR[day.weekday()] * data.MONTH_FACTOR[day.month]
        if (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 6):
            factor *= data.CHRISTMAS_FACTOR
        if any(0 < (day - eve).days <= 17 for eve in self._midsummer_eves):
            factor *= data.AFTER_MIDSUMMER_FACTOR
        one = dt.timedelta(days=1)
        if not self.calendar.is_working_day(day - one) and not self.calendar.is_working_day(
            day + one
        ):
            factor *= data.BRIDGE_DAY_FACTOR
        volume = data.CASES_PER_WORKING_DAY * factor * self.rng.gauss(1.0, 0.07)
        return max(0, round(volume)), True

    def _arrival(self, day: dt.date, channel: str) -> dt.datetime:
        return self._time_in_hours(day, ARRIVAL_PROFILE.get(channel, "written"))

    # -- people --

    def _agent(self) -> User:
        return self.rng.choice(self.people.agents)

    def _citizen(self, channel: str, needs_contact: bool, service_code: str) -> Citizen | None:
        """Only the details the case needs: most quick phone questions stay anonymous."""
        rng = self.rng
        written = channel in WRITTEN
        if not written and not needs_contact and rng.random() > 0.15:
            return None
        first = rng.choice(data.CITIZEN_FIRST_NAMES)
        last = rng.choice(data.CITIZEN_LAST_NAMES)
        name = f"{first} {last}"
        email = phone = personnummer = ""
        if channel in (Channel.EMAIL, Channel.WEB) or (needs_contact and rng.random() < 0.3):
            suffix = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
            domain = rng.choice(data.EMAIL_DOMAINS)
            email = f"{_ascii(first)}.{_ascii(last)}{suffix}@{domain}".lower()
        if (not written and needs_contact) or rng.random() < 0.25:
            low, high = data.FICTIONAL_PHONE_RANGE
            phone = f"070-174 06 {rng.randint(low, high):02d}"
        if channel == Channel.EMAIL and rng.random() < 0.3:
            name = ""  # many e-mails are signed with a first name only, or not at all
        if service_code in PERSONNUMMER_SERVICES and needs_contact and rng.random() < 0.3:
            personnummer = rng.choice(data.TEST_PERSONNUMMER)
        return Citizen(name=name, email=email, phone=phone, personnummer=personnummer)

    # -- contacts --

    def _answered_call(self, at: dt.datetime, by: User) -> tuple[Step, dt.datetime]:
        """An inbound call a person answered, and the moment it ended."""
        rng = self.rng
        if rng.random() < (0.22 if _local(at).hour in PEAK_HOURS else 0.12):
            wait = rng.uniform(60, 420)
        else:
            wait = 4 + min(rng.expovariate(1 / 16), 55)
        answered = at + dt.timedelta(seconds=round(wait))
        talk = dt.timedelta(seconds=round(rng.lognormvariate(math.log(240), 0.5)))
        return Step(at, "in", Channel.PHONE, by=by, answered_at=answered), answered + talk

    def _first_contact(self, plan: Plan, arrival: dt.datetime) -> dt.datetime:
        """Add the first contact; return when the agent had handled it (for mail: the reply)."""
        rng, channel = self.rng, plan.channel
        if channel == Channel.PHONE:
            peak = _local(arrival).hour in PEAK_HOURS
            if rng.random() < (ABANDON_PEAK if peak else ABANDON_BASE):
                opening = _at(_local(arrival).date(), data.OPENS_AT * 60)
                abandoned = max(opening, arrival - _minutes(rng.uniform(1, 45)))
                if abandoned < arrival:
                    plan.steps.append(Step(abandoned, "in", Channel.PHONE))
            step, ended = self._answered_call(arrival, plan.agent)
            plan.steps.append(step)
            return ended
        if channel in (Channel.VISIT, Channel.CHAT):
            plan.steps.append(Step(arrival, "in", channel, by=plan.agent))
            minutes = rng.uniform(5, 25) if channel == Channel.VISIT else rng.uniform(3, 15)
            return arrival + _minutes(minutes)
        plan.steps.append(Step(arrival, "in", channel, by=plan.agent, text=plan.summary))
        return self._reply_time(arrival, channel)

    def _reply_to_first(self, plan: Plan, at: dt.datetime, text: str) -> None:
        if plan.channel in WRITTEN:
            reply = Step(at, "out", REPLY_CHANNEL[plan.channel], by=plan.agent, text=text)
            plan.steps.append(reply)

    def _written_in_and_reply(
        self, plan: Plan, at: dt.datetime, channel: str, by: User, text: str
    ) -> dt.datetime:
        plan.steps.append(Step(at, "in", channel, by=by, text=text))
        reply = self._reply_time(at, channel)
        answer = self.rng.choice(data.REPLY_TEXTS)
        plan.steps.append(Step(reply, "out", REPLY_CHANNEL[channel], by=by, text=answer))
        return reply

    def _follow_up(self, plan: Plan, after: dt.datetime) -> tuple[dt.datetime, User]:
        """The citizen comes back about the same matter; return when and by whom it was handled."""
        rng = self.rng
        agent = self._agent()
        day = _local(after).date()
        if rng.random() < (0.6 if plan.channel in WRITTEN else 0.25):
            channel = Channel.SOCIAL if plan.channel == Channel.SOCIAL else Channel.EMAIL
            day += dt.timedelta(days=rng.randint(1, 6))
            at = max(self._time_in_hours(day, "written"), after + dt.timedelta(hours=1))
            text = rng.choice(data.FOLLOW_UP_TEXTS[:2])
            return self._written_in_and_reply(plan, at, channel, agent, text), agent
        day = self.calendar.add_working_days(day, rng.randint(1, 5))
        step, ended = self._answered_call(self._time_in_hours(day, "synchronous"), agent)
        plan.steps.append(step)
        return ended, agent

    def _contact_centre_rosa(self, service: data.ServiceSpec, *, floor: int = 1) -> int:
        """A level the contact centre may handle: never above the service's agreement."""
        return self._rosa_tables[floor, service.agreed_rosa].pick(self.rng)

    def _resolve(self, plan: Plan, at: dt.datetime, by: User, rosa: int) -> None:
        note = self.rng.choice(data.RESOLUTION_NOTES[rosa])
        plan.steps.append(Step(at, "resolve", by=by, rosa=rosa, text=note))

    # -- outcomes: each adds the steps after the first contact --

    def _direct(self, plan: Plan, handled: dt.datetime) -> None:
        self._reply_to_first(plan, handled, self.rng.choice(data.REPLY_TEXTS))
        self._resolve(plan, handled, plan.agent, self._contact_centre_rosa(plan.service))

    def _repeat(self, plan: Plan, handled: dt.datetime) -> None:
        self._reply_to_first(plan, handled, self.rng.choice(data.REPLY_TEXTS))
        agent = plan.agent
        for _ in range(1 if self.rng.random() < 0.75 else 2):
            handled, agent = self._follow_up(plan, handled)
        self._resolve(plan, handled, agent, self._contact_centre_rosa(plan.service))

    def _agent_callback(self, plan: Plan, handled: dt.datetime) -> None:
        rng = self.rng
        local = _local(handled)
        if local.hour < 14:
            promise = handled + _minutes(rng.uniform(60, 150))
        else:
            promise = _at(self.calendar.add_working_days(local.date(), 1), 10 * 3600)
        plan.notes = data.CALLBACK_NOTE
        plan.steps.append(Step(handled, "callback", by=plan.agent, promise=promise))
        late = rng.random() < 0.07
        delay = rng.uniform(10, 180) if late else rng.uniform(-40, 5)
        called = self._open_from(max(promise + _minutes(delay), handled + _minutes(5)))
        plan.steps.append(Step(called, "out", Channel.PHONE, by=plan.agent))
        ended = called + _minutes(rng.uniform(3, 12))
        self._resolve(plan, ended, plan.agent, self._contact_centre_rosa(plan.service, floor=2))

    def _waiting(self, plan: Plan, handled: dt.datetime) -> None:
        rng = self.rng
        # After a call or visit the agent mails what is needed; a written question gets it as reply.
        asked = handled + _minutes(0 if plan.channel in WRITTEN else rng.uniform(2, 15))
        channel = REPLY_CHANNEL.get(plan.channel, Channel.EMAIL)
        plan.steps.append(Step(asked, "out", channel, by=plan.agent, text=data.REQUEST_INFO_TEXT))
        plan.steps.append(Step(asked, "wait", by=plan.agent))
        if rng.random() < WAITING_ANSWERED_SHARE:
            day = _local(asked).date() + dt.timedelta(days=rng.randint(1, 10))
            back = max(self._time_in_hours(day, "written"), asked + dt.timedelta(hours=1))
            in_channel = Channel.SOCIAL if channel == Channel.SOCIAL else Channel.EMAIL
            text = data.FOLLOW_UP_TEXTS[2]
            reply = self._written_in_and_reply(plan, back, in_channel, plan.agent, text)
            self._resolve(plan, reply, plan.agent, self._contact_centre_rosa(plan.service, floor=2))
        else:
            two_weeks_later = _local(asked).date() + dt.timedelta(days=14)
            closed = self._open_time_on(self.calendar.next_working_day(two_weeks_later))
            plan.steps.append(Step(closed, "close", by=plan.agent, text=data.CLOSED_NOTE))

    def _escalate(self, plan: Plan, handled: dt.datetime) -> None:
        rng = self.rng
        department = self.organisation.departments[plan.department_code]
        promise_day = self.calendar.add_working_days(
            _local(handled).date(), rng.choices((1, 2, 3, 5), weights=(35, 35, 15, 15))[0]
        )
        promise = _at(promise_day, rng.choice((9, 10, 11, 13, 14, 15)) * 3600)
        plan.notes = (
            f"Överlämnat till {department.name}. Återkoppling utlovad senast "
            f"{_local(promise):%Y-%m-%d %H:%M}."
        )
        self._reply_to_first(plan, handled, data.ESCALATION_REPLY)
        plan.steps.append(Step(handled, "escalate", by=plan.agent, promise=promise))
        if handled > self.cutoff - FORGOTTEN_WINDOW and rng.random() < FORGOTTEN_SHARE:
            return
        officer = rng.choice(self.people.department_staff[plan.department_code])
        if rng.random() < DEPARTMENT_LATE_SHARE:
            late_day = self.calendar.add_working_days(promise_day, rng.randint(1, 8))
            answered = self._open_time_on(late_day)
        else:
            answered = self._open_from(handled + (promise - handled) * rng.uniform(0.15, 1.0))
            # The promise lies on a later working day at 09:00 or after, so this stays after
            # `handled` and inside opening hours.
            answered = min(answered, promise - _minutes(rng.uniform(5, 50)))
        channel = Channel.PHONE if rng.random() < 0.7 else Channel.EMAIL
        note = rng.choice(data.DEPARTMENT_NOTES)
        plan.steps.append(Step(answered, "out", channel, by=officer, text=note))
        ended = answered + _minutes(rng.uniform(5, 30))
        rosa = self._department_rosa.pick(rng)
        plan.steps.append(Step(ended, "resolve", by=officer, rosa=rosa, text=note))

    # -- planning and building --

    def plan_case(self, day: dt.date, *, open_day: bool) -> Plan:
        rng = self.rng
        channels = self._open_day_channels if open_day else self._closed_day_channels
        channel = channels.pick(rng)
        service = self._services[self._services_by_month[day.month].pick(rng)]
        arrival = self._arrival(day, channel)
        synchronous = channel not in WRITTEN
        r = rng.random() - service.escalation
        if r < 0:
            outcome = self._escalate
        elif synchronous and r < AGENT_CALLBACK_SHARE:
            outcome = self._agent_callback
        elif r < AGENT_CALLBACK_SHARE + REPEAT_SHARE:
            outcome = self._repeat
        elif r < AGENT_CALLBACK_SHARE + REPEAT_SHARE + WAITING_SHARE:
            outcome = self._waiting
        else:
            outcome = self._direct
        needs_contact = outcome in (self._escalate, self._agent_callback, self._waiting)
        plan = Plan(
            channel=channel,
            service=service,
            department_code=self._department_of[service.code],
            summary=rng.choice(service.questions),
            agent=self._agent(),
            steps=[],
            citizen=self._citizen(channel, needs_contact, service.code),
        )
        handled = self._first_contact(plan, arrival)
        outcome(plan, handled)
        return plan

    def plan_day(self, day: dt.date) -> list[Plan]:
        volume, open_day = self._day_volume(day)
        plans = [self.plan_case(day, open_day=open_day) for _ in range(volume)]
        plans.sort(key=lambda plan: plan.created_at)
        return plans

    def build(self, plan: Plan, reference: str) -> tuple[Case, list[Contact]]:
        """The case and its contacts as they stand at the cut-off, by the services' rules."""
        service = self.organisation.services[plan.service.code]
        # Foreign keys by id where the row exists: the descriptors cost time at this volume.
        case = Case(
            reference=reference,
            channel=plan.channel,
            status=CaseStatus.OPEN,
            department_id=service.department_id,
            service_id=service.pk,
            subject_area_id=service.subject_area_id,
            citizen=plan.citizen,
            assigned_to_id=plan.agent.pk,
            summary=plan.summary,
            created_at=plan.created_at,
            version=1,
        )
        contacts: list[Contact] = []
        inbound = 0
        for step in plan.steps:
            if step.at > self.cutoff:
                break  # planned, but it has not happened yet
            if step.kind in ("in", "out"):
                contact = Contact(
                    case=case,
                    channel=step.channel,
                    direction=Direction.IN if step.kind == "in" else Direction.OUT,
                    occurred_at=step.at,
                    answered_at=step.answered_at,
                    handled_by_id=step.by.pk if step.by is not None else None,
                    text=step.text,
                )
                contacts.append(contact)
                responded = response_time(contact)
                if responded is not None and (
                    case.first_response_at is None or responded < case.first_response_at
                ):
                    case.first_response_at = responded
                if step.kind == "in":
                    inbound += 1
                    if case.status == CaseStatus.WAITING_FOR_CITIZEN:
                        case.status = CaseStatus.OPEN
            elif step.kind == "callback":
                case.callback_promised_at = step.promise
                case.notes = plan.notes
            elif step.kind == "escalate":
                case.status = CaseStatus.ESCALATED
                case.ever_escalated = True
                case.callback_promised_at = step.promise
                case.notes = plan.notes
            elif step.kind == "wait":
                case.status = CaseStatus.WAITING_FOR_CITIZEN
            elif step.kind == "resolve":
                assert step.rosa is not None and step.by is not None
                case.status = CaseStatus.RESOLVED
                case.rosa_level = step.rosa
                case.resolved_at = step.at
                case.resolved_by_id = step.by.pk
                case.resolution_note = step.text
                case.resolved_directly = resolved_directly_rule(
                    by_contact_centre=step.by.pk in self._agent_ids,
                    rosa_level=step.rosa,
                    case=case,
                    inbound_contacts=inbound,
                )
            elif step.kind == "close":
                case.status = CaseStatus.CLOSED
                case.closed_at = step.at
                case.notes = f"{case.notes}\n\n{step.text}".strip()
        return case, contacts


def _ascii(name: str) -> str:
    return name.translate(str.maketrans("åäöéÅÄÖÉ", "aaoeAAOE"))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's length (31 March - 1 = 28/29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def _insert(plans: list[Plan], generator: DemoGenerator, summary: DemoSummary) -> None:
    """Insert one chronological run of cases from one year: references first, then the rows."""
    year = _local(plans[0].created_at).year
    references = references_allocate_block(year=year, count=len(plans))
    citizens: list[Citizen] = []
    cases: list[Case] = []
    contacts: list[Contact] = []
    for plan, reference in zip(plans, references, strict=True):
        case, case_contacts = generator.build(plan, reference)
        if plan.citizen is not None:
            citizens.append(plan.citizen)
        cases.append(case)
        contacts.extend(case_contacts)
        summary.channels[case.channel] += 1
        summary.statuses[case.status] += 1
        if case.status == CaseStatus.RESOLVED:
            summary.resolved += 1
            summary.resolved_directly += bool(case.resolved_directly)
    Citizen.objects.bulk_create(citizens, batch_size=BATCH_SIZE)
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
    Contact.objects.bulk_create(contacts, batch_size=BATCH_SIZE)
    summary.cases += len(cases)
    summary.contacts += len(contacts)
    summary.citizens += len(citizens)


def _statistics_refresh() -> None:
    """Let the query planner see what was just loaded (valid SQL on SQLite and PostgreSQL).

    Without it PostgreSQL plans the statements below for near-empty tables, and answered the
    citizens' per-row subquery by walking a whole index per row: minutes instead of a second.
    """
    with connection.cursor() as cursor:
        for model in (Citizen, Case, Contact):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _backdate_bookkeeping() -> None:
    """auto_now/auto_now_add stamped the insert time; give the rows the times they stand for.

    None of these fields is kept in the history, so a plain UPDATE loses nothing there.
    """
    Contact.objects.update(created_at=F("occurred_at"))
    first_case = (
        Case.objects.filter(citizen=OuterRef("pk"))
        .values("citizen")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    Citizen.objects.filter(pk__in=Case.objects.values("citizen_id")).update(
        created_at=Subquery(first_case)
    )
    last_contact = (
        Contact.objects.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(last=Max("occurred_at"))
        .values("last")
    )
    Case.objects.update(
        updated_at=Greatest(
            Coalesce(Subquery(last_contact), F("created_at")),
            Coalesce(F("resolved_at"), F("created_at")),
            Coalesce(F("closed_at"), F("created_at")),
        )
    )


# The columns simple-history adds to a historical model; anything else must be a tracked field.
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _history_write(model: type[Case | Contact | Citizen], *, date_sql: str, user_sql: str) -> None:
    """One "+" history row for each row of `model` that has none, in a single statement.

    `date_sql` and `user_sql` are SQL over the source row `src`: when it happened and who did it.
    """
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    tracked = [field.column for field in history.tracked_fields]
    expected = {*tracked, "history_id", *HISTORY_COLUMNS}
    actual = {field.column for field in history._meta.concrete_fields}
    if actual != expected:
        raise ImproperlyConfigured(
            f"{history.__name__} has columns the demo loader does not know: "
            f"{sorted(actual ^ expected)}. Update cases.demo.generator._history_write."
        )
    qn = connection.ops.quote_name
    columns = ", ".join(qn(column) for column in (*tracked, *HISTORY_COLUMNS))
    values = ", ".join(f"src.{qn(column)}" for column in tracked)
    table, history_table = qn(model._meta.db_table), qn(history._meta.db_table)
    sql = (
        f"INSERT INTO {history_table} ({columns}) "
        f"SELECT {values}, {date_sql}, %s, '+', {user_sql} FROM {table} src "
        f"WHERE NOT EXISTS (SELECT 1 FROM {history_table} h WHERE h.{qn('id')} = src.{qn('id')})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [CHANGE_REASON])


def _histories_write() -> None:
    qn = connection.ops.quote_name
    # Each demo citizen belongs to exactly one case: MIN picks that case's agent.
    case_agent = (
        f"(SELECT MIN(c.{qn('assigned_to_id')}) FROM {qn(Case._meta.db_table)} c "
        f"WHERE c.{qn('citizen_id')} = src.{qn('id')})"
    )
    _history_write(Citizen, date_sql=f"src.{qn('created_at')}", user_sql=case_agent)
    _history_write(Case, date_sql=f"src.{qn('created_at')}", user_sql=f"src.{qn('assigned_to_id')}")
    _history_write(
        Contact, date_sql=f"src.{qn('occurred_at')}", user_sql=f"src.{qn('handled_by_id')}"
    )


def seed_demo(
    *,
    months: int,
    seed: int,
    today: dt.date,
    reset: bool = False,
    write: Callable[[str], None] = lambda line: None,
) -> DemoSummary:
    """Load the demo municipality. Does nothing when cases exist, unless `reset` is given.

    One transaction: an interrupted run leaves nothing behind, so running again is always safe.
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    with transaction.atomic():
        if demo_is_loaded():
            if not reset:
                return DemoSummary(already_loaded=True)
            write("Tar bort befintliga ärenden, kontakter och medborgare …")
            demo_reset()
        organisation = organisation_ensure()
        people = people_ensure(organisation)
        first_day = add_months(today, -months)
        generator = DemoGenerator(
            seed=seed, first_day=first_day, today=today, organisation=organisation, people=people
        )
        summary = DemoSummary(first_day=first_day, last_day=today - dt.timedelta(days=1))
        days = (first_day + dt.timedelta(days=n) for n in range((today - first_day).days))
        for (year, month), month_days in groupby(days, key=lambda day: (day.year, day.month)):
            plans = [plan for day in month_days for plan in generator.plan_day(day)]
            if plans:
                before = summary.cases, summary.contacts
                _insert(plans, generator, summary)
                write(
                    f"  {year}-{month:02d}: {summary.cases - before[0]:6d} ärenden, "
                    f"{summary.contacts - before[1]:6d} kontakter"
                )
        _statistics_refresh()
        _backdate_bookkeeping()
        _histories_write()
    return summary
