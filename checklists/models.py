"""Agreements (överenskommelser) and checklists (talmanus), see DOMAIN.md."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, Department, Service
from cases.models.case import CONTACT_CENTRE_MAX_ROSA, RosaLevel


class Agreement(models.Model):
    """A department's written agreement with the contact centre for a period (normally a year)."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("förvaltning"),
    )
    valid_from = models.DateField(_("gäller från"))
    valid_to = models.DateField(_("gäller till"))
    revised_on = models.DateField(_("reviderad"))
    note = models.TextField(_("kommentar"), blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["department__name", "-valid_from"]
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="agreement_period_ordered",
                violation_error_code="agreement-period-invalid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.valid_from}–{self.valid_to}"


class AgreementLine(models.Model):
    """For one service: does the contact centre handle it, and up to which ROSA level."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="agreement_lines")
    handled = models.BooleanField(_("hanteras av kundtjänst"), default=True)
    max_rosa = models.PositiveSmallIntegerField(
        _("högsta ROSA-nivå"), choices=RosaLevel.choices, default=RosaLevel.INFORMATION
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["service__name"]
        verbose_name = _("tjänst i överenskommelse")
        verbose_name_plural = _("tjänster i överenskommelse")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "service"],
                name="agreement_line_unique_service",
                violation_error_code="agreement-service-duplicate",
            ),
            models.CheckConstraint(
                condition=Q(max_rosa__gte=1, max_rosa__lte=CONTACT_CENTRE_MAX_ROSA),
                name="agreement_line_rosa_contact_centre",
                violation_error_code="agreement-rosa-invalid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.max_rosa if self.handled else '-'}"


class Checklist(models.Model):
    """The stable identity of a checklist; its content lives in versions."""

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="checklists",
        verbose_name=_("förvaltning"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="checklists", verbose_name=_("tjänst")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklista")
        verbose_name_plural = _("checklistor")

    def __str__(self) -> str:
        return f"checklist {self.pk}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Utkast")
    IN_REVIEW = "in_review", _("Under granskning")
    PUBLISHED = "published", _("Publicerad")
    ARCHIVED = "archived", _("Arkiverad")


class ApprovalRole(models.TextChoices):
    """The three who must approve before publishing (DOMAIN.md)."""

    TEAM_LEAD = "team_lead", _("Arbetsledare")
    WORK_GROUP = "work_group", _("Arbetsgruppens representant")
    AGENT = "agent", _("Ansvarig kundtjänsthandläggare")


class ChecklistVersion(models.Model):
    """One version of a checklist. Published versions are never edited; editing makes a draft."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    title = models.CharField(_("rubrik"), max_length=200)
    questions = models.JSONField(_("medborgarens frågor"), default=list, blank=True)
    keywords = models.JSONField(_("nyckelord"), default=list, blank=True)
    steps = models.JSONField(_("svarsmanus (steg)"), default=list, blank=True)
    collect = models.JSONField(_("uppgifter att samla in"), default=list, blank=True)
    links = models.JSONField(_("länkar"), default=list, blank=True)
    rosa_level = models.PositiveSmallIntegerField(_("ROSA-nivå"), choices=RosaLevel.choices)
    escalation_target = models.CharField(_("överlämnas till"), max_length=200, blank=True)
    public = models.BooleanField(_("publik (självservice)"), default=False)
    review_by = models.DateField(_("granskas senast"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    # Optimistic concurrency for the edit form.
    edit_version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["checklist_id", "-number"]
        verbose_name = _("checklisteversion")
        verbose_name_plural = _("checklisteversioner")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"],
                name="checklist_version_number_unique",
                violation_error_code="checklist-version-duplicate",
            ),
            models.UniqueConstraint(
                fields=["checklist"],
                condition=Q(status="published"),
                name="checklist_one_published_version",
                violation_error_code="checklist-already-published",
            ),
            models.CheckConstraint(
                condition=Q(rosa_level__gte=1, rosa_level__lte=6),
                name="checklist_rosa_1_to_6",
                violation_error_code="rosa-level-invalid",
            ),
        ]
        indexes = [models.Index(fields=["status", "review_by"])]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class Approval(models.Model):
    version = models.ForeignKey(
        ChecklistVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    role = models.CharField(_("roll"), max_length=12, choices=ApprovalRole.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("tidpunkt"))

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "role"],
                name="approval_one_per_role",
                violation_error_code="approval-duplicate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.by}"


class ChecklistUse(models.Model):
    """A case used this exact checklist version (shown on the case; counts per checklist)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="checklist_uses")
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="uses")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()
    search_text = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "version"],
                name="checklist_use_once_per_case",
                violation_error_code="checklist-already-used",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} used {self.version_id}"


class SearchRecord(models.Model):
    """What an agent searched for while handling a case (knowledge gaps, later learning)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="searches")
    text = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return self.text


class FeedbackKind(models.TextChoices):
    WRONG = "wrong", _("Fel")
    INCOMPLETE = "incomplete", _("Ofullständig")


class Feedback(models.Model):
    """An agent flags a checklist as wrong or incomplete; the owning department resolves it."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="feedback")
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("typ"), max_length=12, choices=FeedbackKind.choices)
    comment = models.TextField(_("kommentar"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(_("åtgärd"), blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("synpunkt")
        verbose_name_plural = _("synpunkter")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.comment[:40]}"


class ChecklistSearchDoc(models.Model):
    """A published version as the database search sees it: processed terms per field.

    The terms come from `checklists.search.text`; the search holds them in memory with an
    inverted index (`search.database`), the same on both databases. (Migration 0002 gave them a
    database full-text index, which 0006 removed when the candidates moved to memory.)
    """

    version = models.OneToOneField(
        ChecklistVersion, on_delete=models.CASCADE, primary_key=True, related_name="search_doc"
    )
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    public = models.BooleanField(default=False)
    title_terms = models.TextField(blank=True)
    question_terms = models.TextField(blank=True)
    keyword_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["indexed_at"])]

    def __str__(self) -> str:
        return f"search doc {self.version_id}"


class SynonymGroup(models.Model):
    """One group of the municipality's thesaurus (synonymordlista): the preferred term the
    checklists use and the citizens' words for it — colloquial words, old official names,
    abbreviations — optionally only within one KKiK subject area (by its code)."""

    preferred = models.CharField(_("föredragen term"), max_length=100)
    variants = models.TextField(_("varianter"), help_text=_("En per rad."))
    subject_area = models.CharField(
        _("KKiK-område"), max_length=40, blank=True, help_text=_("Kod; tomt = alla områden.")
    )
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["preferred", "subject_area"]
        verbose_name = _("synonymgrupp")
        verbose_name_plural = _("synonymordlista")
        constraints = [
            models.UniqueConstraint(
                fields=["preferred", "subject_area"], name="synonym_group_unique_preferred"
            )
        ]

    def __str__(self) -> str:
        return self.preferred

    @property
    def variant_list(self) -> list[str]:
        return [line.strip() for line in self.variants.splitlines() if line.strip()]


class SearchTermUse(models.Model):
    """One term of the search that led an agent to a checklist they then used on a case: what
    the search learns from (issue 8). Written with the use by `services.checklist_use`, from the
    search text with personal data removed; deleted with the use, that is with the case."""

    use = models.ForeignKey(ChecklistUse, on_delete=models.CASCADE, related_name="terms")
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=100)  # as indexed (`search.text.normalise`)
    word = models.CharField(max_length=100)  # as typed, lower case (shown to team leads)
    day = models.DateField()

    class Meta:
        indexes = [
            # The ranking reads (term, day) → checklist only: an index-only scan on PostgreSQL.
            models.Index(fields=["term", "day", "checklist"], name="search_term_use_lookup"),
        ]
        constraints = [models.UniqueConstraint(fields=["use", "term"], name="search_term_use_once")]

    def __str__(self) -> str:
        return f"{self.word} → {self.checklist_id}"


class SynonymSuggestionRejection(models.Model):
    """A team lead said no to suggesting this term for this checklist again."""

    term = models.CharField(max_length=100)
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["term", "checklist"], name="synonym_suggestion_rejected_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} ↛ {self.checklist_id}"


class LearnedTerm(models.Model):
    """All choices of a checklist for one term, summed with their decay built in (ADR 0010):
    each choice on day d adds 2^((d − EPOCH) / half-life), so the sum times
    2^(−(today − EPOCH) / half-life) is Σ 0.5^(age / half-life) without touching old rows.
    Kept by `learning` in step with `SearchTermUse` (inserted with a use, subtracted when a use
    is deleted with its case; `manage.py rebuild_learning` recomputes it)."""

    term = models.CharField(max_length=100)
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "checklist"], name="learned_term_once")
        ]
        indexes = [
            # A term's most chosen checklists first, answered from the index alone.
            models.Index(fields=["term", "-weight", "checklist"], name="learned_term_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.checklist_id}"


class LearnedTermTotal(models.Model):
    """A term's `LearnedTerm` weights summed over all checklists (kept with them), so a search
    reads only a term's most chosen checklists and still knows each one's share."""

    term = models.CharField(max_length=100, unique=True)
    weight = models.FloatField()

    def __str__(self) -> str:
        return self.term
