"""Day rollups behind the manager dashboard (ADR 0008): kept exact by recomputing changed days.

`rollups_refresh()` runs before the dashboard reads. It finds the days whose figures may have
changed since its previous run — the first-contact days of cases whose facts were rewritten
(`CaseFacts.refreshed_at`; every service that changes a case, its contacts or their survey
answers rewrites them) and the days of those cases' contacts — and recomputes those days from
the facts and contacts with the same querysets the live measures use. "Since" is the start of
the previous run or of the oldest transaction then still open, whichever is earlier, so a
writer that committed after that run read is still found. When the municipality's closure days
change, the e-mail rollup (working days) is recomputed for every day.

`dashboard_figures()` then sums the rollup rows of a period into the measures' own result types,
so the page shows exactly what `kpi.measures` computes live (tests/kpi/test_rollups.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import holidays
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour
from django.utils import timezone

from cases.models import (
    CaseFacts,
    Channel,
    Contact,
    Department,
    Direction,
    SurveyAnswer,
    SurveyQuestion,
)
from kpi.measures.common import MeasureFilters, in_period, local_date, local_zone
from kpi.measures.direct_answer import ContactsBeforeAnswer, DirectAnswerRate
from kpi.measures.email import EmailMeasure, email_from_elapsed, with_elapsed
from kpi.measures.flows import (
    FlowRow,
    HourOfWeek,
    RepeatContacts,
    TrendPoint,
    is_open,
    named_flows,
)
from kpi.measures.phone import ANSWER_LIMIT, PhoneMeasure
from kpi.measures.survey import SurveyMeasure
from kpi.models import (
    DayCalls,
    DayCases,
    DayEmail,
    DayFlows,
    DayHours,
    DaySurvey,
    RollupState,
    _DayRow,
)
from kundtjanst.models import ClosureDay
from kundtjanst.workdays import calendar_ensure

# More separate changed stretches than this are recomputed as one stretch from first to last.
MAX_STRETCHES = 6
ROLLUPS = (DayCases, DayEmail, DayCalls, DaySurvey, DayHours, DayFlows)


def calendar_fingerprint() -> str:
    """What the working-day calendar depends on besides the law: the closure days."""
    closures = ",".join(
        str(day) for day in ClosureDay.objects.order_by("date").values_list("date", flat=True)
    )
    return hashlib.sha256(f"{holidays.__version__}|{closures}".encode()).hexdigest()


def _stretches(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days joined into (first, last) stretches; too many become one."""
    stretches: list[list[dt.date]] = []
    for day in sorted(set(days)):
        if stretches and day - stretches[-1][1] <= dt.timedelta(days=1):
            stretches[-1][1] = day
        else:
            stretches.append([day, day])
    if len(stretches) > MAX_STRETCHES:
        return [(stretches[0][0], stretches[-1][1])]
    return [(first, last) for first, last in stretches]


def _changed_days(since: dt.datetime) -> set[dt.date]:
    changed = CaseFacts.objects.filter(refreshed_at__gte=since)
    days = set(changed.values_list("opened_on", flat=True).distinct())
    days.update(
        Contact.objects.filter(case__facts__refreshed_at__gte=since)
        .annotate(day=local_date("occurred_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    return days


def _all_days() -> tuple[dt.date, dt.date] | None:
    first = CaseFacts.objects.aggregate(first=Min("opened_on"))["first"]
    if first is None:
        return None
    last = Contact.objects.order_by("-occurred_at").values_list("occurred_at", flat=True)[:1]
    last_day = timezone.localdate(last[0]) if last else first
    return first, max(first, last_day, timezone.localdate())


def _next_since() -> dt.datetime:
    """From when the next refresh must look for stamps: now, or the start of the oldest
    transaction still open on the database (it may write facts stamped earlier and commit after
    this refresh has read). On SQLite writers queue, so none is open during a refresh."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT LEAST(statement_timestamp(), ("
            "  SELECT MIN(xact_start) FROM pg_stat_activity"
            "  WHERE datname = current_database() AND pid <> pg_backend_pid()"
            "    AND xact_start IS NOT NULL))"
        )
        return cursor.fetchone()[0]


@transaction.atomic
def rollups_refresh() -> None:
    """Bring the rollups up to date with the facts (one refresh at a time: the state row is
    locked until commit)."""
    state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
    since_next = _next_since()
    fingerprint = calendar_fingerprint()
    if state.refreshed_from is None:
        everything = _all_days()
        stretches = [everything] if everything else []
    else:
        stretches = _stretches(_changed_days(state.refreshed_from))
        if fingerprint != state.calendar:
            everything = _all_days()
            if everything:
                _rebuild(DayEmail, [everything])
    for model in ROLLUPS:
        _rebuild(model, stretches)
    state.refreshed_from = since_next
    state.calendar = fingerprint
    state.save()


def rollups_reset() -> None:
    """Forget the rollups: the next refresh recomputes every day (after cases were deleted)."""
    with transaction.atomic():
        for model in ROLLUPS:
            model.objects.all().delete()
        RollupState.objects.update_or_create(pk=1, defaults={"refreshed_from": None})


# --- Recomputing a stretch of days ---------------------------------------------------------------


Stretches = list[tuple[dt.date, dt.date]]


def _days_q(stretches: Stretches) -> Q:
    q = Q(pk__in=[])
    for first, last in stretches:
        q |= Q(day__gte=first, day__lte=last)
    return q


def _period_q(field: str, stretches: Stretches) -> Q:
    """Instants whose local date lies in one of the stretches."""
    q = Q(pk__in=[])
    for first, last in stretches:
        q |= in_period(field, first, last)
    return q


def _rebuild(model: type[_DayRow], stretches: Stretches) -> None:
    """The model's rows of these days, recomputed: one delete, the grouped queries, inserts."""
    if not stretches:
        return
    model._default_manager.filter(_days_q(stretches)).delete()
    model._default_manager.bulk_create(_ROWS[model](stretches), batch_size=5000)


def _case_rows(stretches: Stretches) -> Iterator[DayCases]:
    resolved = Q(resolved_directly__isnull=False)
    known = resolved & Q(resolved_at__isnull=False)
    rows = (
        CaseFacts.objects.filter(_period_q("opened_at", stretches))
        .values("opened_on", "department_id", "channel")
        .annotate(
            cases=Count("case_id"),
            resolved=Count("case_id", filter=resolved),
            direct=Count("case_id", filter=Q(resolved_directly=True)),
            repeated=Count("case_id", filter=Q(inbound_contacts__gt=1)),
            resolved_at_known=Count("case_id", filter=known),
            inbound_before=Sum("inbound_before_resolution", filter=known),
        )
        .order_by()
    )
    for row in rows:
        yield DayCases(
            day=row["opened_on"],
            department_id=row["department_id"],
            channel=row["channel"],
            cases=row["cases"],
            resolved=row["resolved"],
            direct=row["direct"],
            repeated=row["repeated"],
            resolved_at_known=row["resolved_at_known"],
            inbound_before_resolution=row["inbound_before"] or 0,
        )


def _email_rows(stretches: Stretches) -> Iterator[DayEmail]:
    last = max(last for _first, last in stretches)
    calendar_ensure(until=max(last, timezone.localdate()) + dt.timedelta(days=60))
    qs = CaseFacts.objects.filter(_period_q("opened_at", stretches), channel=Channel.EMAIL)
    rows = (
        with_elapsed(qs)
        .values("opened_on", "department_id", "elapsed")  # type: ignore[misc]
        .annotate(n=Count("case_id"))
        .order_by()
    )
    for row in rows:
        yield DayEmail(
            day=row["opened_on"],
            department_id=row["department_id"],
            elapsed=row["elapsed"],
            cases=row["n"],
        )


def _call_rows(stretches: Stretches) -> Iterator[DayCalls]:
    calls = (
        Contact.objects.filter(
            _period_q("occurred_at", stretches), channel=Channel.PHONE, direction=Direction.IN
        )
        .annotate(day=local_date("occurred_at"), wait=F("answered_at") - F("occurred_at"))
        .values("day", "case__department_id")
        .annotate(
            offered=Count("pk"),
            in_time=Count("pk", filter=Q(answered_at__isnull=False, wait__lte=ANSWER_LIMIT)),
        )
        .order_by()
    )
    counts: dict[tuple[dt.date, int | None], list[int]] = {}
    for row in calls:
        counts[row["day"], row["case__department_id"]] = [row["offered"], row["in_time"], 0]
    direct = (
        CaseFacts.objects.filter(
            _period_q("first_inbound_at", stretches),
            first_inbound_channel=Channel.PHONE,
            first_inbound_wait__lte=ANSWER_LIMIT,
            resolved_directly=True,
        )
        .annotate(day=local_date("first_inbound_at"))
        .values("day", "department_id")
        .annotate(n=Count("case_id"))
        .order_by()
    )
    for row in direct:
        counts.setdefault((row["day"], row["department_id"]), [0, 0, 0])[2] = row["n"]
    for (day, department_id), (offered, in_time, n) in counts.items():
        yield DayCalls(
            day=day, department_id=department_id, offered=offered, in_time=in_time, direct=n
        )


def _survey_rows(stretches: Stretches) -> Iterator[DaySurvey]:
    rows = (
        SurveyAnswer.objects.filter(
            _period_q("contact__occurred_at", stretches), question=SurveyQuestion.COURTESY
        )
        .annotate(day=local_date("contact__occurred_at"))
        .values("day", "contact__case__department_id")
        .annotate(
            rated=Count("pk"), grade_sum=Sum("grade"), good=Count("pk", filter=Q(grade__gte=4))
        )
        .order_by()
    )
    for row in rows:
        yield DaySurvey(
            day=row["day"],
            department_id=row["contact__case__department_id"],
            rated=row["rated"],
            grade_sum=row["grade_sum"] or 0,
            good=row["good"],
        )


def _inbound(stretches: Stretches) -> QuerySet[Contact]:
    return Contact.objects.filter(
        _period_q("occurred_at", stretches), direction=Direction.IN
    ).annotate(day=local_date("occurred_at"))


def _hour_rows(stretches: Stretches) -> Iterator[DayHours]:
    rows = (
        _inbound(stretches)
        .annotate(hour=ExtractHour("occurred_at", tzinfo=local_zone()))
        .values("day", "hour", "case__department_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        yield DayHours(
            day=row["day"],
            department_id=row["case__department_id"],
            hour=row["hour"],
            contacts=row["n"],
        )


def _flow_rows(stretches: Stretches) -> Iterator[DayFlows]:
    rows = (
        _inbound(stretches)
        .values(  # type: ignore[misc]  # `day` is an annotation django-stubs cannot see
            "day", "case__department_id", "channel", "case__subject_area_id", "case__rosa_level"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        yield DayFlows(
            day=row["day"],
            department_id=row["case__department_id"],
            channel=row["channel"],
            subject_area_id=row["case__subject_area_id"],
            rosa_level=row["case__rosa_level"],
            contacts=row["n"],
        )


_ROWS = {
    DayCases: _case_rows,
    DayEmail: _email_rows,
    DayCalls: _call_rows,
    DaySurvey: _survey_rows,
    DayHours: _hour_rows,
    DayFlows: _flow_rows,
}


# --- Reading a period ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFigures:
    email: EmailMeasure
    phone: PhoneMeasure
    courtesy: SurveyMeasure
    direct: DirectAnswerRate
    by_department: dict[str, DirectAnswerRate]
    repeat: RepeatContacts
    before_answer: ContactsBeforeAnswer
    trend: list[TrendPoint]
    hour_of_week: HourOfWeek
    flows: dict[str, list[FlowRow]]  # department, channel, subject_area, rosa_level


def _of(model: type[_DayRow], filters: MeasureFilters, department_id: int | None) -> QuerySet:
    qs = model._default_manager.filter(day__gte=filters.date_from, day__lte=filters.date_to)
    if filters.department:
        qs = qs.filter(department_id=department_id)
    return qs


def _department_id(filters: MeasureFilters) -> int | None:
    if not filters.department:
        return None
    found = Department.objects.filter(code=filters.department).values_list("pk", flat=True)
    return found[0] if found else -1  # an unknown code matches nothing


def kkik_totals(
    filters: MeasureFilters, department_id: int | None = None
) -> tuple[EmailMeasure, PhoneMeasure, SurveyMeasure, DirectAnswerRate]:
    """The four KKiK figures of a period (department filter only; other slices are live)."""
    if department_id is None:
        department_id = _department_id(filters)
    email = email_from_elapsed(
        _of(DayEmail, filters, department_id)
        .values("elapsed")
        .annotate(n=Sum("cases"))
        .order_by()
        .values_list("elapsed", "n")
    )
    calls = _of(DayCalls, filters, department_id).aggregate(
        offered=Sum("offered"), in_time=Sum("in_time"), direct=Sum("direct")
    )
    survey = _of(DaySurvey, filters, department_id).aggregate(
        rated=Sum("rated"), grade_sum=Sum("grade_sum"), good=Sum("good")
    )
    cases = _of(DayCases, filters, department_id).aggregate(
        resolved=Sum("resolved"), direct=Sum("direct")
    )
    return (
        email,
        PhoneMeasure(
            offered=calls["offered"] or 0,
            answered_within_60s_count=calls["in_time"] or 0,
            direct_answer_count=calls["direct"] or 0,
        ),
        SurveyMeasure(
            question=SurveyQuestion.COURTESY,
            rated=survey["rated"] or 0,
            grade_sum=survey["grade_sum"] or 0,
            good=survey["good"] or 0,
        ),
        DirectAnswerRate(resolved=cases["resolved"] or 0, direct=cases["direct"] or 0),
    )


def dashboard_figures(filters: MeasureFilters, trend_unit: str = "month") -> DashboardFigures:
    """Everything the dashboard sums from the rollups for one period (call `rollups_refresh`
    first). Only the department slice applies: the other slices are the live measures'."""
    department_id = _department_id(filters)
    email, phone, courtesy, direct = kkik_totals(filters, department_id)
    per_day = (
        _of(DayCases, filters, department_id)
        .values("day")
        .annotate(
            cases=Sum("cases"),
            resolved=Sum("resolved"),
            direct=Sum("direct"),
            repeated=Sum("repeated"),
            known=Sum("resolved_at_known"),
            before=Sum("inbound_before_resolution"),
        )
        .order_by("day")
    )
    periods: dict[dt.date, list[int]] = {}
    totals = Counter[str]()
    for row in per_day:
        day = row["day"]
        start = (
            day.replace(day=1) if trend_unit == "month" else day - dt.timedelta(days=day.weekday())
        )
        point = periods.setdefault(start, [0, 0, 0])
        point[0] += row["cases"]
        point[1] += row["resolved"]
        point[2] += row["direct"]
        for key in ("cases", "repeated", "known", "before"):
            totals[key] += row[key]
    by_department = {}
    codes = dict(Department.objects.values_list("pk", "code"))
    for department, resolved, n_direct in (
        _of(DayCases, filters, department_id)
        .filter(department_id__isnull=False)
        .values("department_id")
        .annotate(resolved=Sum("resolved"), direct=Sum("direct"))
        .filter(resolved__gt=0)
        .order_by()
        .values_list("department_id", "resolved", "direct")
    ):
        by_department[codes[department]] = DirectAnswerRate(resolved=resolved, direct=n_direct)
    return DashboardFigures(
        email=email,
        phone=phone,
        courtesy=courtesy,
        direct=direct,
        by_department=dict(sorted(by_department.items())),
        repeat=RepeatContacts(cases=totals["cases"], repeated=totals["repeated"]),
        before_answer=ContactsBeforeAnswer(
            resolved=totals["known"], inbound_contacts=totals["before"]
        ),
        trend=[
            TrendPoint(start=start, cases=c, resolved=r, direct=d)
            for start, (c, r, d) in sorted(periods.items())
        ],
        hour_of_week=_hour_of_week(filters, department_id),
        flows=_flows(filters, department_id),
    )


def _hour_of_week(filters: MeasureFilters, department_id: int | None) -> HourOfWeek:
    counts = [[0] * 24 for _ in range(7)]
    total = outside = 0
    for day, hour, n in (
        _of(DayHours, filters, department_id)
        .values("day", "hour")
        .annotate(n=Sum("contacts"))
        .order_by()
        .values_list("day", "hour", "n")
    ):
        weekday = day.isoweekday()
        counts[weekday - 1][hour] += n
        total += n
        outside += 0 if is_open(weekday, hour) else n
    return HourOfWeek(counts=counts, total=total, outside_opening_hours=outside)


def _flows(filters: MeasureFilters, department_id: int | None) -> dict[str, list[FlowRow]]:
    columns = {
        "department": "department_id",
        "channel": "channel",
        "subject_area": "subject_area_id",
        "rosa_level": "rosa_level",
    }
    totals: dict[str, Counter[object]] = {group: Counter() for group in columns}
    for row in (
        _of(DayFlows, filters, department_id)
        .values(*columns.values())
        .annotate(n=Sum("contacts"))
        .order_by()
    ):
        for group, column in columns.items():
            totals[group][row[column]] += row["n"]
    return {group: named_flows(group, counted) for group, counted in totals.items()}
