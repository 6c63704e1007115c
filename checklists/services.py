"""Every change to agreements and checklists goes through these functions.

Lifecycle of a checklist version: draft → in_review → published → archived. Publishing needs
the three approvals of DOMAIN.md (team lead, work group, responsible agent); editing a version
under review clears its approvals; a published version is never edited — editing it starts a
new draft. The search index follows publish and archive after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Department, Service
from cases.models.case import CONTACT_CENTRE_MAX_ROSA, RosaLevel
from cases.permissions import require_can_work_on
from cases.services import case_update
from checklists import learning
from checklists.models import (
    Agreement,
    AgreementLine,
    Approval,
    ApprovalRole,
    Checklist,
    ChecklistUse,
    ChecklistVersion,
    Feedback,
    FeedbackKind,
    SearchRecord,
    VersionStatus,
)
from checklists.permissions import require_can_edit_checklists
from checklists.search import get_backend
from kundtjanst import roles
from kundtjanst.errors import ConflictError, DomainError, NotAllowedError

logger = logging.getLogger(__name__)

CONTENT_FIELDS = (
    "title",
    "questions",
    "keywords",
    "steps",
    "collect",
    "links",
    "rosa_level",
    "escalation_target",
    "public",
    "review_by",
)


@dataclass(frozen=True)
class ChecklistContent:
    title: str
    rosa_level: int
    questions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    collect: list[str] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    escalation_target: str = ""
    public: bool = False
    review_by: dt.date | None = None


def _clean_lines(values: list[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()]


def checklist_content_clean(content: ChecklistContent) -> ChecklistContent:
    if not content.title.strip():
        raise DomainError("title-required", "Checklistan behöver en rubrik.", field="title")
    if content.rosa_level not in RosaLevel.values:
        raise DomainError("rosa-level-invalid", "ROSA-nivån ska vara 1–6.", field="rosa_level")
    for index, link in enumerate(content.links, start=1):
        url = str(link.get("url", ""))
        if not url.startswith(("https://", "http://")) or not str(link.get("title", "")).strip():
            raise DomainError(
                "link-invalid",
                f"Länk {index}: ange en rubrik och en adress som börjar med https://.",
                field="links",
            )
    return ChecklistContent(
        title=content.title.strip(),
        rosa_level=content.rosa_level,
        questions=_clean_lines(content.questions),
        keywords=_clean_lines(content.keywords),
        steps=_clean_lines(content.steps),
        collect=_clean_lines(content.collect),
        links=[
            {"title": str(x["title"]).strip(), "url": str(x["url"]).strip()} for x in content.links
        ],
        escalation_target=content.escalation_target.strip(),
        public=content.public,
        review_by=content.review_by,
    )


def _require_department_editor(user: User, department: Department) -> None:
    require_can_edit_checklists(user, department.pk)


def _reindex(version: ChecklistVersion) -> None:
    version_id = version.pk

    def run() -> None:
        fresh = ChecklistVersion.objects.select_related("checklist").get(pk=version_id)
        try:
            get_backend().index([fresh])
        except Exception:  # the change is committed; a search server being down must not
            # turn it into an error page. `manage.py search_index --rebuild` catches up.
            logger.exception("search index update failed for checklist version %s", version_id)

    transaction.on_commit(run)


@transaction.atomic
def checklist_create(*, service: Service, content: ChecklistContent, by: User) -> ChecklistVersion:
    """A new checklist for a service, as draft version 1."""
    _require_department_editor(by, service.department)
    content = checklist_content_clean(content)
    checklist = Checklist.objects.create(department=service.department, service=service)
    version = ChecklistVersion(checklist=checklist, number=1, created_by=by, **content.__dict__)
    version.full_clean()
    version._history_user = by  # type: ignore[attr-defined]
    version.save()
    return version


def _lock(version: ChecklistVersion, expected: int | None) -> ChecklistVersion:
    locked = (
        ChecklistVersion.objects.select_for_update().select_related("checklist").get(pk=version.pk)
    )
    if expected is not None and locked.edit_version != expected:
        raise ConflictError(
            "checklist-version-conflict",
            "Någon annan har ändrat checklistan sedan du öppnade den. Läs in den igen.",
        )
    return locked


@transaction.atomic
def checklist_update(
    *,
    version: ChecklistVersion,
    content: ChecklistContent,
    by: User,
    expected_edit_version: int | None = None,
) -> ChecklistVersion:
    """Edit a draft or a version under review (which clears its approvals)."""
    version = _lock(version, expected_edit_version)
    _require_department_editor(by, version.checklist.department)
    if version.status not in (VersionStatus.DRAFT, VersionStatus.IN_REVIEW):
        raise DomainError(
            "checklist-not-editable",
            "Publicerade och arkiverade versioner ändras inte: skapa en ny version.",
        )
    for name, value in checklist_content_clean(content).__dict__.items():
        setattr(version, name, value)
    version.edit_version += 1
    version.full_clean()
    version._history_user = by  # type: ignore[attr-defined]
    version.save()
    version.approvals.all().delete()
    return version


@transaction.atomic
def checklist_submit(*, version: ChecklistVersion, by: User) -> ChecklistVersion:
    version = _lock(version, None)
    _require_department_editor(by, version.checklist.department)
    if version.status != VersionStatus.DRAFT:
        raise DomainError("checklist-not-draft", "Bara ett utkast kan skickas till granskning.")
    if not version.steps:
        raise DomainError("steps-required", "Skriv minst ett steg i svarsmanuset.", field="steps")
    version.status = VersionStatus.IN_REVIEW
    version._history_user = by  # type: ignore[attr-defined]
    version.save(update_fields=["status"])
    return version


APPROVER_ROLES = {
    ApprovalRole.TEAM_LEAD: (roles.TEAM_LEAD,),
    ApprovalRole.WORK_GROUP: (roles.DEPARTMENT, roles.TEAM_LEAD),
    ApprovalRole.AGENT: (roles.AGENT,),
}


@transaction.atomic
def checklist_approve(
    *, version: ChecklistVersion, role: str, by: User, expected_edit_version: int | None = None
) -> Approval:
    """Approve the text the approver read: a changed version (new edit_version) is refused."""
    version = _lock(version, expected_edit_version)
    if version.status != VersionStatus.IN_REVIEW:
        raise DomainError("checklist-not-in-review", "Bara versioner under granskning godkänns.")
    if role not in ApprovalRole.values:
        raise DomainError("approval-role-unknown", f"Okänd roll: {role!r}.", field="role")
    if not roles.has_role(by, *APPROVER_ROLES[ApprovalRole(role)]):
        raise NotAllowedError("not-allowed", "Din roll kan inte godkänna i den här egenskapen.")
    if version.created_by_id == by.pk:
        raise DomainError(
            "approval-by-author", "Den som skrivit versionen kan inte själv godkänna den."
        )
    if version.approvals.filter(by=by).exists():
        raise DomainError(
            "approval-same-person", "Samma person kan bara godkänna en gång per version."
        )
    if version.approvals.filter(role=role).exists():
        raise DomainError("approval-duplicate", "Den rollen har redan godkänt.")
    return Approval.objects.create(version=version, role=role, by=by, at=timezone.now())


@transaction.atomic
def checklist_publish(*, version: ChecklistVersion, by: User) -> ChecklistVersion:
    """Fix and publish: needs all three approvals; the previously published version is archived."""
    version = _lock(version, None)
    _require_department_editor(by, version.checklist.department)
    if version.status != VersionStatus.IN_REVIEW:
        raise DomainError("checklist-not-in-review", "Bara granskade versioner kan publiceras.")
    missing = set(ApprovalRole.values) - set(version.approvals.values_list("role", flat=True))
    if missing:
        labels = ", ".join(str(ApprovalRole(r).label) for r in sorted(missing))
        raise DomainError("approvals-missing", f"Godkännande saknas från: {labels}.")
    for previous in ChecklistVersion.objects.select_for_update().filter(
        checklist_id=version.checklist_id, status=VersionStatus.PUBLISHED
    ):
        previous.status = VersionStatus.ARCHIVED
        previous._history_user = by  # type: ignore[attr-defined]
        previous.save(update_fields=["status"])
        _reindex(previous)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version._history_user = by  # type: ignore[attr-defined]
    version.save(update_fields=["status", "published_at"])
    _reindex(version)
    return version


@transaction.atomic
def checklist_new_version(*, checklist: Checklist, by: User) -> ChecklistVersion:
    """A draft copy of the latest version, for editing a published checklist."""
    _require_department_editor(by, checklist.department)
    latest = checklist.versions.select_for_update().order_by("-number").first()
    if latest is None:
        raise DomainError("checklist-empty", "Checklistan har ingen version.")
    if checklist.versions.filter(
        status__in=[VersionStatus.DRAFT, VersionStatus.IN_REVIEW]
    ).exists():
        raise DomainError(
            "checklist-draft-exists", "Det finns redan ett utkast att arbeta vidare på."
        )
    number = (checklist.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = ChecklistVersion(
        checklist=checklist,
        number=number,
        created_by=by,
        **{name: getattr(latest, name) for name in CONTENT_FIELDS},
    )
    draft._history_user = by  # type: ignore[attr-defined]
    draft.save()
    return draft


@transaction.atomic
def checklist_archive(*, version: ChecklistVersion, by: User) -> ChecklistVersion:
    version = _lock(version, None)
    _require_department_editor(by, version.checklist.department)
    if version.status == VersionStatus.ARCHIVED:
        raise DomainError("checklist-archived", "Versionen är redan arkiverad.")
    version.status = VersionStatus.ARCHIVED
    version._history_user = by  # type: ignore[attr-defined]
    version.save(update_fields=["status"])
    _reindex(version)
    return version


@transaction.atomic
def checklist_use(
    *, case: Case, version: ChecklistVersion, by: User, search_text: str = ""
) -> ChecklistUse:
    """The agent follows this exact version on the case (which takes its service if it had none)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    require_can_work_on(by, case)
    if version.status != VersionStatus.PUBLISHED:
        raise DomainError("checklist-not-published", "Bara publicerade checklistor kan användas.")
    use, created = ChecklistUse.objects.get_or_create(
        case=case,
        version=version,
        defaults={
            "by": by,
            "at": timezone.now(),
            "search_text": learning.scrub_personal_data(search_text)[:500],
        },
    )
    if created:
        learning.use_terms_record(use)
    if created and case.service_id is None:
        case_update(case=case, by=by, service=version.checklist.service)
    return use


def search_record(*, case: Case, text: str, by: User) -> SearchRecord | None:
    """Keep what the agent searched for on a case (knowledge gaps)."""
    # Normalised (one case, single spaces) so the knowledge-gap list can group in the database.
    text = learning.scrub_personal_data(text).lower()[:500]
    if len(text) < 2:
        return None
    return SearchRecord.objects.create(case=case, text=text, by=by, at=timezone.now())


@dataclass(frozen=True)
class AgreementLineInput:
    service: Service
    handled: bool
    max_rosa: int


@transaction.atomic
def agreement_create(
    *,
    department: Department,
    valid_from: dt.date,
    valid_to: dt.date,
    revised_on: dt.date,
    lines: list[AgreementLineInput],
    by: User,
    note: str = "",
) -> Agreement:
    if not roles.has_role(by, roles.TEAM_LEAD, roles.MANAGER):
        raise NotAllowedError(
            "not-allowed", "Överenskommelser registreras av arbetsledare eller chef."
        )
    agreement = Agreement(
        department=department,
        valid_from=valid_from,
        valid_to=valid_to,
        revised_on=revised_on,
        note=note,
    )
    agreement.full_clean()
    agreement._history_user = by  # type: ignore[attr-defined]
    agreement.save()
    for number, line in enumerate(lines, start=1):
        if line.service.department_id != department.pk:
            raise DomainError(
                "agreement-service-other-department",
                f"Rad {number}: tjänsten ”{line.service.name}” hör till en annan förvaltning.",
                field="lines",
            )
        if not 1 <= line.max_rosa <= CONTACT_CENTRE_MAX_ROSA:
            raise DomainError(
                "agreement-rosa-invalid",
                f"Rad {number}: kundtjänst kan hantera ROSA-nivå 1–4.",
                field="lines",
            )
        row = AgreementLine(
            agreement=agreement, service=line.service, handled=line.handled, max_rosa=line.max_rosa
        )
        row.full_clean()
        row._history_user = by  # type: ignore[attr-defined]
        row.save()
    return agreement


@transaction.atomic
def case_log_with_checklist(
    *,
    by: User,
    version: ChecklistVersion | None,
    search_text: str = "",
    **case_log: object,
) -> Case:
    """ "Ny kontakt" with the checklist the agent followed, or the words they searched for.

    One transaction: the case, its resolution and the record of the checklist (or of a search
    that found nothing used, for the knowledge-gap list) stand or fall together.
    """
    if version is not None and version.status != VersionStatus.PUBLISHED:
        raise DomainError("checklist-not-published", "Bara publicerade checklistor kan användas.")
    if version is not None and case_log.get("service") is None:
        case_log["service"] = version.checklist.service
    case = case_services.case_log(by=by, **case_log)  # type: ignore[arg-type]
    if version is not None:
        checklist_use(case=case, version=version, by=by, search_text=search_text)
    elif search_text:
        search_record(case=case, text=search_text, by=by)
    return case


@transaction.atomic
def feedback_create(
    *, version: ChecklistVersion, kind: str, comment: str, by: User, case: Case | None = None
) -> Feedback:
    """An agent flags a checklist as wrong or incomplete; its department sees the queue."""
    if not (roles.is_contact_centre(by) or roles.has_role(by, roles.DEPARTMENT)):
        raise NotAllowedError("not-allowed", "Din roll kan inte lämna synpunkter på checklistor.")
    if kind not in FeedbackKind.values:
        raise DomainError("feedback-kind-unknown", "Välj fel eller ofullständig.", field="kind")
    if not comment.strip():
        raise DomainError(
            "feedback-comment-required", "Skriv vad som är fel eller saknas.", field="comment"
        )
    return Feedback.objects.create(
        version=version, case=case, kind=kind, comment=comment.strip(), by=by, at=timezone.now()
    )


@transaction.atomic
def feedback_resolve(*, feedback: Feedback, resolution: str, by: User) -> Feedback:
    feedback = (
        Feedback.objects.select_for_update()
        .select_related("version__checklist")
        .get(pk=feedback.pk)
    )
    _require_department_editor(by, feedback.version.checklist.department)
    if feedback.resolved_at is not None:
        raise DomainError("feedback-resolved", "Synpunkten är redan hanterad.")
    feedback.resolved_at = timezone.now()
    feedback.resolved_by = by
    feedback.resolution = resolution.strip()
    feedback.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return feedback
