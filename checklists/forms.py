"""Forms of the department's checklist pages: they parse and show input; the rules live in
checklists.services.

The lists of a checklist (questions, keywords, steps, links …) are edited as plain text, one
item per line (steps: one per paragraph), so a department writes them like a document and
nothing they typed is lost when the form comes back with an error.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.forms import DomainErrorFormMixin, service_label
from cases.models import Department, RosaLevel, Service
from checklists.models import ApprovalRole, ChecklistVersion
from checklists.services import ChecklistContent

TEXT_MAX = 20_000
LINK_SEPARATOR = "|"
BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return service_label(obj)


class ChecklistForm(DomainErrorFormMixin, forms.Form):
    """New checklist (with `services`) or an edit of a version (without: the service stays)."""

    edit_version = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Formuläret saknar checklistans version. Läs in sidan igen."),
            "invalid": _("Formuläret saknar checklistans version. Läs in sidan igen."),
        },
    )
    service = ServiceChoiceField(
        label=_("Tjänst"), queryset=Service.objects.none(), empty_label=_("– välj tjänst –")
    )
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        help_text=_("Som medborgaren skulle säga det, t.ex. ”Braskamin – bygglov eller anmälan?”"),
    )
    questions = forms.CharField(
        label=_("Medborgarens frågor"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("En fråga per rad, med medborgarens egna ord."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    keywords = forms.CharField(
        label=_("Nyckelord"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("Skilj med komma eller ny rad."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    steps = forms.CharField(
        label=_("Svarsmanus"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_(
            "Ett steg per stycke: lämna en tom rad mellan stegen. "
            "Markdown fungerar: **fetstil**, *kursiv*, [länktext](https://…)."
        ),
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    collect = forms.CharField(
        label=_("Uppgifter att samla in"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("En uppgift per rad, t.ex. ”Fastighetsbeteckning”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    links = forms.CharField(
        label=_("Länkar"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("En länk per rad: Rubrik | https://…"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rosa_level = forms.TypedChoiceField(
        label=_("ROSA-nivå"), coerce=int, choices=RosaLevel.choices, initial=RosaLevel.INFORMATION
    )
    escalation_target = forms.CharField(
        label=_("Överlämnas till"),
        required=False,
        max_length=200,
        help_text=_("Enhet eller funktion som tar över när frågan går över överenskommelsen."),
    )
    review_by = forms.DateField(
        label=_("Granskas senast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    public = forms.BooleanField(
        label=_("Publik: visas för medborgare under Frågor och svar (självservice)"),
        required=False,
    )

    def __init__(
        self, *args: Any, services: QuerySet[Service] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if services is None:  # an edit: the service stays, the version read must be sent back
            del self.fields["service"]
            self.fields["edit_version"].required = True
        else:
            del self.fields["edit_version"]
            self.fields["service"].queryset = services  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, version: ChecklistVersion) -> dict[str, object]:
        """The version's content as the text the form shows."""
        return {
            "edit_version": version.edit_version,
            "title": version.title,
            "questions": "\n".join(version.questions),
            "keywords": ", ".join(version.keywords),
            "steps": "\n\n".join(version.steps),
            "collect": "\n".join(version.collect),
            "links": "\n".join(
                f"{link['title']} {LINK_SEPARATOR} {link['url']}" for link in version.links
            ),
            "rosa_level": version.rosa_level,
            "escalation_target": version.escalation_target,
            "review_by": version.review_by,
            "public": version.public,
        }

    def clean_questions(self) -> list[str]:
        return _lines(self.cleaned_data["questions"])

    def clean_keywords(self) -> list[str]:
        words = re.split(r"[,\n]", self.cleaned_data["keywords"])
        return [word.strip() for word in words if word.strip()]

    def clean_steps(self) -> list[str]:
        text = self.cleaned_data["steps"].replace("\r\n", "\n").strip()
        return [step.strip() for step in BLANK_LINE.split(text) if step.strip()]

    def clean_collect(self) -> list[str]:
        return _lines(self.cleaned_data["collect"])

    def clean_links(self) -> list[dict[str, str]]:
        """ "Rubrik | https://…" per line; an error names the line as the writer sees it."""
        links, errors = [], []
        url_ok = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            if not line.strip():
                continue
            title, separator, url = (part.strip() for part in line.rpartition(LINK_SEPARATOR))
            if not separator or not title:
                errors.append(
                    ValidationError(
                        _("Rad %(line)s: skriv en rubrik, ett ”|” och adressen."),
                        code="link-invalid",
                        params={"line": number},
                    )
                )
                continue
            try:
                url_ok(url)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _(
                            "Rad %(line)s: ”%(url)s” är ingen giltig webbadress (börja med https://)."
                        ),
                        code="link-invalid",
                        params={"line": number, "url": url[:100]},
                    )
                )
                continue
            links.append({"title": title, "url": url})
        if errors:
            raise ValidationError(errors)
        return links

    def content(self) -> ChecklistContent:
        data = self.cleaned_data
        return ChecklistContent(
            title=data["title"],
            rosa_level=data["rosa_level"],
            questions=data["questions"],
            keywords=data["keywords"],
            steps=data["steps"],
            collect=data["collect"],
            links=data["links"],
            escalation_target=data["escalation_target"],
            public=data["public"],
            review_by=data["review_by"],
        )


class ApproveForm(forms.Form):
    role = forms.ChoiceField(choices=ApprovalRole.choices)
    # The version the approver read: approving content that changed since is refused.
    edit_version = forms.IntegerField()


class ChecklistFilterForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Alla"),
    )
