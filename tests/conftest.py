"""Named roles reused across the suite (like healthchecks' alice/bob/charlie):

- `agent` (kundtjanst), `team_lead` (arbetsledare), `manager` (chef)
- `dept_user` works at `department` (bygg); `other_dept_user` at `other_department` (skola)
- `outsider`: logged in, no role — must see nothing
- `unit` (Bygglovsenheten, member: bertil) in `department`; `other_unit` in `other_department`;
  `escalate(case, **changes)` hands a case over through the service, as the product does
"""

import pytest
from django.test import Client
from django.utils import timezone

from cases import services
from tests.factories import (
    DepartmentFactory,
    ServiceFactory,
    SubjectAreaFactory,
    UnitFactory,
    UserFactory,
    make_department_user,
)
from tests.imap import imap_server, mailbox  # noqa: F401 - fixtures for every test module
from tests.smtp import smtp_server  # noqa: F401 - a fixture for every test module

PASSWORD = "lösenord-för-test"


@pytest.fixture
def department(db):
    return DepartmentFactory(code="bygg", name="Samhällsbyggnadsförvaltningen")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="skola", name="Barn- och utbildningsförvaltningen")


def agree(service, max_rosa=4):
    """The department's agreement hands `service` to the contact centre up to `max_rosa`."""
    import datetime as dt

    from checklists.models import Agreement, AgreementLine

    agreement, _ = Agreement.objects.get_or_create(
        department=service.department,
        valid_from=dt.date(2000, 1, 1),
        defaults={"valid_to": dt.date(2099, 12, 31), "revised_on": dt.date(2000, 1, 1)},
    )
    AgreementLine.objects.update_or_create(
        agreement=agreement, service=service, defaults={"max_rosa": max_rosa}
    )
    return service


@pytest.fixture
def service(department):
    return agree(
        ServiceFactory(
            code="bygglov-braskamin",
            name="Bygglov för braskamin",
            department=department,
            # get_or_create: transactional tests flush the areas the data migration made
            subject_area=SubjectAreaFactory(code="bygglov", name="Bygglov"),
        )
    )


@pytest.fixture
def other_service(other_department):
    return agree(
        ServiceFactory(
            code="forskoleplats",
            name="Ansökan om förskoleplats",
            department=other_department,
            subject_area=SubjectAreaFactory(code="forskola", name="Förskola"),
        )
    )


@pytest.fixture
def agent(db):
    return UserFactory(username="agnes", first_name="Agnes", roles=["kundtjanst"])


@pytest.fixture
def team_lead(db):
    return UserFactory(username="tove", first_name="Tove", roles=["arbetsledare"])


@pytest.fixture
def manager(db):
    return UserFactory(username="maja", first_name="Maja", roles=["chef"])


@pytest.fixture
def dept_user(department):
    return make_department_user(department, username="bertil", first_name="Bertil")


@pytest.fixture
def other_dept_user(other_department):
    return make_department_user(other_department, username="signe", first_name="Signe")


@pytest.fixture
def outsider(db):
    return UserFactory(username="olle", first_name="Olle")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent):
    return _client_for(agent)


@pytest.fixture
def client_for():
    return _client_for


@pytest.fixture
def make_case(agent, service):
    """Create a case through the service layer, as the product does."""

    def make(**kwargs):
        kwargs.setdefault("channel", "phone")
        kwargs.setdefault("summary", "Fråga om bygglov för braskamin")
        kwargs.setdefault("by", agent)
        kwargs.setdefault("service", service)
        if kwargs["channel"] == "phone":
            # An agent logging a call took it: answered when it came in (pass None = abandoned).
            kwargs.setdefault("occurred_at", timezone.now())
            kwargs.setdefault("answered_at", kwargs["occurred_at"])
        return services.case_create(**kwargs)

    return make


@pytest.fixture
def unit(department, dept_user):
    return UnitFactory(
        code="bygglov", name="Bygglovsenheten", department=department, members=[dept_user]
    )


@pytest.fixture
def other_unit(other_department):
    return UnitFactory(
        code="forskoleantagning", name="Förskoleantagningen", department=other_department
    )


@pytest.fixture
def escalate(agent, unit):
    """Hand a case to `unit` (or another) with a callback promise on the citizen's phone."""

    def hand_over(case, **kwargs):
        kwargs.setdefault("unit", unit)
        kwargs.setdefault("by", agent)
        kwargs.setdefault("question", case.summary)
        kwargs.setdefault("callback_channel", "phone")
        kwargs.setdefault("callback_to", "070-123 45 67")
        return services.escalation_create(case=case, **kwargs)

    return hand_over


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files of a test stay with the test.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing cost is not under test; the real hasher makes each login fixture take ~0.3 s.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def publish_checklist(dept_user, service):
    """Write, approve and publish a checklist through the services, as a department would."""
    from checklists import services as checklist_services
    from checklists.models import ApprovalRole

    approvers = {
        ApprovalRole.TEAM_LEAD: UserFactory(username="godk-tl", roles=["arbetsledare"]),
        ApprovalRole.WORK_GROUP: UserFactory(username="godk-wg", roles=["forvaltning"]),
        ApprovalRole.AGENT: UserFactory(username="godk-ag", roles=["kundtjanst"]),
    }

    def publish(target_service=None, by=None, **content):
        by = by or dept_user
        content.setdefault("rosa_level", 1)
        content.setdefault("steps", ["Svara enligt manus."])
        draft = checklist_services.checklist_create(
            service=target_service or service,
            content=checklist_services.ChecklistContent(**content),
            by=by,
        )
        checklist_services.checklist_submit(version=draft, by=by)
        for role, user in approvers.items():
            checklist_services.checklist_approve(version=draft, role=role, by=user)
        return checklist_services.checklist_publish(version=draft, by=by)

    return publish


def pytest_report_header(config):
    from tests.browser.conftest import CHROMIUM, browser_missing_reason

    reason = browser_missing_reason()
    if reason:
        return [f"browser tests: NOT RUN – {reason}"]
    return [f"browser tests: headless Chromium at {CHROMIUM}"]
