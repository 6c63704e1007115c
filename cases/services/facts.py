"""Keeping `CaseFacts` equal to what the log says (ADR 0007).

Two ways to compute the same rows, and a test that holds them to it
(`tests/cases/test_case_facts.py`, after random sequences of edits, imports, reopenings):
- `case_facts_refresh(ids)`: a few cases, through the ORM. Every service that changes a case or
  its contacts calls it in its own transaction, so facts never lag the log.
- `case_facts_rebuild(ids | None)`: after a bulk load (import, demo data) or from
  `manage.py rebuild_case_facts`. On PostgreSQL one set-based `INSERT … SELECT … ON CONFLICT`
  per block of cases; elsewhere the refresh in blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case, Contact, Direction
from cases.models.facts import CaseFacts

__all__ = [
    "FACT_FIELDS",
    "case_facts_drift",
    "case_facts_rebuild",
    "case_facts_refresh",
    "stamp_now",
]

# Every column but the key, in the order of the set-based statement.
FACT_FIELDS = (
    "channel",
    "department_id",
    "service_id",
    "subject_area_id",
    "rosa_level",
    "resolved_directly",
    "resolved_at",
    "opened_at",
    "opened_on",
    "opened_time",
    "first_response_at",
    "response_time",
    "first_reply_at",
    "replied_on",
    "replied_time",
    "first_inbound_at",
    "first_inbound_channel",
    "first_inbound_wait",
    "inbound_contacts",
    "inbound_before_resolution",
)
REFRESH_BLOCK = 2000
REBUILD_BLOCK = 100_000


def _blocks(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    it = iter(ids)
    while block := list(islice(it, size)):
        yield block


def _local(moment: dt.datetime | None, zone: ZoneInfo) -> tuple[dt.date | None, dt.time | None]:
    if moment is None:
        return None, None
    local = moment.astimezone(zone)
    return local.date(), local.time()


def _count(**where: object) -> Coalesce:
    counted = (
        Contact.objects.filter(case=OuterRef("pk"), direction=Direction.IN, **where)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def stamp_now() -> dt.datetime:
    """The time a facts row is stamped with: the database server's clock on PostgreSQL (what
    `pg_stat_activity` compares with, ADR 0008), this process's on SQLite (one machine)."""
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement_timestamp()")
        return cursor.fetchone()[0]


def _facts_from_log(case_ids: Sequence[int]) -> list[CaseFacts]:
    zone = ZoneInfo(settings.TIME_ZONE)
    now = stamp_now()
    first_reply = (
        Contact.objects.filter(
            case=OuterRef("pk"), direction=Direction.OUT, occurred_at__gte=OuterRef("created_at")
        )
        .order_by("occurred_at", "pk")
        .values("occurred_at")[:1]
    )
    first_inbound = Contact.objects.filter(case=OuterRef("pk"), direction=Direction.IN).order_by(
        "occurred_at", "pk"
    )
    rows = (
        Case.objects.filter(pk__in=case_ids)
        .annotate(
            reply_at=Subquery(first_reply),
            inbound_at=Subquery(first_inbound.values("occurred_at")[:1]),
            inbound_channel=Subquery(first_inbound.values("channel")[:1]),
            inbound_answered_at=Subquery(first_inbound.values("answered_at")[:1]),
            inbound_count=_count(),
            inbound_before=_count(occurred_at__lte=OuterRef("resolved_at")),
        )
        .values(
            "pk",
            "channel",
            "department_id",
            "service_id",
            "subject_area_id",
            "rosa_level",
            "resolved_directly",
            "resolved_at",
            "created_at",
            "first_response_at",
            "reply_at",
            "inbound_at",
            "inbound_channel",
            "inbound_answered_at",
            "inbound_count",
            "inbound_before",
        )
    )
    facts = []
    for row in rows:
        opened = row["created_at"].astimezone(zone)
        replied_on, replied_time = _local(row["reply_at"], zone)
        answered = row["inbound_answered_at"]
        facts.append(
            CaseFacts(
                case_id=row["pk"],
                channel=row["channel"],
                department_id=row["department_id"],
                service_id=row["service_id"],
                subject_area_id=row["subject_area_id"],
                rosa_level=row["rosa_level"],
                resolved_directly=row["resolved_directly"],
                resolved_at=row["resolved_at"],
                opened_at=row["created_at"],
                opened_on=opened.date(),
                opened_time=opened.time(),
                first_response_at=row["first_response_at"],
                response_time=(
                    row["first_response_at"] - row["created_at"]
                    if row["first_response_at"] is not None
                    else None
                ),
                first_reply_at=row["reply_at"],
                replied_on=replied_on,
                replied_time=replied_time,
                first_inbound_at=row["inbound_at"],
                first_inbound_channel=row["inbound_channel"] or "",
                first_inbound_wait=answered - row["inbound_at"] if answered is not None else None,
                inbound_contacts=row["inbound_count"],
                inbound_before_resolution=row["inbound_before"],
                refreshed_at=now,
            )
        )
    return facts


def case_facts_refresh(case_ids: Iterable[int]) -> None:
    """Recompute the facts of these cases from their rows and contacts (in the caller's
    transaction; a case that no longer exists has none — its facts went with it)."""
    for block in _blocks(sorted(set(case_ids)), REFRESH_BLOCK):
        CaseFacts.objects.bulk_create(
            _facts_from_log(block),
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=[field.removesuffix("_id") for field in FACT_FIELDS] + ["refreshed_at"],
        )


def _rebuild_sql(where: str) -> str:
    """The set-based statement for PostgreSQL (the same definitions as `_facts_from_log`)."""
    facts = CaseFacts._meta.db_table
    cases = Case._meta.db_table
    contacts = Contact._meta.db_table
    columns = ", ".join((*FACT_FIELDS, "refreshed_at"))
    updates = ", ".join(f"{field} = EXCLUDED.{field}" for field in (*FACT_FIELDS, "refreshed_at"))
    return f"""
        WITH per_case AS (
            SELECT k.case_id,
                MIN(k.occurred_at) FILTER (
                    WHERE k.direction = 'out' AND k.occurred_at >= c.created_at
                ) AS reply_at,
                COUNT(*) FILTER (WHERE k.direction = 'in') AS inbound_count,
                COUNT(*) FILTER (
                    WHERE k.direction = 'in' AND k.occurred_at <= c.resolved_at
                ) AS inbound_before,
                (ARRAY_AGG(k.id ORDER BY k.occurred_at, k.id)
                    FILTER (WHERE k.direction = 'in'))[1] AS first_inbound_id
            FROM {contacts} k JOIN {cases} c ON c.id = k.case_id
            WHERE {where.format(case="c.id")}
            GROUP BY k.case_id
        )
        INSERT INTO {facts} (case_id, {columns})
        SELECT c.id, c.channel, c.department_id, c.service_id, c.subject_area_id, c.rosa_level,
            c.resolved_directly, c.resolved_at,
            c.created_at,
            (c.created_at AT TIME ZONE %(zone)s)::date,
            (c.created_at AT TIME ZONE %(zone)s)::time,
            c.first_response_at, c.first_response_at - c.created_at,
            p.reply_at,
            (p.reply_at AT TIME ZONE %(zone)s)::date,
            (p.reply_at AT TIME ZONE %(zone)s)::time,
            fi.occurred_at, COALESCE(fi.channel, ''), fi.answered_at - fi.occurred_at,
            COALESCE(p.inbound_count, 0), COALESCE(p.inbound_before, 0),
            statement_timestamp()
        FROM {cases} c
        LEFT JOIN per_case p ON p.case_id = c.id
        LEFT JOIN {contacts} fi ON fi.id = p.first_inbound_id
        WHERE {where.format(case="c.id")}
        ON CONFLICT (case_id) DO UPDATE SET {updates}
    """


@transaction.atomic
def case_facts_rebuild(case_ids: Iterable[int] | None = None) -> int:
    """Rebuild the facts of these cases (all cases when None) from the log; returns how many
    cases were rebuilt. One transaction: a failure leaves the facts as they were."""
    if connection.vendor != "postgresql":
        ids: Iterable[int] = (
            Case.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000)
            if case_ids is None
            else case_ids
        )
        done = 0
        for block in _blocks(ids, REFRESH_BLOCK):
            case_facts_refresh(block)
            done += len(block)
        return done
    zone = settings.TIME_ZONE
    done = 0
    with connection.cursor() as cursor:
        if case_ids is None:
            # Everything: one pass over the contacts, into an emptied table (TRUNCATE: no dead
            # rows left behind; it locks the table against readers until commit).
            # Deferred foreign-key checks still pending in this transaction must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {CaseFacts._meta.db_table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
            cursor.execute(_rebuild_sql("TRUE"), {"zone": zone})
            return cursor.rowcount
        sql = _rebuild_sql("{case} = ANY(%(ids)s)")
        for block in _blocks(case_ids, REBUILD_BLOCK):
            cursor.execute(sql, {"zone": zone, "ids": block})
            done += cursor.rowcount
    return done


def _row(facts: CaseFacts) -> tuple[object, ...]:
    return tuple(getattr(facts, field) for field in FACT_FIELDS)


def case_facts_drift(case_ids: Iterable[int] | None = None) -> list[int]:
    """The cases whose stored facts differ from what the log says now (missing ones included),
    recomputed through the ORM without writing anything."""
    ids: Iterable[int] = (
        Case.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=10_000)
        if case_ids is None
        else sorted(set(case_ids))
    )
    drifted = []
    for block in _blocks(ids, REFRESH_BLOCK):
        stored = {facts.case_id: _row(facts) for facts in CaseFacts.objects.filter(pk__in=block)}
        for fresh in _facts_from_log(block):
            if stored.get(fresh.case_id) != _row(fresh):
                drifted.append(fresh.case_id)
    return drifted
