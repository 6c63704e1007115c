import pytest

from checklists import services
from checklists.models import ApprovalRole, ChecklistSearchDoc, VersionStatus
from checklists.selectors import checklist_search
from kundtjanst.errors import DomainError, NotAllowedError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # the index follows commits


def content(**overrides):
    values = {
        "title": "Braskamin – bygglov eller anmälan?",
        "rosa_level": 1,
        "questions": ["Behöver jag bygglov för en braskamin?"],
        "keywords": ["braskamin", "eldstad"],
        "steps": ["Förklara att en ny eldstad kräver **anmälan**, inte bygglov."],
        "public": True,
    }
    values.update(overrides)
    return services.ChecklistContent(**values)


@pytest.fixture
def approvers(db):
    return {
        ApprovalRole.TEAM_LEAD: UserFactory(username="tl", roles=["arbetsledare"]),
        ApprovalRole.WORK_GROUP: UserFactory(username="wg", roles=["forvaltning"]),
        ApprovalRole.AGENT: UserFactory(username="ag", roles=["kundtjanst"]),
    }


def publish(version, by, approvers):
    services.checklist_submit(version=version, by=by)
    for role, user in approvers.items():
        services.checklist_approve(version=version, role=role, by=user)
    return services.checklist_publish(version=version, by=by)


def test_department_writes_gets_three_approvals_and_publishes(dept_user, service, approvers):
    draft = services.checklist_create(service=service, content=content(), by=dept_user)
    assert draft.status == VersionStatus.DRAFT
    assert checklist_search("braskamin") == []
    published = publish(draft, dept_user, approvers)
    assert published.status == VersionStatus.PUBLISHED and published.published_at
    assert [v.title for v, _ in checklist_search("braskaminen")] == [published.title]


def test_publishing_without_all_three_approvals_is_refused(dept_user, service, approvers):
    draft = services.checklist_create(service=service, content=content(), by=dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    services.checklist_approve(
        version=draft, role=ApprovalRole.TEAM_LEAD, by=approvers[ApprovalRole.TEAM_LEAD]
    )
    with pytest.raises(DomainError) as error:
        services.checklist_publish(version=draft, by=dept_user)
    assert error.value.code == "approvals-missing"
    assert "Ansvarig kundtjänsthandläggare" in error.value.message


def test_editing_under_review_resets_the_approvals(dept_user, service, approvers):
    draft = services.checklist_create(service=service, content=content(), by=dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    services.checklist_approve(
        version=draft, role=ApprovalRole.AGENT, by=approvers[ApprovalRole.AGENT]
    )
    services.checklist_update(version=draft, content=content(title="Ny rubrik"), by=dept_user)
    assert draft.approvals.count() == 0


def test_published_version_is_immutable_and_editing_makes_a_new_draft(
    dept_user, service, approvers
):
    published = publish(
        services.checklist_create(service=service, content=content(), by=dept_user),
        dept_user,
        approvers,
    )
    with pytest.raises(DomainError) as error:
        services.checklist_update(version=published, content=content(title="X"), by=dept_user)
    assert error.value.code == "checklist-not-editable"
    draft = services.checklist_new_version(checklist=published.checklist, by=dept_user)
    assert (draft.number, draft.status, draft.title) == (2, "draft", published.title)
    services.checklist_update(
        version=draft, content=content(title="Eldstad – anmälan"), by=dept_user
    )
    second = publish(draft, dept_user, approvers)
    published.refresh_from_db()
    assert published.status == VersionStatus.ARCHIVED
    assert [v.pk for v, _ in checklist_search("eldstad anmälan")] == [second.pk]
    assert ChecklistSearchDoc.objects.count() == 1


def test_one_person_cannot_approve_twice(dept_user, service, team_lead):
    draft = services.checklist_create(service=service, content=content(), by=dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    services.checklist_approve(version=draft, role=ApprovalRole.TEAM_LEAD, by=team_lead)
    with pytest.raises(DomainError) as error:
        services.checklist_approve(version=draft, role=ApprovalRole.WORK_GROUP, by=team_lead)
    assert error.value.code == "approval-same-person"


def test_approval_needs_the_matching_role(dept_user, service, agent):
    draft = services.checklist_create(service=service, content=content(), by=dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    with pytest.raises(NotAllowedError):
        services.checklist_approve(version=draft, role=ApprovalRole.TEAM_LEAD, by=agent)


def test_other_departments_cannot_write_the_checklist(other_dept_user, service):
    with pytest.raises(NotAllowedError):
        services.checklist_create(service=service, content=content(), by=other_dept_user)


def test_bad_link_is_refused_by_number(dept_user, service):
    with pytest.raises(DomainError) as error:
        services.checklist_create(
            service=service,
            content=content(
                links=[{"title": "Ok", "url": "https://x.se"}, {"title": "", "url": "x"}]
            ),
            by=dept_user,
        )
    assert error.value.code == "link-invalid" and error.value.message.startswith("Länk 2")


def test_using_a_checklist_records_the_exact_version_and_sets_the_service(
    dept_user, service, approvers, agent
):
    from cases import services as case_services

    published = publish(
        services.checklist_create(service=service, content=content(), by=dept_user),
        dept_user,
        approvers,
    )
    case = case_services.case_create(channel="phone", summary="Kamin?", by=agent)
    use = services.checklist_use(case=case, version=published, by=agent, search_text="kamin")
    case.refresh_from_db()
    assert use.version == published and case.service == service
    assert services.checklist_use(case=case, version=published, by=agent) == use


def test_archived_version_disappears_from_search(dept_user, service, approvers):
    published = publish(
        services.checklist_create(service=service, content=content(), by=dept_user),
        dept_user,
        approvers,
    )
    services.checklist_archive(version=published, by=dept_user)
    assert checklist_search("braskamin") == []


def test_the_author_cannot_approve_their_own_version(service):
    author = UserFactory(username="forf", roles=["forvaltning", "arbetsledare"])
    draft = services.checklist_create(service=service, content=content(), by=author)
    services.checklist_submit(version=draft, by=author)
    with pytest.raises(DomainError) as error:
        services.checklist_approve(version=draft, role=ApprovalRole.TEAM_LEAD, by=author)
    assert error.value.code == "approval-by-author"
