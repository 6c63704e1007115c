"""The department's checklist pages: write, edit, review, approve, publish, follow up."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from checklists import services
from checklists.models import Approval, ApprovalRole, Checklist, ChecklistVersion, VersionStatus
from tests.factories import ServiceFactory, make_department_user

# Most pages do not need the search index; the test that searches asks for real commits.
pytestmark = pytest.mark.django_db

INDEX = reverse("checklists_manage:index")
CREATE = reverse("checklists_manage:create")


def version_url(version, name="version"):
    return reverse(f"checklists_manage:{name}", args=[version.pk])


def action_url(version, action):
    return reverse("checklists_manage:action", args=[version.pk, action])


def form_data(service=None, **overrides):
    data = {
        "title": "Braskamin – bygglov eller anmälan?",
        "questions": "Behöver jag bygglov för en braskamin?\r\nFår jag sätta in en kamin själv?",
        "keywords": "braskamin, eldstad\r\nkamin",
        "steps": "Förklara att en ny eldstad kräver **anmälan**.\r\n\r\n"
        "Be om fastighetsbeteckning.\r\nSkriv den i ärendet.",
        "collect": "Fastighetsbeteckning\r\nTelefonnummer",
        "links": "Anmälan eldstad | https://kommun.example/eldstad",
        "rosa_level": "2",
        "escalation_target": "Bygglovsenheten",
        "review_by": "2031-06-30",
        "public": "on",
    }
    if service is not None:
        data["service"] = str(service.pk)
    data.update(overrides)
    return data


def draft_for(service, by, **content):
    content.setdefault("title", "Braskamin")
    content.setdefault("rosa_level", 1)
    content.setdefault("steps", ["Svara enligt manus."])
    return services.checklist_create(
        service=service, content=services.ChecklistContent(**content), by=by
    )


@pytest.fixture
def dept_client(client_for, dept_user):
    return client_for(dept_user)


@pytest.fixture
def colleague(department):
    """A second department user: the work group's representative."""
    return make_department_user(department, username="greta", first_name="Greta")


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# Writing and editing


def test_department_user_creates_a_checklist_through_the_form(dept_client, dept_user, service):
    response = dept_client.post(CREATE, form_data(service), follow=True)

    version = ChecklistVersion.objects.get()
    assert response.redirect_chain == [(version_url(version), 302)]
    assert version.checklist.service == service and version.created_by == dept_user
    assert version.status == VersionStatus.DRAFT
    assert version.questions == [
        "Behöver jag bygglov för en braskamin?",
        "Får jag sätta in en kamin själv?",
    ]
    assert version.keywords == ["braskamin", "eldstad", "kamin"]
    assert version.steps == [
        "Förklara att en ny eldstad kräver **anmälan**.",
        "Be om fastighetsbeteckning.\nSkriv den i ärendet.",
    ]
    assert version.links == [{"title": "Anmälan eldstad", "url": "https://kommun.example/eldstad"}]
    assert (version.rosa_level, version.public) == (2, True)
    assert version.review_by == dt.date(2031, 6, 30)
    html = response.content.decode()
    assert "Utkastet är sparat." in html
    assert "<strong>anmälan</strong>" in html  # the script is rendered as agents will see it
    assert "Skicka till granskning" in html


def test_the_form_offers_only_the_departments_own_services(dept_client, service, other_service):
    html = dept_client.get(CREATE).content.decode()
    assert service.name in html
    assert other_service.name not in html

    response = dept_client.post(CREATE, form_data(other_service))
    assert response.status_code == 422
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not Checklist.objects.exists()


def test_department_user_edits_a_draft(dept_client, dept_user, service):
    draft = draft_for(
        service,
        dept_user,
        keywords=["kamin", "eldstad"],
        steps=["Ett.", "Två."],
        links=[{"title": "Blankett", "url": "https://kommun.example/b"}],
        review_by=dt.date(2031, 6, 30),
    )
    response = dept_client.get(version_url(draft, "edit"))
    form = response.context["form"]
    assert form.initial["keywords"] == "kamin, eldstad"
    assert form.initial["steps"] == "Ett.\n\nTvå."
    assert form.initial["links"] == "Blankett | https://kommun.example/b"
    assert 'value="2031-06-30"' in response.content.decode()

    response = dept_client.post(
        version_url(draft, "edit"),
        form_data(title="Braskamin och eldstad", edit_version=str(draft.edit_version)),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Braskamin och eldstad"
    assert draft.edit_version == 2


def test_a_stale_form_is_a_conflict_that_keeps_what_was_typed(
    dept_client, dept_user, colleague, service
):
    draft = draft_for(service, dept_user)
    opened_at = draft.edit_version
    services.checklist_update(
        version=draft,
        content=services.ChecklistContent(title="Kollegans rubrik", rosa_level=1),
        by=colleague,
        expected_edit_version=opened_at,
    )

    response = dept_client.post(
        version_url(draft, "edit"),
        form_data(title="Min rubrik", questions="Min fråga", edit_version=str(opened_at)),
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Någon annan har ändrat checklistan" in html
    assert 'value="Min rubrik"' in html and "Min fråga" in html
    assert "Kollegans rubrik" in html  # what is saved now, to compare with
    draft.refresh_from_db()
    assert draft.title == "Kollegans rubrik"
    # Having seen the other version, saving again is a deliberate choice to replace it.
    current = response.context["form"]["edit_version"].value()
    assert current == str(draft.edit_version)
    again = dept_client.post(
        version_url(draft, "edit"), form_data(title="Min rubrik", edit_version=current)
    )
    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Min rubrik"


def test_validation_errors_keep_input_and_name_the_field(dept_client, service):
    response = dept_client.post(
        CREATE,
        form_data(
            service,
            title="",
            links="Eldstad | https://kommun.example/eldstad\r\n\r\nBlankett | kommun.example/b",
            questions="En fråga jag inte vill skriva om",
        ),
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["title"]
    assert form.errors["links"] == [
        "Rad 3: ”kommun.example/b” är ingen giltig webbadress (börja med https://)."
    ]
    html = response.content.decode()
    assert "Rad 3:" in html
    assert "En fråga jag inte vill skriva om" in html
    assert "kommun.example/b" in html
    assert 'aria-invalid="true"' in html
    assert not Checklist.objects.exists()


def test_a_link_line_without_separator_is_named_by_line(dept_client, service):
    response = dept_client.post(CREATE, form_data(service, links="https://kommun.example"))
    assert response.context["form"].errors["links"] == [
        "Rad 1: skriv en rubrik, ett ”|” och adressen."
    ]


def test_a_service_refusal_lands_on_its_field(dept_client, dept_user, service):
    """Submitting with no steps: the service's own message, under the steps field."""
    draft = draft_for(service, dept_user, steps=[])
    response = dept_client.post(action_url(draft, "submit"), follow=True)
    assert "Skriv minst ett steg i svarsmanuset." in messages_of(response)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_a_form_posted_after_publishing_keeps_the_text_and_says_why(
    dept_client, dept_user, publish_checklist
):
    published = publish_checklist(title="Sophämtning")
    response = dept_client.post(
        version_url(published, "edit"),
        form_data(title="Min nya rubrik", edit_version=str(published.edit_version)),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Publicerade och arkiverade versioner ändras inte" in html
    assert 'value="Min nya rubrik"' in html
    published.refresh_from_db()
    assert published.title == "Sophämtning"


def test_a_published_version_is_not_edited_but_copied_to_a_new_version(
    dept_client, publish_checklist
):
    published = publish_checklist(title="Sophämtning")
    response = dept_client.get(version_url(published, "edit"), follow=True)
    assert "skapa en ny version" in " ".join(messages_of(response))
    assert "Ny version" in response.content.decode()

    response = dept_client.post(version_url(published, "new_version"))

    draft = ChecklistVersion.objects.get(number=2)
    assert response.url == version_url(draft, "edit")
    assert (draft.status, draft.title) == (VersionStatus.DRAFT, "Sophämtning")
    html = dept_client.get(version_url(published)).content.decode()
    assert "Ny version" not in html  # a draft is already being worked on
    assert "Version 2" in html


# Review, approval and publishing


def test_submit_three_approvals_and_publish(
    dept_client, dept_user, colleague, team_lead, agent, client_for, service
):
    draft = draft_for(service, dept_user)
    dept_client.post(action_url(draft, "submit"))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW

    approvers = [
        (team_lead, ApprovalRole.TEAM_LEAD, "Godkänn som arbetsledare"),
        (colleague, ApprovalRole.WORK_GROUP, "Godkänn som arbetsgruppens representant"),
        (agent, ApprovalRole.AGENT, "Godkänn som ansvarig kundtjänsthandläggare"),
    ]
    for user, role, button in approvers:
        client = client_for(user)
        assert button in client.get(version_url(draft)).content.decode()
        response = client.post(
            version_url(draft, "approve"),
            {"role": role.value, "edit_version": draft.edit_version},
            follow=True,
        )
        assert f"Du har godkänt som {role.label}." in messages_of(response)
    html = dept_client.get(version_url(draft)).content.decode()
    assert "Greta" in html and "Tove" in html and "Agnes" in html

    response = dept_client.post(action_url(draft, "publish"), follow=True)

    assert "Checklistan är publicerad" in " ".join(messages_of(response))
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED


def test_only_the_roles_the_user_holds_and_has_not_given_are_offered(
    client_for, dept_user, team_lead, service
):
    draft = draft_for(service, dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    client = client_for(team_lead)
    html = client.get(version_url(draft)).content.decode()
    assert "Godkänn som arbetsledare" in html
    assert "Godkänn som arbetsgruppens representant" in html
    assert "Godkänn som ansvarig kundtjänsthandläggare" not in html

    client.post(version_url(draft, "approve"), {"role": "team_lead", "edit_version": 1})
    html = client.get(version_url(draft)).content.decode()
    assert "Godkänn som" not in html
    assert "Du har godkänt den här versionen." in html

    # One person approves once, whatever the form says.
    response = client.post(
        version_url(draft, "approve"), {"role": "work_group", "edit_version": 1}, follow=True
    )
    assert "Samma person kan bara godkänna en gång per version." in messages_of(response)
    assert Approval.objects.count() == 1


def test_approving_a_text_that_changed_since_it_was_read_is_refused(
    client_for, dept_user, team_lead, service
):
    draft = draft_for(service, dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    read = draft.edit_version
    services.checklist_update(
        version=draft,
        content=services.ChecklistContent(title="Ny text", rosa_level=1, steps=["Nytt."]),
        by=dept_user,
    )
    response = client_for(team_lead).post(
        version_url(draft, "approve"), {"role": "team_lead", "edit_version": read}, follow=True
    )
    assert "har ändrat checklistan sedan du öppnade den" in " ".join(messages_of(response))
    assert not Approval.objects.exists()


def test_publishing_before_all_approvals_shows_the_service_message(
    dept_client, dept_user, team_lead, service
):
    draft = draft_for(service, dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    services.checklist_approve(version=draft, role="team_lead", by=team_lead)
    html = dept_client.get(version_url(draft)).content.decode()
    assert ">Publicera<" not in html
    assert "Du kan publicera när alla tre har godkänt." in html

    response = dept_client.post(action_url(draft, "publish"), follow=True)

    assert messages_of(response) == [
        "Godkännande saknas från: Ansvarig kundtjänsthandläggare, Arbetsgruppens representant."
    ]
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_REVIEW


@pytest.mark.django_db(transaction=True)  # the search index follows the commit
def test_the_published_checklist_is_found_by_the_agent_search(
    dept_client, dept_user, colleague, team_lead, agent, client_for, service
):
    dept_client.post(CREATE, form_data(service, title="Eldstad i fritidshus"))
    version = ChecklistVersion.objects.get()
    dept_client.post(action_url(version, "submit"))
    for user, role in (
        (team_lead, "team_lead"),
        (colleague, "work_group"),
        (agent, "agent"),
    ):
        client_for(user).post(version_url(version, "approve"), {"role": role, "edit_version": 1})
    agent_client = client_for(agent)
    search = reverse("checklists:search")
    assert (
        "Eldstad i fritidshus" not in agent_client.get(search, {"q": "fritidshus"}).content.decode()
    )

    dept_client.post(action_url(version, "publish"))

    html = agent_client.get(search, {"q": "eldstad fritidshuset"}).content.decode()
    assert "Eldstad i fritidshus" in html


def test_archiving_takes_the_version_out(dept_client, publish_checklist):
    published = publish_checklist(title="Sophämtning")
    response = dept_client.post(action_url(published, "archive"), follow=True)
    assert "Versionen är arkiverad." in messages_of(response)
    published.refresh_from_db()
    assert published.status == VersionStatus.ARCHIVED
    assert "Ja, arkivera" not in response.content.decode()


# Who may see and change what


def test_another_departments_user_gets_404(client_for, other_dept_user, dept_user, service):
    draft = draft_for(service, dept_user)
    client = client_for(other_dept_user)
    assert draft.checklist.service.name not in client.get(INDEX).content.decode()
    assert client.get(version_url(draft)).status_code == 404
    assert client.get(version_url(draft, "edit")).status_code == 404
    assert client.post(version_url(draft, "edit"), form_data()).status_code == 404
    assert client.post(action_url(draft, "submit")).status_code == 404
    assert client.post(version_url(draft, "new_version")).status_code == 404
    draft.refresh_from_db()
    assert (draft.status, draft.title) == (VersionStatus.DRAFT, "Braskamin")


def test_manager_reads_but_cannot_edit(client_for, manager, dept_user, service):
    draft = draft_for(service, dept_user)
    client = client_for(manager)
    html = client.get(version_url(draft)).content.decode()
    assert "Braskamin" in html
    assert "Skicka till granskning" not in html and ">Ändra<" not in html
    assert "Ny checklista" not in client.get(INDEX).content.decode()

    assert client.get(version_url(draft, "edit")).status_code == 403
    assert client.post(version_url(draft, "edit"), form_data(edit_version="1")).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(service)).status_code == 403
    response = client.post(action_url(draft, "submit"), follow=True)
    assert "Du får inte ändra den här förvaltningens checklistor." in messages_of(response)
    draft.refresh_from_db()
    assert (draft.status, draft.title, draft.edit_version) == ("draft", "Braskamin", 1)
    assert Checklist.objects.count() == 1


def test_agent_has_a_read_only_list_and_approves_as_responsible_agent(
    client_for, agent, dept_user, service
):
    draft = draft_for(service, dept_user, title="Parkeringstillstånd")
    services.checklist_submit(version=draft, by=dept_user)
    client = client_for(agent)
    html = client.get(INDEX).content.decode()
    assert "Parkeringstillstånd" in html and "Under granskning" in html
    assert "Ny checklista" not in html
    html = client.get(version_url(draft)).content.decode()
    assert "Godkänn som ansvarig kundtjänsthandläggare" in html
    assert "Godkänn som arbetsledare" not in html
    assert client.get(version_url(draft, "edit")).status_code == 403


def test_outsider_sees_nothing(client_for, outsider, dept_user, service):
    draft = draft_for(service, dept_user)
    client = client_for(outsider)
    assert client.get(INDEX).status_code == 403
    assert client.get(version_url(draft)).status_code == 404
    assert client.get(CREATE).status_code == 403


def test_nav_link_for_department_staff_team_leads_and_agents(
    client_for, dept_user, team_lead, agent, manager
):
    link = f'href="{INDEX}"'
    for user in (dept_user, team_lead, agent):
        assert link in client_for(user).get(reverse("cases:list")).content.decode()
    assert link not in client_for(manager).get(reverse("cases:list")).content.decode()


# The index: status, review dates, usage, filter


def test_department_user_sees_only_their_departments_checklists(
    dept_client, dept_user, other_dept_user, service, other_service
):
    draft_for(service, dept_user, title="Braskamin")
    draft_for(other_service, other_dept_user, title="Förskoleplats")
    html = dept_client.get(INDEX).content.decode()
    assert "Braskamin" in html and "Förskoleplats" not in html
    assert "Ny checklista" in html
    assert "Utkast" in html


def test_team_lead_filters_by_department(
    client_for, team_lead, dept_user, other_dept_user, service, other_service
):
    draft_for(service, dept_user, title="Braskamin")
    draft_for(other_service, other_dept_user, title="Förskoleplats")
    client = client_for(team_lead)
    html = client.get(INDEX).content.decode()
    assert "Braskamin" in html and "Förskoleplats" in html

    response = client.get(INDEX, {"department": "skola"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="checklist-list"')
    assert "Förskoleplats" in html and "Braskamin" not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_overdue_review_is_flagged_and_listed_first(dept_client, publish_checklist, department):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    publish_checklist(title="Aaa i tid", review_by=yesterday + dt.timedelta(days=30))
    publish_checklist(
        target_service=ServiceFactory(code="avfall", name="Avfall", department=department),
        title="Zzz försenad",
        review_by=yesterday,
    )

    response = dept_client.get(INDEX)

    html = response.content.decode()
    assert [row.latest.title for row in response.context["overdue"]] == ["Zzz försenad"]
    assert [row.latest.title for row in response.context["rows"]] == ["Aaa i tid"]
    assert html.index("Att granska") < html.index("Zzz försenad") < html.index("Aaa i tid")
    assert html.count("Granskning försenad") == 1


def test_usage_count_and_direct_answer_rate_are_shown(
    dept_client, agent, publish_checklist, make_case
):
    version = publish_checklist(title="Braskamin")
    for resolve_level in (1, None):
        case = make_case()
        services.checklist_use(case=case, version=version, by=agent)
        if resolve_level:
            case_services.case_resolve(case=case, rosa_level=resolve_level, by=agent)

    response = dept_client.get(INDEX)

    (row,) = response.context["rows"]
    assert (row.uses, row.direct_rate) == (2, 1.0)
    html = response.content.decode()
    assert '<td data-label="Använd" class="num">2</td>' in html
    assert "100&nbsp;%" in html
    assert "2 gånger" in dept_client.get(version_url(version)).content.decode()


def test_index_query_count_does_not_grow_with_checklists(
    client_for,
    team_lead,
    dept_user,
    agent,
    publish_checklist,
    make_case,
    department,
    django_assert_max_num_queries,
):
    for number in range(20):
        service = ServiceFactory(code=f"tjanst-{number}", department=department)
        if number % 4 == 0:
            version = publish_checklist(target_service=service, title=f"Checklista {number}")
            services.checklist_use(case=make_case(), version=version, by=agent)
        else:
            version = draft_for(service, dept_user, title=f"Checklista {number}")
            if number % 2:
                services.checklist_submit(version=version, by=dept_user)
    for user in (team_lead, dept_user):
        client = client_for(user)
        with django_assert_max_num_queries(8):
            response = client.get(INDEX)
        assert len(response.context["rows"]) == 20


def test_the_author_is_not_offered_to_approve(dept_client, dept_user, service):
    draft = draft_for(service, dept_user)
    services.checklist_submit(version=draft, by=dept_user)
    html = dept_client.get(version_url(draft)).content.decode()
    assert "Godkänn som" not in html
