"""Working days as DOMAIN.md defines them, for every app (escalation deadlines, KKiK measures).

A working day is Monday–Friday, except `holidays.SE(categories=("public", "de_facto"))` (the
public holidays plus Midsummer Eve, Christmas Eve and New Year's Eve) and the municipality's
closure days. "Within N working days" of an instant t (Europe/Stockholm): d0 is t's date if it
is a working day, else the next working day; t0 is t's clock time if t fell on a working day,
else 00:00; the deadline is t0 on the N-th working day after d0, in local time — so a deadline
across a daylight-saving change keeps its wall-clock time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.db import transaction
from django.utils import timezone

from kundtjanst.models import CalendarDay, ClosureDay

# The calendar table is numbered from here; any date before it is outside the table.
EPOCH = dt.date(2000, 1, 3)  # a Monday


@lru_cache(maxsize=256)
def _swedish_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.SE(categories=("public", "de_facto"), years=[year]))


@dataclass(frozen=True)
class WorkingCalendar:
    closures: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        return (
            day.weekday() < 5
            and day not in _swedish_holidays(day.year)
            and day not in self.closures
        )

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (count ≥ 0; 0 gives `day`)."""
        if count < 0:
            raise ValueError("count must not be negative")
        while count:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def deadline(self, received: dt.datetime, working_days: int) -> dt.datetime:
        """The instant by which something received at `received` must be answered."""
        local = timezone.localtime(received)
        if self.is_working_day(local.date()):
            d0, t0 = local.date(), local.time().replace(tzinfo=None)
        else:
            d0, t0 = self.next_working_day(local.date()), dt.time.min
        day = self.add_working_days(d0, working_days)
        return timezone.make_aware(dt.datetime.combine(day, t0))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def working_calendar() -> WorkingCalendar:
    """The calendar with the municipality's closure days as they are now."""
    return WorkingCalendar(frozenset(ClosureDay.objects.values_list("date", flat=True)))


@transaction.atomic
def calendar_days_refresh(*, until: dt.date, calendar: WorkingCalendar | None = None) -> int:
    """(Re)write the calendar table from EPOCH to `until` — run when closure days change and
    yearly ahead; returns the number of rows."""
    calendar = calendar or working_calendar()
    rows, index, day = [], 0, EPOCH
    while day <= until:
        working = calendar.is_working_day(day)
        index += working
        rows.append(CalendarDay(date=day, is_working_day=working, working_day_index=index))
        day += dt.timedelta(days=1)
    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def closure_day_set(*, date: dt.date, reason: str = "", closed: bool = True) -> None:
    """Add (or remove) a closure day and renumber the calendar table."""
    if closed:
        ClosureDay.objects.update_or_create(date=date, defaults={"reason": reason.strip()})
    else:
        ClosureDay.objects.filter(date=date).delete()
    latest = CalendarDay.objects.order_by("-date").values_list("date", flat=True).first()
    calendar_days_refresh(until=max(latest or date, date))


def calendar_ensure(*, until: dt.date) -> None:
    """Make sure the calendar table reaches `until` (a query counting working days joins on it;
    a date past its end would count as no working day at all)."""
    if not CalendarDay.objects.filter(date__gte=until).exists():
        today = timezone.localdate()
        calendar_days_refresh(until=max(until, dt.date(today.year + 5, 12, 31)))
