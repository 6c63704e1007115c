"""`send_escalation_reminders`: one digest per unit and day over real SMTP, never twice."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases import services
from cases.models import ReminderDigest
from tests.factories import UnitFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def morning():
    """Tuesday 10 March 2026, 07:30 — when the reminders go out."""
    return dt.datetime(2026, 3, 10, 7, 30, tzinfo=STOCKHOLM)


@pytest.fixture
def handed_over(make_case, escalate, morning):
    """Three promises: one broken yesterday, one due today, one due tomorrow."""

    def make(due: dt.datetime, unit=None):
        case = make_case(occurred_at=morning - dt.timedelta(days=3))
        kwargs = {"unit": unit} if unit else {}
        return escalate(case, at=morning - dt.timedelta(days=3), callback_due=due, **kwargs)

    return make


def test_each_unit_gets_its_due_today_and_overdue_escalations_once_a_day(
    smtp_server, handed_over, morning, unit, department
):
    unit.email = "bygglov@exempelkommun.se"
    unit.save()
    overdue = handed_over(morning - dt.timedelta(hours=20))
    due_today = handed_over(morning + dt.timedelta(hours=6))
    tomorrow = handed_over(morning + dt.timedelta(days=1))

    first = services.escalation_reminders_send(now=morning)
    second = services.escalation_reminders_send(now=morning + dt.timedelta(hours=5))

    assert [(r.unit, r.sent, r.overdue, r.due_today) for r in first] == [(unit, True, 1, 1)]
    assert [r.sent for r in second] == [False]  # idempotent: already sent today
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == "bygglov@exempelkommun.se"
    assert message["Auto-Submitted"] == "auto-generated"  # never answered by an auto-reply
    assert "1 försenade och 1 att återkoppla i dag" in message["Subject"]
    body = message.get_content()
    assert overdue.case.reference in body and due_today.case.reference in body
    assert tomorrow.case.reference not in body
    assert body.index("FÖRSENADE") < body.index(overdue.case.reference)
    assert f"/escalations/{overdue.pk}/" in body
    # The next day the digest goes out again.
    services.escalation_reminders_send(now=morning + dt.timedelta(days=1))
    assert len(smtp_server.messages) == 2
    assert ReminderDigest.objects.count() == 2


def test_without_a_unit_mailbox_the_members_get_it(
    smtp_server, handed_over, morning, unit, dept_user
):
    dept_user.email = "bertil@exempelkommun.se"
    dept_user.save()
    handed_over(morning + dt.timedelta(hours=2))

    services.escalation_reminders_send(now=morning)

    assert smtp_server.messages[0]["X-Envelope-To"] == "bertil@exempelkommun.se"


def test_kept_promises_and_other_units_stay_out_of_the_digest(
    smtp_server, handed_over, morning, unit, dept_user, other_unit
):
    unit.email = "bygglov@exempelkommun.se"
    unit.save()
    kept = handed_over(morning + dt.timedelta(hours=2))
    services.escalation_contact_citizen(
        escalation=kept,
        by=dept_user,
        channel="phone",
        text="Svar",
        occurred_at=morning - dt.timedelta(days=1),
    )
    other_unit.email = "forskola@exempelkommun.se"
    other_unit.save()
    elsewhere = handed_over(morning - dt.timedelta(hours=1), unit=other_unit)

    results = services.escalation_reminders_send(now=morning)

    assert [(r.unit, r.overdue, r.due_today) for r in results] == [(other_unit, 1, 0)]
    assert [m["To"] for m in smtp_server.messages] == ["forskola@exempelkommun.se"]
    assert elsewhere.case.reference in smtp_server.messages[0].get_content()


def test_a_refusing_mail_server_leaves_the_digest_for_the_next_run(
    smtp_server, handed_over, morning, unit
):
    unit.email = "bygglov@exempelkommun.se"
    unit.save()
    handed_over(morning + dt.timedelta(hours=2))
    smtp_server.refuse = True

    failed = services.escalation_reminders_send(now=morning)

    assert failed[0].sent is False and "451" in failed[0].error
    assert not ReminderDigest.objects.exists()
    smtp_server.refuse = False
    retried = services.escalation_reminders_send(now=morning + dt.timedelta(minutes=30))
    assert retried[0].sent is True
    assert len(smtp_server.messages) == 1


def test_the_command_reports_per_unit_and_fails_loudly_when_mail_fails(
    smtp_server, handed_over, unit, department, make_case, escalate
):
    unit.email = "bygglov@exempelkommun.se"
    unit.save()
    silent = UnitFactory(code="tyst", name="Enhet utan adress", department=department)
    due = timezone.now() + dt.timedelta(minutes=30)
    if timezone.localdate(due) != timezone.localdate():
        due = timezone.now() - dt.timedelta(minutes=30)  # late evening: make it overdue instead
    escalate(
        make_case(occurred_at=timezone.now() - dt.timedelta(hours=2)),
        callback_due=due,
        at=timezone.now() - dt.timedelta(hours=1),
    )
    escalate(
        make_case(occurred_at=timezone.now() - dt.timedelta(hours=2)),
        unit=silent,
        callback_due=due,
        at=timezone.now() - dt.timedelta(hours=1),
    )

    out = StringIO()
    call_command("send_escalation_reminders", stdout=out)
    again = StringIO()
    call_command("send_escalation_reminders", stdout=again)

    assert "bygglov: " in out.getvalue() and "-> sent" in out.getvalue()
    assert "tyst: " in out.getvalue() and "no address" in out.getvalue()
    assert "already sent today" in again.getvalue()
    assert len(smtp_server.messages) == 1

    ReminderDigest.objects.all().delete()
    smtp_server.refuse = True
    with pytest.raises(CommandError):
        call_command("send_escalation_reminders", stdout=StringIO())
