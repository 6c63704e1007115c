"""The per-case facts the KKiK measures read (ADR 0007) never drift from the case log.

What the services keep incrementally must equal what a rebuild from the log gives — on
PostgreSQL the rebuild is a different implementation (one set-based SQL statement), so the
comparison holds two computations to the same definitions.
"""

import datetime as dt
import random
from collections import Counter
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from cases import services
from cases.models import Case, CaseFacts, EscalationStatus
from cases.services.facts import FACT_FIELDS
from kpi.importer import COLUMNS, contacts_import
from kundtjanst.errors import DomainError

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def snapshot() -> dict[int, tuple[object, ...]]:
    return {
        facts.case_id: tuple(getattr(facts, field) for field in FACT_FIELDS)
        for facts in CaseFacts.objects.all()
    }


def facts_of(case: Case) -> CaseFacts:
    return CaseFacts.objects.get(case=case)


# --- What a single case's facts say ---------------------------------------------------------------


def test_a_call_answered_at_once(make_case):
    offered = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    case = make_case(occurred_at=offered, answered_at=offered + dt.timedelta(seconds=42))
    facts = facts_of(case)
    assert facts.channel == "phone"
    assert facts.department_id == case.department_id
    assert facts.service_id == case.service_id
    assert facts.opened_at == offered
    assert (facts.opened_on, facts.opened_time) == (dt.date(2026, 3, 2), dt.time(10, 0))
    assert facts.first_inbound_at == offered
    assert facts.first_inbound_channel == "phone"
    assert facts.first_inbound_wait == dt.timedelta(seconds=42)
    assert facts.first_response_at == offered + dt.timedelta(seconds=42)
    assert facts.response_time == dt.timedelta(seconds=42)
    assert (facts.inbound_contacts, facts.inbound_before_resolution) == (1, 0)
    assert facts.first_reply_at is None and facts.replied_on is None


def test_an_abandoned_call_has_no_wait(make_case):
    case = make_case(answered_at=None)
    facts = facts_of(case)
    assert facts.first_inbound_wait is None
    assert facts.first_response_at is None and facts.response_time is None


def test_the_local_date_is_stockholms(make_case, agent):
    # 23:30 UTC on 28 March is 00:30 on the 29th in Stockholm (still winter time);
    # the reply at 22:15 UTC on 29 March is 00:15 on the 30th (summer time since 02:00).
    received = dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)
    case = make_case(channel="email", occurred_at=received)
    services.contact_add(
        case=case,
        channel="email",
        direction="out",
        by=agent,
        occurred_at=dt.datetime(2026, 3, 29, 22, 15, tzinfo=dt.UTC),
    )
    facts = facts_of(case)
    assert (facts.opened_on, facts.opened_time) == (dt.date(2026, 3, 29), dt.time(0, 30))
    assert (facts.replied_on, facts.replied_time) == (dt.date(2026, 3, 30), dt.time(0, 15))


def test_resolution_and_reopening_follow_the_case(make_case, agent):
    case = make_case(answered_at=None)
    services.contact_add(case=case, channel="phone", direction="in", by=agent)
    case = services.case_resolve(case=case, rosa_level=2, by=agent)
    facts = facts_of(case)
    assert (facts.resolved_directly, facts.rosa_level) == (case.resolved_directly, 2)
    assert facts.resolved_at == case.resolved_at
    assert (facts.inbound_contacts, facts.inbound_before_resolution) == (2, 2)
    services.case_reopen(case=case, by=agent)
    facts = facts_of(case)
    assert (facts.resolved_directly, facts.resolved_at, facts.inbound_before_resolution) == (
        None,
        None,
        0,
    )


def test_a_refused_change_leaves_the_facts_as_they_were(make_case, agent):
    case = make_case()
    before = snapshot()
    with pytest.raises(DomainError):
        services.case_resolve(case=case, rosa_level=9, by=agent)
    assert snapshot() == before


def test_deleting_a_case_deletes_its_facts(make_case):
    case = make_case()
    Case.objects.filter(pk=case.pk).delete()
    assert not CaseFacts.objects.exists()


# --- Incremental equals rebuilt, after random work -----------------------------------------------


def _random_moment(rng: random.Random, after: dt.datetime) -> dt.datetime:
    return after + dt.timedelta(seconds=rng.choice([0, 1, 59, 61, 3600, 86400, 3 * 86400]))


def _import_file(tmp_path, rng: random.Random, n: int, cases: list[Case]) -> str:
    """A CSV with new cases and, for cases imported before, more contacts."""
    start = dt.datetime(2026, 3, 27, 16, 0, tzinfo=STOCKHOLM) + dt.timedelta(hours=n)
    lines = [",".join(COLUMNS)]
    for i in range(3):
        at = start + dt.timedelta(minutes=37 * i)
        ref = f"OLD-{n}-{i}"
        answered = "" if rng.random() < 0.3 else (at + dt.timedelta(seconds=rng.choice([5, 90])))
        resolved = rng.choice(["", "true", "false"])
        rosa = rng.choice(["1", "2"]) if resolved else ""
        courtesy = rng.choice(["", "4"])
        lines.append(
            f"c{n}-{i}-1,{ref},phone,in,{at.isoformat()},"
            f"{answered if answered == '' else answered.isoformat()},bygg,,{rosa},{resolved},"
            f"{courtesy}"
        )
        lines.append(
            f"c{n}-{i}-2,{ref},email,out,{(at + dt.timedelta(hours=20)).isoformat()},,bygg,,,,"
        )
    path = tmp_path / f"import-{n}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_facts_equal_the_rebuilt_ones(
    seed, make_case, escalate, agent, dept_user, service, other_service, tmp_path
):
    rng = random.Random(seed)
    cases: list[Case] = []
    base = timezone.now() - dt.timedelta(days=30)
    imports = 0
    done: Counter[str] = Counter()
    for step in range(80):
        action = rng.choice(
            [
                "create",
                "create",
                "contact",
                "contact",
                "resolve",
                "reopen",
                "update",
                "escalate",
                "department",
                "import",
            ]
        )
        try:
            if action == "create" or not cases:
                channel = rng.choice(["phone", "email", "web", "visit"])
                at = base + dt.timedelta(hours=7 * step, minutes=rng.randrange(60))
                extra = {}
                if channel == "phone":
                    extra["answered_at"] = rng.choice([None, at, at + dt.timedelta(seconds=75)])
                cases.append(make_case(channel=channel, occurred_at=at, **extra))
                done["create"] += 1
                continue
            case = Case.objects.get(pk=rng.choice(cases).pk)
            if action == "contact":
                direction = rng.choice(["in", "out"])
                channel = rng.choice(["phone", "email"])
                at = _random_moment(rng, case.created_at)
                answered = at if channel == "phone" and direction == "in" else None
                services.contact_add(
                    case=case,
                    channel=channel,
                    direction=direction,
                    by=agent,
                    occurred_at=at,
                    answered_at=answered,
                )
            elif action == "resolve":
                services.case_resolve(case=case, rosa_level=rng.choice([1, 2, 3]), by=agent)
            elif action == "reopen":
                finished = Case.objects.filter(status__in=["resolved", "closed"]).order_by("pk")
                if finished:
                    services.case_reopen(case=rng.choice(list(finished)), by=agent)
            elif action == "update":
                services.case_update(
                    case=case, by=agent, service=rng.choice([service, other_service])
                )
            elif action == "escalate":
                escalate(case)
            elif action == "department":
                escalation = case.escalations.exclude(status=EscalationStatus.CLOSED).first()
                if escalation is not None:
                    if rng.random() < 0.5:
                        services.escalation_return(
                            escalation=escalation, by=dept_user, answer="Svar"
                        )
                    else:
                        services.escalation_close(escalation=escalation, by=dept_user, rosa_level=4)
            elif action == "import":
                imports += 1
                contacts_import(
                    path=_import_file(tmp_path, rng, imports, cases), create_missing=True
                )
            done[action] += 1
        except DomainError:
            pass  # refused by the rules: the transaction rolled back, facts included
    # The sequence did real work of every kind (not only refused steps).
    assert {"create", "contact", "resolve", "reopen", "update", "escalate", "import"} <= set(done)
    kept = snapshot()
    assert set(kept) == set(Case.objects.values_list("pk", flat=True))
    assert services.case_facts_drift() == []
    with transaction.atomic():
        CaseFacts.objects.all().delete()
        assert services.case_facts_rebuild() == len(kept)
    assert snapshot() == kept


def test_rebuild_only_some_cases(make_case):
    first, second = make_case(), make_case()
    CaseFacts.objects.all().delete()
    assert services.case_facts_rebuild([second.pk]) == 1
    assert list(CaseFacts.objects.values_list("case_id", flat=True)) == [second.pk]
    assert services.case_facts_drift() == [first.pk]


def test_the_command_finds_and_repairs_drift(make_case):
    case = make_case()
    make_case()
    out = StringIO()
    call_command("rebuild_case_facts", "--check", stdout=out)
    assert "agree" in out.getvalue()
    CaseFacts.objects.filter(case=case).update(inbound_contacts=7)
    with pytest.raises(CommandError, match=f"1 case\\(s\\).*{case.pk}"):
        call_command("rebuild_case_facts", "--check")
    out = StringIO()
    call_command("rebuild_case_facts", stdout=out)
    assert "Rebuilt the facts of 2 case(s)" in out.getvalue()
    call_command("rebuild_case_facts", "--check", stdout=StringIO())
    assert facts_of(case).inbound_contacts == 1
