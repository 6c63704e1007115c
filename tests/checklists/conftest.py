import pytest

from checklists import services
from checklists.models import ApprovalRole
from tests.factories import UserFactory


@pytest.fixture
def publish_checklist(dept_user, service):
    """Write, approve and publish a checklist through the services, as a department would."""
    approvers = {
        ApprovalRole.TEAM_LEAD: UserFactory(username="godk-tl", roles=["arbetsledare"]),
        ApprovalRole.WORK_GROUP: UserFactory(username="godk-wg", roles=["forvaltning"]),
        ApprovalRole.AGENT: UserFactory(username="godk-ag", roles=["kundtjanst"]),
    }

    def publish(target_service=None, by=None, **content):
        by = by or dept_user
        content.setdefault("rosa_level", 1)
        content.setdefault("steps", ["Svara enligt manus."])
        draft = services.checklist_create(
            service=target_service or service, content=services.ChecklistContent(**content), by=by
        )
        services.checklist_submit(version=draft, by=by)
        for role, user in approvers.items():
            services.checklist_approve(version=draft, role=role, by=user)
        return services.checklist_publish(version=draft, by=by)

    return publish
