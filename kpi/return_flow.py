"""Return-flow statistics: how departments answer the escalations the contact centre hands them
(DOMAIN.md, "Escalation" and "Flow statistics").

Per department and unit, for escalations handed over in the period:

- received: hand-overs in the period;
- time to first action: `first_action_at − created_at` (accept, answer, return, decide, close),
  median and 90th percentile over those acted on;
- time to callback: `callback_at − created_at` (the first contact to the citizen after the
  hand-over, by whoever made it), median and 90th percentile over those called back;
- kept within the promise: among hand-overs whose outcome is known — called back, or the
  promised time has passed — the share called back at or before `callback_due`;
- overdue now: promises broken at this moment (`cases.selectors.overdue_q`), whatever the period.

Counts are database aggregates; the percentiles are taken over the durations fetched per group
(thousands a year at most), with the nearest-rank method so every reported value is one that
occurred.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cases.models import Escalation
from cases.selectors import escalations_visible_to, local_day_start, overdue_q
from kundtjanst import roles

# (department name, department code, unit name, unit code): names first, so keys sort by name.
Key = tuple


@dataclass(frozen=True)
class ReturnFlowRow:
    department: str
    department_code: str
    unit: str  # "" on the department's total row
    unit_code: str
    received: int
    acted_on: int
    first_action_median: dt.timedelta | None
    first_action_p90: dt.timedelta | None
    called_back: int
    callback_median: dt.timedelta | None
    callback_p90: dt.timedelta | None
    outcome_known: int
    kept: int
    overdue_now: int

    @property
    def kept_share(self) -> float | None:
        """Share of known outcomes where the promise was kept; None when none is known yet."""
        return self.kept / self.outcome_known if self.outcome_known else None


def percentile(values: list[dt.timedelta], p: float) -> dt.timedelta | None:
    """Nearest-rank percentile (p in 0–100): the smallest value with at least p % at or below."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _period(
    qs: QuerySet[Escalation], date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[Escalation]:
    if date_from:
        qs = qs.filter(created_at__gte=local_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=local_day_start(date_to + dt.timedelta(days=1)))
    return qs


def return_flow(
    user: roles.UserLike,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    department: str = "",
    now: dt.datetime | None = None,
) -> list[ReturnFlowRow]:
    """One row per unit and one total row per department (unit ""), departments by name."""
    now = now or timezone.now()
    visible = escalations_visible_to(user).select_related(None)
    if department:
        visible = visible.filter(department__code=department)
    in_period = _period(visible, date_from, date_to)

    known = Q(callback_at__isnull=False) | Q(callback_due__lt=now)
    kept = Q(callback_at__isnull=False, callback_at__lte=F("callback_due"))
    group = ("department__name", "department__code", "unit__name", "unit__code")
    counts = {
        tuple(row[g] for g in group): row
        for row in in_period.values(*group).annotate(
            received=Count("pk"),
            outcome_known=Count("pk", filter=known),
            kept=Count("pk", filter=kept),
        )
    }
    overdue = {
        tuple(row[g] for g in group): row["n"]
        for row in visible.filter(overdue_q(now)).values(*group).annotate(n=Count("pk"))
    }
    first_actions: dict[Key, list[dt.timedelta]] = defaultdict(list)
    callbacks: dict[Key, list[dt.timedelta]] = defaultdict(list)
    for *names, created, acted, called in in_period.values_list(
        *group, "created_at", "first_action_at", "callback_at"
    ):
        key = tuple(names)
        if acted is not None:
            first_actions[key].append(acted - created)
        if called is not None:
            callbacks[key].append(called - created)

    durations = (first_actions, callbacks)
    keys = sorted(set(counts) | set(overdue))
    rows: list[ReturnFlowRow] = []
    for department_key in sorted({k[:2] for k in keys}):
        unit_keys = [k for k in keys if k[:2] == department_key]
        rows.append(_row((*department_key, "", ""), unit_keys, counts, durations, overdue))
        rows.extend(_row(k, [k], counts, durations, overdue) for k in unit_keys)
    return rows


def _row(
    label: Key,
    keys: list[Key],
    counts: dict[Key, dict],
    durations: tuple[dict[Key, list[dt.timedelta]], dict[Key, list[dt.timedelta]]],
    overdue: dict[Key, int],
) -> ReturnFlowRow:
    """The figures of `keys` (one unit, or all units of a department) under `label`."""
    counted = [counts.get(k, {}) for k in keys]
    actions = [d for k in keys for d in durations[0].get(k, [])]
    called = [d for k in keys for d in durations[1].get(k, [])]
    return ReturnFlowRow(
        department=label[0],
        department_code=label[1],
        unit=label[2],
        unit_code=label[3],
        received=sum(c.get("received", 0) for c in counted),
        acted_on=len(actions),
        first_action_median=percentile(actions, 50),
        first_action_p90=percentile(actions, 90),
        called_back=len(called),
        callback_median=percentile(called, 50),
        callback_p90=percentile(called, 90),
        outcome_known=sum(c.get("outcome_known", 0) for c in counted),
        kept=sum(c.get("kept", 0) for c in counted),
        overdue_now=sum(overdue.get(k, 0) for k in keys),
    )
