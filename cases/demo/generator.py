"""Builds the demo municipality: its organisation, its users and months of contacts.

Speed matters (a year is ~37 000 cases and must load in well under a minute on SQLite), so cases
are not created one by one through `cases.services`. Each case is first planned as a timeline of
steps (contacts, escalation, resolution...); the steps that lie before the cut-off are applied to
unsaved model instances by the same rules the services use, and the instances are inserted month
by month: citizens and cases with `bulk_create` (the rows after them need their ids), contacts
and escalations with plain `executemany` INSERTs, which skip the ORM's per-value compilation
(`_contacts_write`, `_escalations_write`).

History: every row gets its "+" history row, dated when it happened and by whom, as
`simple_history.utils.bulk_create_with_history` would write it. We write those rows with one
`INSERT ... SELECT` per table instead, because `bulk_history_create` compiles every value of
~120 000 history rows through the ORM and alone took ~30 s of a 50-65 s run (measured on the
2-core demo machine; the whole 12-month load now takes ~30 s). `_history_write` checks that the
historical models still have the shape it knows, so a change there fails loudly, not silently.
Escalations are the exception: each gets one history row per thing that happened to it (handed
over, accepted, called back, decided, returned, closed), as the escalation services write them,
because the case page shows that timeline. `_escalations_write` builds those rows in Python and
inserts them, and the escalations, with plain `executemany` (see there why not `bulk_create`).

Choices worth knowing:

- The period ends at midnight starting `today` (Europe/Stockholm): the data then depends on the
  date only, never on the time of day, and nothing lies in the future. Whatever was planned after
  the cut-off simply has not happened yet, which is what leaves the last days' e-mails open and
  the recent escalations with the department.
- An abandoned call is recorded as an inbound phone contact without `answered_at` on the case of
  the citizen's next call that day (as a telephony adapter matching the caller's number would).
  The call stays in the KKiK phone measure's denominator, and the case honestly shows that the
  citizen had to call twice, so it does not count as answered directly.
- A written question that is escalated gets its reply ("we have handed your question over")
  a minute or two *before* the hand-over: sent after it, the reply would be the first contact to
  the citizen after the hand-over and so, by the rule, the promised callback.
- Everything is drawn from one `random.Random(seed)` in a fixed order, so the same seed and the
  same `today` give the same data.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import accumulate, groupby
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Field, Max, Min, Model, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from cases.demo import data
from cases.models import (
    OPEN_ESCALATION_STATUSES,
    Attachment,
    Case,
    CaseFacts,
    CaseStatus,
    Channel,
    Citizen,
    Contact,
    Department,
    Direction,
    Escalation,
    EscalationStatus,
    Priority,
    ReferenceCounter,
    Service,
    StaffProfile,
    SubjectArea,
    SurveyAnswer,
    Unit,
)
from cases.models.case import CONTACT_CENTRE_MAX_ROSA
from cases.services import (
    case_facts_rebuild,
    references_allocate_block,
    resolved_directly_rule,
    response_time,
)
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
ACCEPT_FIRST_SHARE = 0.6  # the department accepts the escalation before calling back
RETURNED_SHARE = 0.08  # the department sends it back to the contact centre with an answer
DECISION_SHARE = 0.6  # of escalations about a service that ends in a decision (ServiceSpec)
APPLICATION_SHARE = 0.7  # of decisions: the department records the application date too
CLOSED_LATER_SHARE = 0.25  # closed the next working day rather than right after the callback
ESCALATION_NOTE_SHARE = 0.2
PRIORITIES = {Priority.NORMAL: 0.88, Priority.HIGH: 0.10, Priority.URGENT: 0.02}
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
    escalations: Counter[str] = field(default_factory=Counter)  # by status
    overdue: int = 0  # escalations whose promise had passed without a callback at the cut-off
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    @property
    def direct_share(self) -> float:
        return self.resolved_directly / self.resolved if self.resolved else 0.0


@dataclass
class Organisation:
    departments: dict[str, Department]
    services: dict[str, Service]
    units: dict[str, Unit] = field(default_factory=dict)


@dataclass
class People:
    agents: list[User]
    department_staff: dict[str, list[User]]


# --- Organisation and people --------------------------------------------------------------------


def organisation_ensure() -> Organisation:
    """The demo departments, their units and services, created or brought back to the demo's
    names and escalation routing."""
    areas = {area.code: area for area in SubjectArea.objects.all()}
    departments: dict[str, Department] = {}
    services: dict[str, Service] = {}
    units: dict[str, Unit] = {}
    for spec in data.DEPARTMENTS:
        department, _ = Department.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "active": True}
        )
        departments[spec.code] = department
        own_units: dict[str, Unit] = {}
        for unit_spec in spec.units:
            own_units[unit_spec.code], _ = Unit.objects.update_or_create(
                code=unit_spec.code,
                defaults={
                    "department": department,
                    "name": unit_spec.name,
                    "email": unit_spec.email,
                    "active": True,
                },
            )
        units.update(own_units)
        for service_spec in spec.services:
            service, _ = Service.objects.update_or_create(
                code=service_spec.code,
                defaults={
                    "name": service_spec.name,
                    "department": department,
                    "subject_area": areas[service_spec.subject_area]
                    if service_spec.subject_area
                    else None,
                    # A unit of the service's own department (a KeyError here is a data.py typo).
                    "escalation_unit": own_units[service_spec.unit],
                    "callback_working_days": service_spec.callback_working_days,
                    "active": True,
                },
            )
            services[service_spec.code] = service
    return Organisation(departments=departments, services=services, units=units)


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
    # Everyone the demo places in a department works in all its units (and may own its
    # escalations). Only missing members are added: each addition writes a history row.
    for spec in data.DEPARTMENTS:
        for unit_spec in spec.units:
            unit = organisation.units[unit_spec.code]
            members = set(unit.members.values_list("pk", flat=True))
            missing = [user for user in staff[spec.code] if user.pk not in members]
            if missing:
                unit.members.add(*missing)
    return People(agents=agents, department_staff=staff)


def demo_is_loaded() -> bool:
    return Case.objects.exists()


def demo_reset() -> None:
    """Remove every case, contact, citizen and escalation with their history, and restart the
    numbering. The organisation (departments, units, services) and the users stay.

    Plain DELETEs rather than `QuerySet.delete()`: that would fire simple-history's post_delete
    for each of ~100 000 rows, writing a "deleted" history row per object only to wipe it next.
    A table that points at cases and is not listed here makes the DELETE fail (foreign key), so
    nothing is left dangling.
    """
    # Files uploaded while trying the demo go with their rows.
    for name in Attachment.objects.values_list("file", flat=True):
        default_storage.delete(name)
    models = [
        Attachment,
        CaseFacts,
        SurveyAnswer,
        Escalation.history.model,
        Contact.history.model,
        Case.history.model,
        Citizen.history.model,
        Escalation,
        Contact,
        Case,
        Citizen,
        ReferenceCounter,
    ]
    # What the checklists app keeps per case (by label: cases does not import checklists).
    learned = [
        apps.get_model("checklists", name)
        for name in (
            "SearchTermUse",
            "LearnedTerm",
            "LearnedTermTotal",
            "ChecklistUse",
            "SearchRecord",
        )
    ]
    feedback = apps.get_model("checklists", "Feedback")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(feedback)} SET case_id = NULL")
        for model in [*learned, *models]:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


# --- Planning -----------------------------------------------------------------------------------


@dataclass(slots=True)
class HandOver:
    """What the agent fills in on the escalation form, besides the promise."""

    unit: Unit
    priority: str
    note: str
    channel: str
    to: str
    told: str


@dataclass(slots=True)
class Step:
    """One thing that happens to a case. Applied in order, as far as the cut-off allows."""

    # in, out, escalate, callback, wait, resolve, close; and the department's actions on an
    # escalation: accept, answer (contacts the citizen), decide, return
    at: dt.datetime
    kind: str
    channel: str = ""
    by: User | None = None
    answered_at: dt.datetime | None = None
    text: str = ""
    rosa: int | None = None
    promise: dt.datetime | None = None
    hand_over: HandOver | None = None
    decided_on: dt.date | None = None
    application_on: dt.date | None = None


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


# What an escalation's actions change; everything else is fixed when it is handed over.
ESCALATION_STATE = (
    "status",
    "owner_id",
    "first_action_at",
    "callback_at",
    "returned_at",
    "return_answer",
    "decision",
    "decided_on",
    "application_on",
    "closed_at",
    "version",
)


@dataclass(slots=True)
class EscalationLog:
    """An escalation as it is built, with its state after each change: its history rows."""

    escalation: Escalation
    # (when, by whom, the services' change reason, the ESCALATION_STATE values after it)
    events: list[tuple[dt.datetime, int | None, str, tuple[object, ...]]] = field(
        default_factory=list
    )

    def record(self, at: dt.datetime, by: User | None, reason: str) -> None:
        """One change, saved the way `_escalation_save` saves it: the version goes up."""
        escalation = self.escalation
        if self.events:
            escalation.version += 1
        state = tuple(getattr(escalation, name) for name in ESCALATION_STATE)
        self.events.append((at, by.pk if by is not None else None, reason, state))

    def first_action(self, at: dt.datetime, by: User) -> None:
        """Any department action takes ownership when nobody has it and starts the clock."""
        escalation = self.escalation
        if escalation.owner_id is None:
            escalation.owner_id = by.pk
        if escalation.first_action_at is None:
            escalation.first_action_at = at


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


def _between(start: dt.datetime, end: dt.datetime, share: float) -> dt.datetime:
    """The moment `share` of the way from `start` to `end`, in whole seconds."""
    return start + dt.timedelta(seconds=round((end - start).total_seconds() * share))


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
        self._priorities = Weighted(PRIORITIES)
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
        low, high = data.FICTIONAL_PHONE_RANGE
        if (not written and needs_contact) or rng.random() < 0.25:
            phone = f"070-174 06 {rng.randint(low, high):02d}"
        elif needs_contact and not email:
            # A letter or a social-media message about a matter that needs a callback: the
            # agent asks how to reach the citizen (an escalation's callback needs it).
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
        """Hand the case to the service's unit, and what the department then does with it."""
        rng, spec = self.rng, plan.service
        unit = self.organisation.units[spec.unit]
        department = self.organisation.departments[plan.department_code]
        citizen = plan.citizen
        assert citizen is not None and (citizen.phone or citizen.email)
        self._reply_to_first(plan, handled, data.ESCALATION_REPLY)
        # After that reply, so the reply is not taken for the callback (see the module notes).
        handed = handled + _minutes(rng.uniform(1, 4)) if plan.channel in WRITTEN else handled
        # The live form's default: the service's working days, as `escalation_default_due`
        # counts them. UTC, so the arithmetic below ignores daylight saving time.
        promise = self.calendar.deadline(handed, spec.callback_working_days).astimezone(UTC)
        due = f"{_local(promise):%Y-%m-%d %H:%M}"
        channel = Channel.PHONE if citizen.phone else Channel.EMAIL
        hand_over = HandOver(
            unit=unit,
            priority=self._priorities.pick(rng),
            note=rng.choice(data.ESCALATION_NOTES) if rng.random() < ESCALATION_NOTE_SHARE else "",
            channel=channel,
            to=citizen.phone or citizen.email,
            told=data.TOLD_CITIZEN[channel].format(unit=unit.name, due=due),
        )
        plan.notes = (
            f"Överlämnat till {unit.name}, {department.name}. Återkoppling utlovad senast {due}."
        )
        plan.steps.append(
            Step(handed, "escalate", by=plan.agent, promise=promise, hand_over=hand_over)
        )
        if handed > self.cutoff - FORGOTTEN_WINDOW and rng.random() < FORGOTTEN_SHARE:
            return
        officer = rng.choice(self.people.department_staff[plan.department_code])
        if rng.random() < DEPARTMENT_LATE_SHARE:
            late_day = self.calendar.add_working_days(_local(promise).date(), rng.randint(1, 8))
            answered = self._open_time_on(late_day)
        else:
            answered = self._open_from(_between(handed, promise, rng.uniform(0.15, 1.0)))
            # The promise lies at least a working day after `handed`, so this stays after it.
            answered = min(answered, promise - _minutes(rng.uniform(5, 50)))
        if rng.random() < ACCEPT_FIRST_SHARE:
            accepted = self._open_from(_between(handed, answered, rng.uniform(0.05, 0.6)))
            if accepted < answered:
                plan.steps.append(Step(accepted, "accept", by=officer))
        if rng.random() < RETURNED_SHARE:
            self._returned(plan, answered, officer, channel)
            return
        text = rng.choice(data.DEPARTMENT_CALLBACK_TEXTS[channel])
        plan.steps.append(Step(answered, "answer", channel, by=officer, text=text))
        if spec.decisions and rng.random() < DECISION_SHARE:
            finished = self._decide(plan, answered, officer)
            note = rng.choice(data.DECISION_NOTES)
        else:
            if rng.random() < CLOSED_LATER_SHARE:
                next_day = self.calendar.add_working_days(_local(answered).date(), 1)
                finished = self._open_time_on(next_day)
            else:
                finished = answered + _minutes(rng.uniform(5, 30))
            note = rng.choice(data.DEPARTMENT_NOTES)
        rosa = self._department_rosa.pick(rng)
        plan.steps.append(Step(finished, "resolve", by=officer, rosa=rosa, text=note))

    def _decide(self, plan: Plan, answered: dt.datetime, officer: User) -> dt.datetime:
        """The unit records a decision some working days after the callback; returns when."""
        rng, spec = self.rng, plan.service
        answered_day = _local(answered).date()
        fewest, most = spec.decision_days
        decided_on = self.calendar.add_working_days(answered_day, rng.randint(fewest, most))
        recorded = max(self._open_time_on(decided_on), answered + _minutes(rng.uniform(10, 60)))
        application_on = None
        if rng.random() < APPLICATION_SHARE:
            if rng.random() < 0.3:
                # The citizen asked about an application already made.
                first_day = _local(plan.created_at).date()
                application_on = first_day - dt.timedelta(days=rng.randint(1, 30))
            else:
                span = (decided_on - answered_day).days
                application_on = answered_day + dt.timedelta(days=rng.randint(0, span // 2))
        plan.steps.append(
            Step(
                recorded,
                "decide",
                by=officer,
                text=rng.choice(spec.decisions),
                decided_on=decided_on,
                application_on=application_on,
            )
        )
        return recorded + _minutes(rng.uniform(5, 30))

    def _returned(self, plan: Plan, returned: dt.datetime, officer: User, channel: str) -> None:
        """The unit sends the case back with an answer; an agent gives it to the citizen."""
        rng = self.rng
        plan.steps.append(
            Step(returned, "return", by=officer, text=rng.choice(data.RETURN_ANSWERS))
        )
        agent = self._agent()
        called = self._open_from(returned + _minutes(rng.uniform(10, 150)))
        plan.steps.append(Step(called, "out", channel, by=agent, text=data.RETURN_CALLBACK_TEXT))
        ended = called + _minutes(rng.uniform(3, 12))
        rosa = self._contact_centre_rosa(plan.service, floor=2)
        plan.steps.append(
            Step(ended, "resolve", by=agent, rosa=rosa, text=data.RETURN_RESOLUTION_NOTE)
        )

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

    def build(self, plan: Plan, reference: str) -> tuple[Case, list[Contact], EscalationLog | None]:
        """The case, its contacts and its escalation as they stand at the cut-off, by the
        services' rules."""
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
        log: EscalationLog | None = None
        for step in plan.steps:
            if step.at > self.cutoff:
                break  # planned, but it has not happened yet
            if step.kind in ("in", "out", "answer"):
                contact = Contact(
                    case=case,
                    channel=step.channel,
                    direction=Direction.IN if step.kind == "in" else Direction.OUT,
                    occurred_at=step.at,
                    answered_at=step.answered_at,
                    handled_by_id=step.by.pk if step.by is not None else None,
                    text=step.text,
                    created_at=step.at,  # recorded as it happened (auto_now_add in the app)
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
                elif step.kind == "answer":
                    assert log is not None and step.by is not None
                    _department_contact(log, step)
                elif log is not None:
                    _note_callback(log, step)
            elif step.kind == "callback":
                case.callback_promised_at = step.promise
                case.notes = plan.notes
            elif step.kind == "escalate":
                case.status = CaseStatus.ESCALATED
                case.ever_escalated = True
                case.callback_promised_at = step.promise
                case.notes = plan.notes
                log = self._hand_over(case, plan, step)
            elif step.kind in ("accept", "decide", "return"):
                assert log is not None and step.by is not None
                _department_action(log, case, step)
            elif step.kind == "wait":
                case.status = CaseStatus.WAITING_FOR_CITIZEN
            elif step.kind == "resolve":
                assert step.rosa is not None and step.by is not None
                if log is not None:
                    _close_with_case(log, step, by_department=step.by.pk not in self._agent_ids)
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
                if log is not None:
                    _close_with_case(log, step, by_department=False)
                case.status = CaseStatus.CLOSED
                case.closed_at = step.at
                case.notes = f"{case.notes}\n\n{step.text}".strip()
        return case, contacts, log

    def _hand_over(self, case: Case, plan: Plan, step: Step) -> EscalationLog:
        """`escalation_create`: a new escalation with the promise on the case."""
        hand_over, agent = step.hand_over, step.by
        assert hand_over is not None and agent is not None and step.promise is not None
        escalation = Escalation(
            case=case,
            department_id=hand_over.unit.department_id,
            unit_id=hand_over.unit.pk,
            status=EscalationStatus.NEW,
            priority=hand_over.priority,
            question=plan.summary,
            told_citizen=hand_over.told,
            note=hand_over.note,
            callback_due=step.promise,
            callback_channel=hand_over.channel,
            callback_to=hand_over.to,
            created_at=step.at,
            created_by_id=agent.pk,
            version=1,
        )
        log = EscalationLog(escalation)
        log.record(step.at, agent, "created")
        return log


def _note_callback(log: EscalationLog, step: Step) -> None:
    """`_escalations_note_callback`: the first contact to the citizen at or after the hand-over,
    by anyone, is the callback."""
    escalation = log.escalation
    if (
        escalation.callback_at is None
        and escalation.status != EscalationStatus.CLOSED
        and escalation.created_at <= step.at
    ):
        escalation.callback_at = step.at
        log.record(step.at, step.by, "callback")


def _department_contact(log: EscalationLog, step: Step) -> None:
    """`escalation_contact_citizen`: records the callback itself (one history row), so its
    contact does not record it again."""
    escalation, by = log.escalation, step.by
    assert by is not None
    log.first_action(step.at, by)
    if escalation.callback_at is None:
        escalation.callback_at = step.at
    escalation.status = EscalationStatus.ANSWERED
    log.record(step.at, by, "contacted citizen")


def _department_action(log: EscalationLog, case: Case, step: Step) -> None:
    """`escalation_accept`, `escalation_decide` and `escalation_return`."""
    escalation, by = log.escalation, step.by
    assert by is not None
    if step.kind == "accept":
        escalation.status = EscalationStatus.ACCEPTED
        escalation.owner_id = by.pk
        log.first_action(step.at, by)
        log.record(step.at, by, "accepted")
    elif step.kind == "decide":
        log.first_action(step.at, by)
        if escalation.status == EscalationStatus.NEW:
            escalation.status = EscalationStatus.ACCEPTED
        escalation.decision = step.text
        escalation.decided_on = step.decided_on
        escalation.application_on = step.application_on
        log.record(step.at, by, "decided")
    else:
        log.first_action(step.at, by)
        escalation.status = EscalationStatus.RETURNED
        escalation.return_answer = step.text
        escalation.returned_at = step.at
        log.record(step.at, by, "returned")
        if case.status == CaseStatus.ESCALATED:
            case.status = CaseStatus.OPEN  # back to the contact centre


def _close_with_case(log: EscalationLog, step: Step, *, by_department: bool) -> None:
    """A case finished while its escalation is open: `escalation_close` when the department
    finishes it, `_escalations_close_with_case` when anyone else does."""
    escalation = log.escalation
    if escalation.status not in OPEN_ESCALATION_STATUSES:
        return
    if by_department:
        assert step.by is not None
        log.first_action(step.at, step.by)
    escalation.status = EscalationStatus.CLOSED
    escalation.closed_at = step.at
    log.record(step.at, step.by, "closed" if by_department else "closed with case")


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
    logs: list[EscalationLog] = []
    for plan, reference in zip(plans, references, strict=True):
        case, case_contacts, log = generator.build(plan, reference)
        if plan.citizen is not None:
            citizens.append(plan.citizen)
        cases.append(case)
        contacts.extend(case_contacts)
        if log is not None:
            logs.append(log)
            escalation = log.escalation
            summary.escalations[escalation.status] += 1
            summary.overdue += (
                escalation.callback_at is None
                and escalation.status != EscalationStatus.CLOSED
                and escalation.callback_due < generator.cutoff
                and not case.is_finished
            )
        summary.channels[case.channel] += 1
        summary.statuses[case.status] += 1
        if case.status == CaseStatus.RESOLVED:
            summary.resolved += 1
            summary.resolved_directly += bool(case.resolved_directly)
    Citizen.objects.bulk_create(citizens, batch_size=BATCH_SIZE)
    Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
    _contacts_write(contacts)
    _escalations_write(logs)
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
    (Contacts are written with their `created_at` already: see `_contacts_write`.)
    """
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


# Field types whose Python value is already what the database driver takes.
DRIVER_READY_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "CharField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "TextField",
    }
)


def _converters(fields: list[Field]) -> list[Callable[[object], object] | None]:
    """Per field, how its value becomes what the driver takes (None: it already is).

    Remembered per value: an escalation's few moments recur in each of its history rows.
    """
    db = transaction.get_connection()  # the connection itself, not the thread-local proxy
    # The demo's moments are aware datetimes already: only the backend's adaptation is left.
    adapters = {
        "DateTimeField": db.ops.adapt_datetimefield_value,
        "DateField": db.ops.adapt_datefield_value,
    }

    def remembering(field: Field) -> Callable[[object], object]:
        known: dict[object, object] = {}
        adapt = adapters.get(
            field.get_internal_type(), partial(field.get_db_prep_save, connection=db)
        )

        def convert(value: object) -> object:
            try:
                return known[value]
            except KeyError:
                known[value] = converted = adapt(value)
                return converted

        return convert

    return [
        None if field.get_internal_type() in DRIVER_READY_TYPES else remembering(field)
        for field in fields
    ]


def _db_values(
    values: Iterable[object], converters: list[Callable[[object], object] | None]
) -> tuple[object, ...]:
    return tuple(
        value if convert is None or value is None else convert(value)
        for value, convert in zip(values, converters, strict=True)
    )


def _rows_insert(model: type[Model], fields: list[Field], rows: list[tuple]) -> None:
    """INSERT rows already in the driver's terms, in one `executemany`."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(field.column) for field in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})", rows
        )


def _contacts_write(contacts: list[Contact]) -> None:
    """The contacts of cases just inserted, with plain `executemany` (nothing needs their ids):
    through `bulk_create` they were ~8 s of the 12-month load (see `_escalations_write`)."""
    fields = [field for field in Contact._meta.concrete_fields if not field.primary_key]
    converters = _converters(fields)
    for contact in contacts:
        contact.case_id = contact.case.pk
    _rows_insert(
        Contact,
        fields,
        [_db_values((getattr(c, f.attname) for f in fields), converters) for c in contacts],
    )


def _escalations_write(logs: list[EscalationLog]) -> None:
    """The escalations of cases just inserted, and one history row per change to each, as the
    escalation services write them.

    Straight `executemany` INSERTs: through `bulk_create` these ~5 000 rows and their ~25 000
    history rows cost ~12 s of the 12-month load, nearly all of it compiling each value through
    the ORM. Every concrete field is written from the instance, so a new field on the model is
    carried into the rows and their history without a change here.
    """
    if not logs:
        return
    fields = [field for field in Escalation._meta.concrete_fields if not field.primary_key]
    converters = _converters(fields)
    for log in logs:
        log.escalation.case_id = log.escalation.case.pk
    _rows_insert(
        Escalation,
        fields,
        [
            _db_values((getattr(log.escalation, f.attname) for f in fields), converters)
            for log in logs
        ],
    )
    # The demo gives a case at most one escalation, and these cases are new: the case finds it.
    case_ids = [log.escalation.case_id for log in logs]
    these = Escalation.objects.filter(case_id__gte=min(case_ids), case_id__lte=max(case_ids))
    ids = dict(these.values_list("case_id", "pk"))
    for log in logs:
        log.escalation.pk = ids[log.escalation.case_id]
        log.escalation._state.adding = False
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = Escalation.history.model
    history_fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    history_converters = _converters(history_fields)
    position = {field.attname: n for n, field in enumerate(history_fields)}
    state_positions = [position[name] for name in ESCALATION_STATE]
    meta_positions = [
        position[name]
        for name in ("history_date", "history_type", "history_user_id", "history_change_reason")
    ]
    rows = []
    for log in logs:
        escalation = log.escalation
        # Converted once per escalation; each change overwrites its state and the bookkeeping.
        base = list(
            _db_values(
                (getattr(escalation, f.attname, None) for f in history_fields), history_converters
            )
        )
        for number, (at, user_id, reason, state) in enumerate(log.events):
            row = base.copy()
            changed = (*state, at, "~" if number else "+", user_id, reason)
            for n, value in zip((*state_positions, *meta_positions), changed, strict=True):
                convert = history_converters[n]
                row[n] = value if convert is None or value is None else convert(value)
            rows.append(tuple(row))
    _rows_insert(history, history_fields, rows)


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
        write("Bygger nyckeltalsunderlaget …")
        case_facts_rebuild()
    return summary
