"""Benchmark: the KKiK report and the manager dashboard at 1,000,000 cases on PostgreSQL.

Builds (once) the PostgreSQL database `bench_kkik` with one year of a large municipality's
contact centre: 1,000,000 cases, about 1.5 million contacts, survey answers and escalations with
decisions, on the demo organisation (departments, services, KKiK subject areas, units) and the
calendar table. The rows are planned in Python case by case, so they keep the model's rules
(the first contact is inbound on the case's channel and is `Case.created_at`, `answered_at` only
on inbound calls, references `KT-<year>-<6 digits>`), and streamed in time order with COPY into
the tables with their secondary indexes and foreign keys dropped; those are rebuilt afterwards,
then VACUUM ANALYZE. The parameters are stored as the database's comment: a rerun with the same
ones reuses the data, other ones (or `--regenerate`) drop and rebuild it.

Then times, warm (first run and best of `--rounds`):
- `kpi.report.kkik_report` for the year (target ≤ 2 s);
- `kpi.dashboard.dashboard` for the year (target ≤ 1 s server time);
- each measure against one hand-written SQL statement that computes the same figures — asserted
  equal — with the target ORM ≤ 1.5 × SQL.

    DEBUG=1 python -m bench.kkik                 # reuses bench_kkik when it holds the same data
    DEBUG=1 python -m bench.kkik --regenerate    # drops and rebuilds it
    DEBUG=1 python -m bench.kkik --cases 100000  # a smaller database (rebuilt: other parameters)
    DEBUG=1 python -m bench.kkik --explain       # also EXPLAIN ANALYZE the slowest ORM measure
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import heapq
import itertools
import json
import math
import os
import platform
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_kkik"
GENERATOR_VERSION = 4
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HOUR = 3600
DAY = 86400
NULL = "\\N"

REPORT_TARGET_S = 2.0
DASHBOARD_TARGET_S = 1.0
RATIO_TARGET = 1.5

# --- What the year looks like (shares of cases or contacts) -------------------------------------
ABANDONED = 0.095  # inbound calls hung up before a person answered
ABANDONED_CALLS_AGAIN = 0.65  # ... of which the citizen calls again the same day (same case)
SLOW_ANSWER = 0.2  # answered calls that waited in a long queue (over 60 s)
# Written questions: (share, fewest, most seconds) until the contact centre's first reply,
# before moving it into opening hours; the rest (6 %) is never answered.
WRITTEN_REPLY = (
    (0.45, 600, 4 * HOUR),
    (0.25, 4 * HOUR, DAY),
    (0.12, DAY, 2 * DAY),
    (0.08, 2 * DAY, 5 * DAY),
    (0.04, 5 * DAY, 21 * DAY),
)
REPLY_BY_PHONE = 0.08  # the reply to a written question is a call
CHASE = 0.25  # a citizen whose written question waits over 2 days calls to chase it
ESCALATION = 0.8  # times the demo services' escalation shares
CALLBACK_PROMISED = 0.06  # the agent promises to call back instead of answering at once
REPEAT_CONTACT = 0.05  # the citizen comes back about the same matter before it is resolved
REOPENED = 0.04  # resolved, reopened (e.g. the answer was wrong) and resolved again
LEFT_OPEN = 0.03  # still open (or waiting for the citizen) when the data was taken
NO_SERVICE = 0.05  # general questions with no service or department
RATED_SYNC = 0.12  # calls, visits and chats the citizen rates
RATED_WRITTEN = 0.08  # written replies the citizen rates
COURTESY = {5: 0.5, 4: 0.3, 3: 0.11, 2: 0.05, 1: 0.04}
WRITTEN = ("email", "web", "social", "letter")

COLUMNS = {
    "cases_case": (
        "id, reference, channel, status, department_id, service_id, subject_area_id, summary, "
        "notes, external_ref, rosa_level, resolved_directly, resolution_note, ever_escalated, "
        "callback_promised_at, reopened_count, created_at, first_response_at, resolved_at, "
        "closed_at, updated_at, version"
    ),
    "cases_contact": "id, case_id, channel, direction, occurred_at, answered_at, text, created_at",
    "cases_surveyanswer": "id, contact_id, question, grade, answered_at",
    "cases_escalation": (
        "id, case_id, department_id, unit_id, status, priority, question, told_citizen, note, "
        "callback_due, callback_channel, callback_to, created_at, first_action_at, callback_at, "
        "returned_at, return_answer, decision, decided_on, application_on, closed_at, version"
    ),
}


def copy_text(value: str) -> str:
    """A value for COPY's text format."""
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


_utc_dates: dict[int, str] = {}


def stamp(ts: int | None) -> str:
    """An epoch second as a timestamptz literal (UTC), or NULL."""
    if ts is None:
        return NULL
    day, second = divmod(ts, DAY)
    date = _utc_dates.get(day)
    if date is None:
        date = _utc_dates[day] = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()
    return f"{date} {second // HOUR:02d}:{second // 60 % 60:02d}:{second % 60:02d}+00"


class Weighted:
    """Picks a value with the relative weights of a dict."""

    def __init__(self, table: dict[Any, float]) -> None:
        self.values = list(table)
        self.cum = list(itertools.accumulate(table.values()))
        self.total = self.cum[-1]
        self.last = len(self.values) - 1

    def pick(self, rng: random.Random) -> Any:
        return self.values[min(bisect.bisect(self.cum, rng.random() * self.total), self.last)]


@dataclass(frozen=True)
class Spec:
    cases: int
    first_day: dt.date
    days: int
    seed: int

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.days - 1)

    def key(self) -> dict[str, Any]:
        return {
            "generator": GENERATOR_VERSION,
            "cases": self.cases,
            "first_day": self.first_day.isoformat(),
            "days": self.days,
            "seed": self.seed,
        }


class Days:
    """Local (Europe/Stockholm) days from `first`: midnight as an epoch second, working day or
    not, opening hours."""

    def __init__(
        self, first: dt.date, count: int, calendar: Any, opening_hours: dict[int, tuple[int, int]]
    ) -> None:
        self.dates = [first + dt.timedelta(days=i) for i in range(count)]
        self.start = [
            int(dt.datetime.combine(d, dt.time(), tzinfo=STOCKHOLM).timestamp()) for d in self.dates
        ]
        self.noon = [
            int(dt.datetime.combine(d, dt.time(12), tzinfo=STOCKHOLM).timestamp())
            for d in self.dates
        ]
        self.working = [calendar.is_working_day(d) for d in self.dates]
        self.hours = [
            opening_hours.get(d.isoweekday()) if working else None
            for d, working in zip(self.dates, self.working, strict=True)
        ]
        following, self.next_working = count - 1, [0] * count
        for i in range(count - 1, -1, -1):
            self.next_working[i] = following
            if self.working[i]:
                following = i

    def at(self, i: int, seconds: int) -> int:
        """The instant `seconds` of wall-clock time after midnight of day `i`."""
        return self.noon[i] + seconds - 12 * HOUR

    def index(self, ts: int) -> int:
        return bisect.bisect_right(self.start, ts) - 1

    def add_working(self, i: int, count: int) -> int:
        """The `count`-th working day after day `i`."""
        for _ in range(count):
            i = self.next_working[i]
        return i

    def office(self, ts: int, rng: random.Random) -> int:
        """`ts` if the contact centre is open then, else a moment in the next opening hours."""
        i = self.index(ts)
        hours = self.hours[i]
        if hours is not None:
            local = ts - self.start[i]
            if hours[0] * HOUR <= local < hours[1] * HOUR:
                return ts
            if local < hours[0] * HOUR:
                return self.at(i, hours[0] * HOUR + int(rng.random() * 2 * HOUR))
        j = self.next_working[i]
        return self.at(j, self.hours[j][0] * HOUR + int(rng.random() * 2 * HOUR))  # type: ignore[index]


@dataclass(frozen=True)
class ServiceRow:
    id: int
    department_id: int
    subject_area: str  # id or NULL
    unit_id: int
    agreed_rosa: int
    escalation: float
    callback_working_days: int
    questions: tuple[str, ...]
    decisions: tuple[str, ...]
    decision_days: tuple[int, int]


class Generator:
    """Plans each case whole and writes its rows; contacts wait in a heap until the clock
    passes them, so they get ids (and heap places) in time order as in a real log."""

    def __init__(self, spec: Spec, cursor: Any) -> None:
        from django.conf import settings

        from cases.demo import data
        from kundtjanst.workdays import WorkingCalendar

        self.spec, self.cursor = spec, cursor
        self.rng = random.Random(spec.seed)
        self.data = data
        self.margin = 3
        self.days = Days(
            spec.first_day - dt.timedelta(days=self.margin),
            spec.days + self.margin + 120,
            WorkingCalendar(),
            settings.KPI_OPENING_HOURS,
        )
        self.lines: dict[str, list[str]] = {table: [] for table in COLUMNS}
        self.pending: list[tuple[Any, ...]] = []
        self.seq = self.contact_id = self.survey_id = self.escalation_id = 0
        self.references: dict[int, int] = {}
        self.copy_seconds = 0.0
        self.working_channels = Weighted(data.WORKING_DAY_CHANNELS)
        self.closed_channels = Weighted(data.CLOSED_DAY_CHANNELS)
        self.hours = {
            "sync": Weighted(data.SYNCHRONOUS_HOURS),
            "chat": Weighted(data.CHAT_HOURS),
            "letter": Weighted(data.LETTER_HOURS),
            "written": Weighted(data.WRITTEN_HOURS),
        }
        self.centre_rosa = Weighted(data.CONTACT_CENTRE_ROSA)
        self.department_rosa = Weighted(data.DEPARTMENT_ROSA)
        self.courtesy = Weighted(COURTESY)
        self.general = copy_text("Allmän fråga om kommunens service")
        self.told = copy_text(data.ESCALATION_REPLY)

    # --- organisation ---------------------------------------------------------------------------

    def organisation(self) -> None:
        from cases.demo.generator import organisation_ensure

        organisation = organisation_ensure()
        self.services: list[ServiceRow] = []
        weights: list[tuple[ServiceRow, Any]] = []
        for department in self.data.DEPARTMENTS:
            for spec in department.services:
                service = organisation.services[spec.code]
                row = ServiceRow(
                    id=service.pk,
                    department_id=service.department_id,
                    subject_area=str(service.subject_area_id or NULL),
                    unit_id=service.escalation_unit_id or organisation.units[spec.unit].pk,
                    agreed_rosa=spec.agreed_rosa,
                    escalation=spec.escalation * ESCALATION,
                    callback_working_days=max(1, spec.callback_working_days),
                    questions=tuple(copy_text(q) for q in spec.questions),
                    decisions=tuple(copy_text(d) for d in spec.decisions),
                    decision_days=spec.decision_days,
                )
                self.services.append(row)
                weights.append((row, spec))
        self.by_month: dict[int, Weighted] = {}
        for month in range(1, 13):
            table = {row: spec.weight * spec.season.get(month, 1.0) for row, spec in weights}
            total = sum(table.values())
            table = {row: w / total * (1 - NO_SERVICE) for row, w in table.items()}
            table[None] = NO_SERVICE  # type: ignore[index]
            self.by_month[month] = Weighted(table)

    # --- the year ---------------------------------------------------------------------------------

    def per_day(self) -> list[int]:
        """Cases per day of the period: the demo's weekday, month and closed-day profile, scaled
        to the requested total (cumulative rounding, so the sum is exact)."""
        data, days = self.data, self.days
        weights = []
        for n in range(self.spec.days):
            i = n + self.margin
            date = days.dates[i]
            if days.working[i]:
                w = data.CASES_PER_WORKING_DAY * data.WEEKDAY_FACTOR[date.weekday()]
            else:
                w = data.CASES_PER_CLOSED_DAY
            weights.append(w * data.MONTH_FACTOR[date.month])
        scale = self.spec.cases / sum(weights)
        counts, done, cumulative = [], 0, 0.0
        for w in weights:
            cumulative += w * scale
            counts.append(round(cumulative) - done)
            done += counts[-1]
        return counts

    def run(self) -> None:
        rng, days = self.rng, self.days
        case_id = 0
        for n, count in enumerate(self.per_day()):
            i = n + self.margin
            channels = self.working_channels if days.working[i] else self.closed_channels
            arrivals = []
            for _ in range(count):
                channel = channels.pick(rng)
                family = (
                    "sync"
                    if channel in ("phone", "visit")
                    else channel
                    if channel in ("chat", "letter")
                    else "written"
                )
                hour = self.hours[family].pick(rng)
                arrivals.append((days.at(i, hour * HOUR + int(rng.random() * HOUR)), channel))
            arrivals.sort()
            month = days.dates[i].month
            for t, channel in arrivals:
                case_id += 1
                self.case(case_id, t, i, channel, self.by_month[month].pick(rng))
            self.release(days.start[i + 1])
            if len(self.lines["cases_case"]) >= 50_000:
                self.flush()
        self.release(2**62)
        self.flush()

    def flush(self) -> None:
        started = time.perf_counter()
        for table, lines in self.lines.items():
            if lines:
                with self.cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                    copy.write("".join(lines))
                lines.clear()
        self.copy_seconds += time.perf_counter() - started

    # --- one case ---------------------------------------------------------------------------------

    def contact(
        self,
        ts: int,
        case_id: int,
        channel: str,
        direction: str,
        answered: int | None = None,
        rated: float = 0.0,
    ) -> None:
        rating = None
        if rated and self.rng.random() < rated:
            rng = self.rng
            grade = self.courtesy.pick(rng)
            after = ts + rng.randint(600, 2 * DAY)
            rating = [("courtesy", grade, after)]
            if rng.random() < 0.7:
                rating.append(("ease", min(5, max(1, grade + rng.choice((-1, 0, 0, 1)))), after))
            if direction == "out" and rng.random() < 0.8:
                rating.append(("clarity", min(5, max(1, grade + rng.choice((-1, 0, 1)))), after))
        self.seq += 1
        heapq.heappush(self.pending, (ts, self.seq, case_id, channel, direction, answered, rating))

    def release(self, until: int) -> None:
        """Write the contacts before `until`, in time order."""
        pending, contacts, answers = self.pending, self.lines["cases_contact"], []
        while pending and pending[0][0] < until:
            ts, _, case_id, channel, direction, answered, rating = heapq.heappop(pending)
            self.contact_id += 1
            at = stamp(ts)
            contacts.append(
                f"{self.contact_id}\t{case_id}\t{channel}\t{direction}\t{at}\t{stamp(answered)}"
                f"\t\t{at}\n"
            )
            for question, grade, after in rating or ():
                self.survey_id += 1
                answers.append(
                    f"{self.survey_id}\t{self.contact_id}\t{question}\t{grade}\t{stamp(after)}\n"
                )
        self.lines["cases_surveyanswer"].extend(answers)

    def wait(self) -> int:
        """Seconds in the queue (menu time included) until a person answers."""
        if self.rng.random() < SLOW_ANSWER:
            return 61 + int(self.rng.expovariate(1 / 150))
        return int(self.rng.expovariate(1 / 22))

    def reply_delay(self) -> int | None:
        r = self.rng.random()
        for share, low, high in WRITTEN_REPLY:
            if r < share:
                return self.rng.randint(low, high)
            r -= share
        return None

    def case(self, case_id: int, t: int, i: int, channel: str, service: ServiceRow | None) -> None:
        rng, days, add = self.rng, self.days, self.contact
        inbound = 1
        responses: list[int] = []
        status, rosa, direct = "resolved", NULL, NULL
        resolved_at: int | None = None
        closed_at: int | None = None
        callback_promised: int | None = None
        escalated = reopened = False
        if channel == "phone":
            call = t
            if rng.random() < ABANDONED:
                add(t, case_id, "phone", "in")
                if rng.random() >= ABANDONED_CALLS_AGAIN:
                    closed_at = t + rng.randint(HOUR, DAY)
                    self.case_row(case_id, t, i, channel, service, "closed", closed_at=closed_at)
                    return
                call = days.office(t + rng.randint(120, 90 * 60), rng)
                inbound += 1
            answered = call + self.wait()
            add(call, case_id, "phone", "in", answered, RATED_SYNC)
            responses.append(answered)
            handled = answered + rng.randint(90, 600)
        elif channel in ("visit", "chat"):
            add(t, case_id, channel, "in", None, RATED_SYNC)
            responses.append(t)
            handled = t + rng.randint(120, 900)
        else:
            add(t, case_id, channel, "in")
            escalate = service is not None and rng.random() < service.escalation
            delay = self.reply_delay()
            if escalate:  # the contact centre tells the citizen who will answer, promptly
                delay = rng.randint(600, 6 * HOUR)
            reply = days.office(t + delay, rng) if delay is not None else None
            if (reply is None or reply - t > 2 * DAY) and rng.random() < CHASE:
                chase = days.office(t + rng.randint(DAY + 12 * HOUR, 3 * DAY), rng)
                if reply is None or chase < reply:
                    answered = chase + self.wait()
                    add(chase, case_id, "phone", "in", answered, RATED_SYNC)
                    responses.append(answered)
                    inbound += 1
            if reply is None:
                status = "closed" if rng.random() < 0.5 else "open"
                if status == "closed":
                    closed_at = t + rng.randint(7 * DAY, 30 * DAY)
                self.case_row(
                    case_id,
                    t,
                    i,
                    channel,
                    service,
                    status,
                    first_response=min(responses, default=None),
                    closed_at=closed_at,
                )
                return
            if rng.random() < REPLY_BY_PHONE:
                reply_channel = "phone"
            elif channel == "social":
                reply_channel = "social"
            elif channel == "letter" and rng.random() < 0.5:
                reply_channel = "letter"
            else:
                reply_channel = "email"
            add(reply, case_id, reply_channel, "out", None, RATED_WRITTEN)
            responses.append(reply)
            handled = reply
            escalated = escalate
        if channel in ("phone", "visit", "chat"):
            escalated = service is not None and rng.random() < service.escalation
        if escalated:
            assert service is not None
            resolved_at, callback_promised, status = self.escalation(
                case_id, t, i, handled, service, responses
            )
            if resolved_at is not None:
                rosa = str(self.department_rosa.pick(rng))
                direct = "f"
        else:
            r = rng.random()
            resolved_at = handled
            if r < CALLBACK_PROMISED:
                callback_promised = handled + rng.randint(2 * HOUR, 24 * HOUR)
                back = days.office(handled + rng.randint(HOUR, 26 * HOUR), rng)
                add(back, case_id, "phone", "out")
                responses.append(back)
                resolved_at = back + rng.randint(60, 600)
            elif r < CALLBACK_PROMISED + REPEAT_CONTACT:
                again = days.office(handled + rng.randint(DAY, 6 * DAY), rng)
                answered = again + self.wait()
                add(again, case_id, "phone", "in", answered, RATED_SYNC)
                inbound += 1
                resolved_at = answered + rng.randint(90, 600)
            elif r < CALLBACK_PROMISED + REPEAT_CONTACT + REOPENED:
                reopened = True
                resolved_at = handled + rng.randint(DAY, 5 * DAY)
            elif r < CALLBACK_PROMISED + REPEAT_CONTACT + REOPENED + LEFT_OPEN:
                status = "open" if rng.random() < 0.5 else "waiting_for_citizen"
                resolved_at = None
            if resolved_at is not None:
                level = self.centre_rosa.pick(rng)
                rosa = str(min(level, service.agreed_rosa) if service else 1)
                first_time = inbound == 1 and callback_promised is None and not reopened
                direct = "t" if first_time else "f"
        self.case_row(
            case_id,
            t,
            i,
            channel,
            service,
            status,
            rosa=rosa,
            direct=direct,
            escalated=escalated,
            callback_promised=callback_promised,
            reopened=reopened,
            first_response=min(responses, default=None),
            resolved_at=resolved_at,
            closed_at=closed_at,
        )

    def escalation(
        self, case_id: int, t: int, i: int, handled: int, service: ServiceRow, responses: list[int]
    ) -> tuple[int | None, int, str]:
        """Hands the case to the service's unit; returns (resolved at, callback due, status)."""
        rng, days = self.rng, self.days
        created = handled + rng.randint(60, 900)
        due_day = days.add_working(days.index(created), service.callback_working_days)
        due = days.at(due_day, 16 * HOUR)
        r = rng.random()
        status = (
            "closed" if r < 0.8 else "returned" if r < 0.86 else "answered" if r < 0.92 else "new"
        )
        callback_at = first_action = returned_at = closed_at = None
        decision, decided_on, application_on = "", NULL, NULL
        resolved_at = None
        if status == "new" and rng.random() < 0.5:
            status, first_action = "accepted", created + rng.randint(HOUR, DAY)
        if status in ("closed", "returned", "answered"):
            window = due - created
            callback_at = days.office(created + int(window * rng.uniform(0.1, 1.25)), rng)
            first_action = created + rng.randint(60, max(61, min(callback_at - created, DAY)))
            self.contact(callback_at, case_id, "phone" if rng.random() < 0.6 else "email", "out")
            responses.append(callback_at)
            resolved_at = callback_at + rng.randint(300, 3 * HOUR)
            if status == "returned":
                returned_at = max(created + 60, callback_at - rng.randint(300, 2 * HOUR))
            if status == "closed":
                closed_at = callback_at + rng.randint(600, 2 * DAY)
                if service.decisions and rng.random() < 0.6:
                    decision = rng.choice(service.decisions)
                    low, high = service.decision_days
                    day = days.add_working(days.index(callback_at), rng.randint(low, high))
                    decided_on = days.dates[day].isoformat()
                    if rng.random() < 0.5:
                        application_on = days.dates[i + rng.randint(0, 3)].isoformat()
        self.escalation_id += 1
        self.lines["cases_escalation"].append(
            f"{self.escalation_id}\t{case_id}\t{service.department_id}\t{service.unit_id}"
            f"\t{status}\tnormal\t{rng.choice(service.questions)}\t{self.told}\t"
            f"\t{stamp(due)}\tphone\t\t{stamp(created)}\t{stamp(first_action)}"
            f"\t{stamp(callback_at)}\t{stamp(returned_at)}\t\t{decision}\t{decided_on}"
            f"\t{application_on}\t{stamp(closed_at)}\t1\n"
        )
        return resolved_at, due, ("resolved" if resolved_at is not None else "escalated")

    def case_row(
        self,
        case_id: int,
        t: int,
        i: int,
        channel: str,
        service: ServiceRow | None,
        status: str,
        *,
        rosa: str = NULL,
        direct: str = NULL,
        escalated: bool = False,
        callback_promised: int | None = None,
        reopened: bool = False,
        first_response: int | None = None,
        resolved_at: int | None = None,
        closed_at: int | None = None,
    ) -> None:
        year = self.days.dates[i].year
        number = self.references[year] = self.references.get(year, 0) + 1
        if service is None:
            department = service_id = area = NULL
            summary = self.general
        else:
            department, service_id = str(service.department_id), str(service.id)
            area, summary = service.subject_area, self.rng.choice(service.questions)
        updated = max(x for x in (t, resolved_at, closed_at) if x is not None)
        self.lines["cases_case"].append(
            f"{case_id}\tKT-{year}-{number:06d}\t{channel}\t{status}\t{department}\t{service_id}"
            f"\t{area}\t{summary}\t\t\t{rosa}\t{direct}\t\t{'t' if escalated else 'f'}"
            f"\t{stamp(callback_promised)}\t{int(reopened)}\t{stamp(t)}\t{stamp(first_response)}"
            f"\t{stamp(resolved_at)}\t{stamp(closed_at)}\t{stamp(updated)}\t1\n"
        )


# --- The database ---------------------------------------------------------------------------------


def _maintenance(url: str) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    return psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True)


def database_name(url: str) -> str:
    from psycopg.conninfo import conninfo_to_dict

    return str(conninfo_to_dict(url)["dbname"])


def database_state(url: str) -> dict[str, Any] | None:
    """The stored parameters of the benchmark database ({} without any), None when missing."""
    with _maintenance(url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database_name(url)],
        ).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0] or "{}")
    except ValueError:
        return {}


def database_recreate(url: str) -> None:
    from psycopg import sql

    name = sql.Identifier(database_name(url))
    with _maintenance(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def database_comment(url: str, state: dict[str, Any]) -> None:
    from psycopg import sql

    with _maintenance(url) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database_name(url)), sql.Literal(json.dumps(state))
            )
        )


def _constraints_drop(cursor: Any, table: str) -> list[str]:
    """Drops the table's secondary indexes, unique and foreign-key constraints; returns the
    statements that bring them back (unique ones first)."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC""",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
           WHERE i.indrelid = %s::regclass AND NOT EXISTS (
               SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid
                 AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))""",
        [table],
    )
    indexes = cursor.fetchall()
    restore = [definition for _name, definition in indexes]
    restore += [f"ALTER TABLE {table} ADD CONSTRAINT {n} {d}" for n, d, _t in constraints]
    for name, _definition, _type in sorted(constraints, key=lambda c: c[2]):  # 'f' before 'u'
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return restore


def build(spec: Spec) -> dict[str, Any]:
    """Migrates the empty database and loads the year; returns the seconds of each step."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from cases.models import ReferenceCounter
    from kundtjanst.workdays import calendar_days_refresh

    steps: dict[str, Any] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    steps["migrate_s"] = round(time.perf_counter() - started, 1)

    mark = time.perf_counter()
    until = max(
        spec.last_day + dt.timedelta(days=400), dt.date(timezone.localdate().year + 5, 12, 31)
    )
    calendar_days_refresh(until=until)
    connection.ensure_connection()
    raw = connection.connection
    with raw.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        restore = [s for table in COLUMNS for s in _constraints_drop(cursor, table)]
        generator = Generator(spec, cursor)
        generator.organisation()
        steps["organisation_calendar_s"] = round(time.perf_counter() - mark, 1)

        mark = time.perf_counter()
        generator.run()
        steps["generate_and_copy_s"] = round(time.perf_counter() - mark, 1)
        steps["of_which_copy_s"] = round(generator.copy_seconds, 1)

        mark = time.perf_counter()
        for statement in restore:
            cursor.execute(statement)
        for table in COLUMNS:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        steps["indexes_constraints_s"] = round(time.perf_counter() - mark, 1)
    for year, last in generator.references.items():
        ReferenceCounter.objects.update_or_create(year=year, defaults={"last_number": last})

    # The per-case facts the measures read, built set-based as after an import (ADR 0007).
    from cases.services import case_facts_rebuild

    mark = time.perf_counter()
    with raw.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(COLUMNS)}")
    case_facts_rebuild()
    steps["case_facts_s"] = round(time.perf_counter() - mark, 1)

    mark = time.perf_counter()
    with raw.cursor() as cursor:
        cursor.execute(
            f"VACUUM (ANALYZE) {', '.join(COLUMNS)}, cases_casefacts, kundtjanst_calendarday"
        )
    steps["vacuum_analyze_s"] = round(time.perf_counter() - mark, 1)
    steps["total_s"] = round(time.perf_counter() - started, 1)
    return steps


def data_profile() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), count(*) FILTER (WHERE resolved_directly IS NOT NULL),
                      count(*) FILTER (WHERE resolved_directly), min(created_at), max(created_at)
               FROM cases_case"""
        )
        cases, resolved, direct, first, last = cursor.fetchone()
        cursor.execute("SELECT channel, count(*) FROM cases_case GROUP BY 1 ORDER BY 2 DESC")
        channels = cursor.fetchall()
        cursor.execute(
            """SELECT count(*), count(*) FILTER (WHERE direction = 'in' AND channel = 'phone'),
                      count(*) FILTER (WHERE direction = 'in' AND channel = 'phone'
                                       AND answered_at IS NULL)
               FROM cases_contact"""
        )
        contacts, calls, abandoned = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM cases_surveyanswer")
        (answers,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE decided_on IS NOT NULL) FROM cases_escalation"
        )
        escalations, decided = cursor.fetchone()
    return {
        "cases": cases,
        "contacts": contacts,
        "survey_answers": answers,
        "escalations": escalations,
        "decisions": decided,
        "first_contact": first.astimezone(STOCKHOLM).isoformat(),
        "last_contact": last.astimezone(STOCKHOLM).isoformat(),
        "channel_share_pct": {c: round(100 * n / cases, 1) for c, n in channels},
        "inbound_calls": calls,
        "abandoned_calls_pct": round(100 * abandoned / calls, 1) if calls else None,
        "resolved": resolved,
        "resolved_directly_pct": round(100 * direct / resolved, 1) if resolved else None,
    }


# --- The hand-written SQL, one statement per measure -------------------------------------------
# `best` is the fastest single statement found for the figures; `plain`, where given, is the
# straight transcription of the ORM's logic, to show what the formulation alone is worth.

EMAIL_PLAIN_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE elapsed <= 1),
       count(*) FILTER (WHERE elapsed > 1 AND elapsed <= 2),
       count(*) FILTER (WHERE elapsed > 2 AND elapsed <= 5),
       count(*) FILTER (WHERE elapsed > 5 AND elapsed <= 10),
       count(*) FILTER (WHERE elapsed IS NULL OR elapsed > 10)
FROM (
    SELECT rp.working_day_index
           - (rc.working_day_index + CASE WHEN rc.is_working_day THEN 0 ELSE 1 END)
           + CASE WHEN rp.is_working_day
                       AND r.local::time <= CASE WHEN rc.is_working_day THEN e.local::time
                                                 ELSE time '00:00' END
                  THEN 0 ELSE 1 END AS elapsed
    FROM (
        SELECT c.id, c.created_at, c.created_at AT TIME ZONE 'Europe/Stockholm' AS local
        FROM cases_case c
        WHERE c.channel = 'email' AND c.created_at >= %(start)s AND c.created_at < %(end)s
    ) e
    LEFT JOIN kundtjanst_calendarday rc ON rc.date = e.local::date
    LEFT JOIN LATERAL (
        SELECT o.occurred_at AT TIME ZONE 'Europe/Stockholm' AS local
        FROM cases_contact o
        WHERE o.case_id = e.id AND o.direction = 'out' AND o.occurred_at >= e.created_at
        ORDER BY o.occurred_at
        LIMIT 1
    ) r ON true
    LEFT JOIN kundtjanst_calendarday rp ON rp.date = r.local::date
) per_case
"""

# The first replies by one hash join and grouping instead of a probe per case; each instant
# converted to local time once (OFFSET 0 keeps the planner from inlining the conversions into
# every use); counted per elapsed value first (a few dozen groups), then into the buckets.
EMAIL_SQL = """
SELECT sum(n)::bigint,
       coalesce(sum(n) FILTER (WHERE elapsed <= 1), 0)::bigint,
       coalesce(sum(n) FILTER (WHERE elapsed > 1 AND elapsed <= 2), 0)::bigint,
       coalesce(sum(n) FILTER (WHERE elapsed > 2 AND elapsed <= 5), 0)::bigint,
       coalesce(sum(n) FILTER (WHERE elapsed > 5 AND elapsed <= 10), 0)::bigint,
       coalesce(sum(n) FILTER (WHERE elapsed IS NULL OR elapsed > 10), 0)::bigint
FROM (
    SELECT rp.working_day_index
           - (rc.working_day_index + CASE WHEN rc.is_working_day THEN 0 ELSE 1 END)
           + CASE WHEN rp.is_working_day
                       AND e.reply_local::time <= CASE WHEN rc.is_working_day
                                                       THEN e.received_local::time
                                                       ELSE time '00:00' END
                  THEN 0 ELSE 1 END AS elapsed,
           count(*) AS n
    FROM (
        SELECT created_at AT TIME ZONE 'Europe/Stockholm' AS received_local,
               reply AT TIME ZONE 'Europe/Stockholm' AS reply_local
        FROM (
            SELECT c.id, c.created_at, min(o.occurred_at) AS reply
            FROM cases_case c
            LEFT JOIN cases_contact o
                   ON o.case_id = c.id AND o.direction = 'out' AND o.occurred_at >= c.created_at
            WHERE c.channel = 'email' AND c.created_at >= %(start)s AND c.created_at < %(end)s
            GROUP BY c.id
        ) first_reply
        OFFSET 0
    ) e
    LEFT JOIN kundtjanst_calendarday rc ON rc.date = e.received_local::date
    LEFT JOIN kundtjanst_calendarday rp ON rp.date = e.reply_local::date
    GROUP BY 1
) per_elapsed
"""

PHONE_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE k.answered_at - k.occurred_at <= interval '60 seconds'),
       count(*) FILTER (
           WHERE k.answered_at - k.occurred_at <= interval '60 seconds' AND c.resolved_directly
             AND NOT EXISTS (
                 SELECT 1 FROM cases_contact e
                 WHERE e.case_id = k.case_id AND e.direction = 'in'
                   AND (e.occurred_at, e.id) < (k.occurred_at, k.id)))
FROM cases_contact k
JOIN cases_case c ON c.id = k.case_id
WHERE k.channel = 'phone' AND k.direction = 'in'
  AND k.occurred_at >= %(start)s AND k.occurred_at < %(end)s
"""

SURVEY_SQL = """
SELECT count(*), coalesce(sum(a.grade), 0), count(*) FILTER (WHERE a.grade >= 4)
FROM cases_surveyanswer a
JOIN cases_contact k ON k.id = a.contact_id
WHERE a.question = 'courtesy' AND k.occurred_at >= %(start)s AND k.occurred_at < %(end)s
"""

DIRECT_SQL = """
SELECT count(*), count(*) FILTER (WHERE resolved_directly)
FROM cases_case
WHERE resolved_directly IS NOT NULL AND created_at >= %(start)s AND created_at < %(end)s
"""

DIRECT_BY_DEPARTMENT_PLAIN_SQL = """
SELECT d.code, count(*), count(*) FILTER (WHERE c.resolved_directly)
FROM cases_case c
JOIN cases_department d ON d.id = c.department_id
WHERE c.resolved_directly IS NOT NULL AND c.created_at >= %(start)s AND c.created_at < %(end)s
GROUP BY d.code
ORDER BY d.code
"""

# Grouped by the key first, joined to the (small) department table after.
DIRECT_BY_DEPARTMENT_SQL = """
SELECT d.code, g.resolved, g.direct
FROM (
    SELECT department_id, count(*) AS resolved, count(*) FILTER (WHERE resolved_directly) AS direct
    FROM cases_case
    WHERE resolved_directly IS NOT NULL AND department_id IS NOT NULL
      AND created_at >= %(start)s AND created_at < %(end)s
    GROUP BY department_id
) g
JOIN cases_department d ON d.id = g.department_id
ORDER BY d.code
"""

HOUR_OF_WEEK_PLAIN_SQL = """
SELECT extract(isodow FROM k.occurred_at AT TIME ZONE 'Europe/Stockholm')::int,
       extract(hour FROM k.occurred_at AT TIME ZONE 'Europe/Stockholm')::int,
       count(*)
FROM cases_contact k
WHERE k.direction = 'in' AND k.occurred_at >= %(start)s AND k.occurred_at < %(end)s
GROUP BY 1, 2
"""

# Counted per UTC hour first (date_bin is integer arithmetic, no time-zone lookup per row), then
# the ~9,000 hours converted to local weekday and hour. Exact because Europe/Stockholm's offset
# from UTC is a whole number of hours (so is every offset it has had since 1900).
HOUR_OF_WEEK_SQL = """
SELECT extract(isodow FROM hour AT TIME ZONE 'Europe/Stockholm')::int,
       extract(hour FROM hour AT TIME ZONE 'Europe/Stockholm')::int,
       sum(n)::bigint
FROM (
    SELECT date_bin('1 hour', k.occurred_at, timestamptz '2000-01-01 00:00+00') AS hour,
           count(*) AS n
    FROM cases_contact k
    WHERE k.direction = 'in' AND k.occurred_at >= %(start)s AND k.occurred_at < %(end)s
    GROUP BY 1
) per_hour
GROUP BY 1, 2
"""

RESPONSE_TIMES_SQL = """
SELECT channel, count(*),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY first_response_at - created_at),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY first_response_at - created_at)
FROM cases_case
WHERE first_response_at IS NOT NULL AND created_at >= %(start)s AND created_at < %(end)s
GROUP BY channel
"""

TREND_PLAIN_SQL = """
SELECT date_trunc('month', created_at AT TIME ZONE 'Europe/Stockholm')::date,
       count(*),
       count(*) FILTER (WHERE resolved_directly IS NOT NULL),
       count(*) FILTER (WHERE resolved_directly)
FROM cases_case
WHERE created_at >= %(start)s AND created_at < %(end)s
GROUP BY 1
ORDER BY 1
"""

# As for the hour of week: per UTC hour first, then the hours to local months.
TREND_SQL = """
SELECT date_trunc('month', hour AT TIME ZONE 'Europe/Stockholm')::date,
       sum(cases)::bigint, sum(resolved)::bigint, sum(direct)::bigint
FROM (
    SELECT date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00+00') AS hour,
           count(*) AS cases,
           count(*) FILTER (WHERE resolved_directly IS NOT NULL) AS resolved,
           count(*) FILTER (WHERE resolved_directly) AS direct
    FROM cases_case
    WHERE created_at >= %(start)s AND created_at < %(end)s
    GROUP BY 1
) per_hour
GROUP BY 1
ORDER BY 1
"""


def _rows(statement: str, bounds: dict[str, dt.datetime]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, bounds)
        return cursor.fetchall()


@dataclass(frozen=True)
class Pair:
    """One measure: the ORM call and hand-written statements, all reduced to plain data."""

    name: str
    orm: Callable[[Any], Any]
    reduce: Callable[[list[tuple[Any, ...]]], Any]  # the statement's rows → the ORM's figures
    best: str
    plain: str | None = None

    def sql(self, bounds: dict[str, dt.datetime], plain: bool = False) -> Any:
        return self.reduce(_rows(self.plain if plain and self.plain else self.best, bounds))


def pairs() -> list[Pair]:
    from cases.models import Channel
    from kpi.measures import (
        direct_answer_rate,
        direct_answer_rate_by,
        email_measure,
        phone_measure,
        survey_measure,
    )
    from kpi.measures.flows import contacts_by_hour_of_week, is_open, trend
    from kpi.measures.response_times import response_times

    def email(f: Any) -> tuple[int, ...]:
        m = email_measure(f)
        return (m.received, *(m.buckets[k] for k in ("1", "2", "5", "10", "unanswered")))

    def phone(f: Any) -> tuple[int, ...]:
        m = phone_measure(f)
        return (m.offered, m.answered_within_60s_count, m.direct_answer_count)

    def survey(f: Any) -> tuple[int, ...]:
        m = survey_measure(f)
        return (m.rated, m.grade_sum, m.good)

    def direct(f: Any) -> tuple[int, ...]:
        m = direct_answer_rate(f)
        return (m.resolved, m.direct)

    def direct_by(f: Any) -> dict[str, tuple[int, int]]:
        return {
            str(k): (v.resolved, v.direct)
            for k, v in direct_answer_rate_by(f, "department").items()
        }

    def hours(f: Any) -> tuple[Any, ...]:
        m = contacts_by_hour_of_week(f)
        return (tuple(map(tuple, m.counts)), m.total, m.outside_opening_hours)

    def hours_rows(rows: list[tuple[Any, ...]]) -> tuple[Any, ...]:
        counts = [[0] * 24 for _ in range(7)]
        total = outside = 0
        for weekday, hour, n in rows:
            counts[weekday - 1][hour] = n
            total += n
            outside += 0 if is_open(weekday, hour) else n
        return (tuple(map(tuple, counts)), total, outside)

    def times(f: Any) -> list[tuple[Any, ...]]:
        return [(r.channel, r.responded, r.median, r.p90) for r in response_times(f)]

    def times_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        by_channel = {row[0]: row for row in rows}
        return [by_channel[c] for c in Channel.values if c in by_channel]

    def months(f: Any) -> list[tuple[Any, ...]]:
        return [(p.start, p.cases, p.resolved, p.direct) for p in trend(f, "month")]

    def one_row(rows: list[tuple[Any, ...]]) -> tuple[Any, ...]:
        return tuple(rows[0])

    def by_code(rows: list[tuple[Any, ...]]) -> dict[str, tuple[int, int]]:
        return {code: (resolved, direct) for code, resolved, direct in rows}

    return [
        Pair("email_measure", email, one_row, EMAIL_SQL, EMAIL_PLAIN_SQL),
        Pair("phone_measure", phone, one_row, PHONE_SQL),
        Pair("survey_measure", survey, one_row, SURVEY_SQL),
        Pair("direct_answer_rate", direct, one_row, DIRECT_SQL),
        Pair(
            "direct_answer_rate_by(department)",
            direct_by,
            by_code,
            DIRECT_BY_DEPARTMENT_SQL,
            DIRECT_BY_DEPARTMENT_PLAIN_SQL,
        ),
        Pair(
            "contacts_by_hour_of_week", hours, hours_rows, HOUR_OF_WEEK_SQL, HOUR_OF_WEEK_PLAIN_SQL
        ),
        Pair("response_times", times, times_rows, RESPONSE_TIMES_SQL),
        Pair(
            "trend(month)",
            months,
            lambda rows: [tuple(r) for r in rows],
            TREND_SQL,
            TREND_PLAIN_SQL,
        ),
    ]


# --- Timing -----------------------------------------------------------------------------------


@dataclass
class Timing:
    first: float
    best: float
    queries: int
    result: Any


def timed(call: Callable[[], Any], rounds: int, check: bool = True) -> Timing:
    """The first run (cold as far as this process goes), then the best of `rounds` more; with
    `check`, every run must return the same figures."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = call()
        first = time.perf_counter() - started
    best = math.inf
    for _ in range(rounds):
        started = time.perf_counter()
        again = call()
        best = min(best, time.perf_counter() - started)
        assert not check or again == result, "the figures changed between runs"
    queries = len(captured.captured_queries)
    reset_queries()
    return Timing(first, best, queries, result)


def explain(statement: str, params: Any = None) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)
        return [row[0] for row in cursor.fetchall()]


def slowest_query(call: Callable[[], Any]) -> tuple[str, float, int]:
    """The SQL of the slowest query `call` runs, its seconds and the number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    return slowest["sql"], float(slowest["time"]), len(captured.captured_queries)


def machine() -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_before_timing": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        info["postgresql"] = cursor.fetchone()[0]
        settings: dict[str, str] = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "effective_cache_size",
            "random_page_cost",
            "jit",
            "max_parallel_workers_per_gather",
        ):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
        info["postgresql_settings"] = settings
    return info


def run(spec: Spec, rounds: int, want_explain: bool) -> dict[str, Any]:
    from dataclasses import replace

    from django.utils import timezone

    from kpi.dashboard import dashboard, previous_period, times
    from kpi.measures import MeasureFilters
    from kpi.measures.common import local_zone
    from kpi.measures.decisions import decision_days
    from kpi.measures.response_times import response_times
    from kpi.report import kkik_report
    from kpi.rollups import dashboard_figures, kkik_totals, rollups_refresh, rollups_reset

    date_from, date_to = spec.first_day, spec.last_day
    filters = MeasureFilters(date_from=date_from, date_to=date_to)
    zone = local_zone()
    bounds = {
        "start": dt.datetime.combine(date_from, dt.time.min, tzinfo=zone),
        "end": dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    }
    rows: list[dict[str, Any]] = []

    report = timed(lambda: kkik_report(date_from=date_from, date_to=date_to), rounds)
    print(f"kkik_report: first {report.first:.2f} s, best {report.best:.2f} s", flush=True)

    # The dashboard sums day rollups; the first refresh after a load builds them for every day.
    rollups_reset()
    started = time.perf_counter()
    rollups_refresh()
    rollups_build_s = round(time.perf_counter() - started, 2)
    print(f"day rollups built for the whole year in {rollups_build_s} s", flush=True)
    board = timed(lambda: dashboard(filters), rounds, check=False)
    print(f"dashboard: first {board.first:.2f} s, best {board.best:.2f} s", flush=True)
    # A day's work later: one case changed on each of 3 days (a late reply, a reopening, a new
    # contact), so the refresh before the next view recomputes those days.
    from cases.models import CaseFacts

    touched = list(
        CaseFacts.objects.filter(
            opened_on__in=[
                date_to,
                date_to - dt.timedelta(days=40),
                date_to - dt.timedelta(days=200),
            ]
        ).values_list("case_id", flat=True)[:3]
    )
    CaseFacts.objects.filter(case_id__in=touched).update(refreshed_at=timezone.now())
    after_change = timed(lambda: dashboard(filters), 1, check=False)
    print(f"dashboard after changes on 3 days: {after_change.first:.2f} s", flush=True)
    live_section = timed(lambda: times(filters), rounds, check=False)
    print(f"dashboard live section (response times, decisions): {live_section.best:.2f} s")

    # What the dashboard spends its time on: each call it makes, once, warm.
    before_from, before_to = previous_period(date_from, date_to)
    before = replace(filters, date_from=before_from, date_to=before_to)
    parts: dict[str, Callable[[], Any]] = {
        "rollups_refresh (nothing changed)": rollups_refresh,
        "dashboard_figures (the year, from the rollups)": lambda: dashboard_figures(filters),
        "kkik_totals (the period before)": lambda: kkik_totals(before),
        "times: response_times (live)": lambda: response_times(filters),
        "times: decision_days (live)": lambda: decision_days(filters),
    }
    dashboard_parts = {}
    for name, call in parts.items():
        started = time.perf_counter()
        call()
        dashboard_parts[name] = round(time.perf_counter() - started, 3)
    print(f"dashboard parts: {dashboard_parts}", flush=True)

    measured: dict[str, tuple[Timing, Timing]] = {}
    for pair in pairs():
        orm = timed(lambda pair=pair: pair.orm(filters), rounds)  # type: ignore[misc]
        sql = timed(lambda pair=pair: pair.sql(bounds), rounds)  # type: ignore[misc]
        assert orm.result == sql.result, f"{pair.name}: ORM {orm.result} != SQL {sql.result}"
        row: dict[str, Any] = {
            "name": pair.name,
            "orm_first_s": round(orm.first, 3),
            "orm_best_s": round(orm.best, 3),
            "orm_queries": orm.queries,
            "sql_first_s": round(sql.first, 3),
            "sql_best_s": round(sql.best, 3),
            "ratio": round(orm.best / sql.best, 2),
            "sql_reads": "the raw case log (cases, contacts): the ORM reads the per-case facts "
            "where its measure has them, so the ratio also shows what the facts are worth",
        }
        if pair.plain:
            plain = timed(lambda pair=pair: pair.sql(bounds, plain=True), rounds)  # type: ignore[misc]
            assert plain.result == orm.result, f"{pair.name}: plain SQL {plain.result}"
            row["sql_plain_best_s"] = round(plain.best, 3)
            row["ratio_to_plain"] = round(orm.best / plain.best, 2)
        row["target"] = f"ORM ≤ {RATIO_TARGET} × SQL"
        row["met"] = orm.best / sql.best <= RATIO_TARGET
        row["figures"] = _plain(orm.result)
        measured[pair.name] = (orm, sql)
        rows.append(row)
        print(
            f"{pair.name}: ORM {orm.best:.3f} s ({orm.queries} queries), SQL {sql.best:.3f} s"
            + (f" (plain {row['sql_plain_best_s']:.3f} s)" if pair.plain else "")
            + f", {row['ratio']:.2f}×",
            flush=True,
        )
    report_parts = (
        "email_measure",
        "phone_measure",
        "survey_measure",
        "direct_answer_rate",
        "direct_answer_rate_by(department)",
    )
    report_sql = sum(measured[name][1].best for name in report_parts)
    totals = [
        {
            "name": "kkik_report (one year)",
            "orm_first_s": round(report.first, 3),
            "orm_best_s": round(report.best, 3),
            "orm_queries": report.queries,
            "sql_best_s": round(report_sql, 3),
            "sql_note": "sum of the best hand-written statements of its five measures",
            "ratio": round(report.best / report_sql, 2),
            "target": f"≤ {REPORT_TARGET_S} s",
            "met": report.best <= REPORT_TARGET_S,
            "report": report.result,
        },
        {
            "name": "dashboard (one year)",
            "orm_first_s": round(board.first, 3),
            "orm_best_s": round(board.best, 3),
            "orm_queries": board.queries,
            "target": f"≤ {DASHBOARD_TARGET_S} s",
            "met": board.best <= DASHBOARD_TARGET_S and after_change.first <= DASHBOARD_TARGET_S,
            "after_changes_on_3_days_s": round(after_change.first, 3),
            "rollups_first_build_s": rollups_build_s,
            "live_section_best_s": round(live_section.best, 3),
            "live_section_note": "response times and days to decision, loaded into the page "
            "by htmx after it (percentiles over single cases are no sums)",
            "parts_s": dashboard_parts,
            "previous_period": f"{before.date_from} – {before.date_to} (holds no data here)",
        },
    ]
    result: dict[str, Any] = {"timings": totals + rows}
    if want_explain:
        slowest = max(measured, key=lambda name: measured[name][0].best)
        pair = next(p for p in pairs() if p.name == slowest)
        statement, seconds, count = slowest_query(lambda: pair.orm(filters))
        result["explain"] = {
            "measure": slowest,
            "orm_queries": count,
            "orm_slowest_query": statement,
            "orm_slowest_query_s": round(seconds, 3),
            "orm_plan": explain(statement),
            "sql_plan": explain(pair.best, bounds),
        }
        if pair.plain:
            result["explain"]["sql_plain_plan"] = explain(pair.plain, bounds)
        print(f"\nEXPLAIN ANALYZE, slowest ORM measure {slowest} ({count} queries):\n")
        print(statement, "\n")
        print("\n".join(result["explain"]["orm_plan"]))
        print("\nThe best hand-written statement:\n")
        print("\n".join(result["explain"]["sql_plan"]))
        if pair.plain:
            print("\nThe plain hand-written statement:\n")
            print("\n".join(result["explain"]["sql_plain_plan"]))
    return result


def _plain(value: Any) -> Any:
    """Figures as JSON: tuples to lists, dates and durations to text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.timedelta):
        return str(value)
    return value


def table(timings: Sequence[dict[str, Any]]) -> str:
    lines = [
        f"{'measure':36} {'ORM first s':>11} {'ORM s':>8} {'SQL s':>8} {'ratio':>6} "
        f"{'plain SQL s':>11}  {'target':22} met"
    ]
    for row in timings:
        sql = f"{row['sql_best_s']:8.3f}" if "sql_best_s" in row else f"{'–':>8}"
        ratio = f"{row['ratio']:6.2f}" if "ratio" in row else f"{'–':>6}"
        plain = f"{row['sql_plain_best_s']:11.3f}" if "sql_plain_best_s" in row else f"{'':11}"
        lines.append(
            f"{row['name']:36} {row['orm_first_s']:11.3f} {row['orm_best_s']:8.3f} {sql} "
            f"{ratio} {plain}  {row['target']:22} {'yes' if row['met'] else 'NO'}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--first-day", type=dt.date.fromisoformat, default=dt.date(2025, 7, 1))
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3, help="warm runs; the best is reported")
    parser.add_argument("--regenerate", action="store_true", help="drop and rebuild the data")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest measure")
    parser.add_argument("--output", default="bench/results/kkik-postgresql.json")
    args = parser.parse_args()
    spec = Spec(args.cases, args.first_day, args.days, args.seed)

    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundtjanst.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()

    state = database_state(args.database_url)
    reused = not args.regenerate and state is not None and state.get("spec") == spec.key()
    if reused:
        assert state is not None
        generation = state["generation"]
        print(f"reusing {database_name(args.database_url)} (built in {generation['total_s']} s)")
    else:
        print(f"building {database_name(args.database_url)}: {spec.cases:,} cases …", flush=True)
        database_recreate(args.database_url)
        generation = build(spec)
        database_comment(args.database_url, {"spec": spec.key(), "generation": generation})
        print(f"built in {generation['total_s']} s: {generation}", flush=True)
    profile = data_profile()
    print(json.dumps(profile, ensure_ascii=False), flush=True)
    info = machine()
    measured = run(spec, args.rounds, args.explain)
    result = {
        "benchmark": (
            "KKiK report and manager dashboard for one year at 1,000,000 cases; each measure "
            "(Django ORM) against one hand-written SQL statement with equal figures"
        ),
        "database": "postgresql",
        "machine": info,
        "period": {"from": spec.first_day.isoformat(), "to": spec.last_day.isoformat()},
        "data": profile,
        "data_reused": reused,
        "generation": generation,
        "rounds": args.rounds,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        **measured,
    }
    print()
    print(table(measured["timings"]))
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")


if __name__ == "__main__":
    main()
