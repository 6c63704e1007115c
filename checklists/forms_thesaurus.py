"""Forms of the team lead's thesaurus (synonymordlista) pages: they parse and show input; the
rules (term length, duplicates, known subject areas, who may edit) live in checklists.thesaurus.

Variants are edited as plain text, one per line, so nothing typed is lost when the form comes
back with an error.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.forms import DomainErrorFormMixin
from cases.selectors import subject_areas
from checklists.models import SynonymGroup
from checklists.selectors.thesaurus import GENERAL_AREA

IMPORT_MAX_BYTES = 5 * 1024 * 1024


def _area_choices(
    blank_label: Any, *, extra: list[tuple[str, Any]] | None = None
) -> list[tuple[str, Any]]:
    return [
        ("", blank_label),
        *(extra or []),
        *((area.code, area.name) for area in subject_areas()),
    ]


class ErrorSummaryMixin:
    """The entries of the error summary at the top of the page: (anchor id, message) per error
    of a visible field, in the order of the fields; a message of several lines is summarised by
    its first (the same idea as channels_app.web.forms.ErrorSummaryMixin). Errors of hidden
    fields have nothing to link to: the summary shows them as text."""

    def error_summary(self) -> list[tuple[str, str]]:
        form: forms.Form = self  # type: ignore[assignment]
        entries: list[tuple[str, str]] = []
        for name in form.fields:
            bound = form[name]
            if name in form.errors and not bound.is_hidden:
                entries.extend(
                    (bound.auto_id, str(message).splitlines()[0]) for message in bound.errors
                )
        return entries


class ThesaurusFilterForm(forms.Form):
    q = forms.CharField(label=_("Sök term"), required=False, max_length=100)
    area = forms.ChoiceField(label=_("Område"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _area_choices(  # type: ignore[attr-defined]
            _("Alla områden"), extra=[(GENERAL_AREA, _("Gäller alla områden"))]
        )


class SynonymGroupForm(ErrorSummaryMixin, DomainErrorFormMixin, forms.Form):
    """A new group, or an edit of one (then `updated_at`, the version read, must come back)."""

    updated_at = forms.DateTimeField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Formuläret saknar gruppens ändringstid. Läs in sidan igen."),
            "invalid": _("Formuläret saknar gruppens ändringstid. Läs in sidan igen."),
        },
    )
    preferred = forms.CharField(
        label=_("Föredragen term"),
        help_text=_("Ordet checklistorna använder, t.ex. ”förskola”."),
        error_messages={"required": _("Skriv den föredragna termen.")},
    )
    variants = forms.CharField(
        label=_("Varianter"),
        help_text=_("En per rad: medborgarnas ord, gamla namn och förkortningar."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Skriv minst en variant (en per rad).")},
    )
    subject_area = forms.ChoiceField(
        label=_("KKiK-område"),
        required=False,
        help_text=_("Välj ett område om orden bara betyder samma sak där."),
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=300,
        help_text=_("Varför gruppen finns, för den som ändrar den senare."),
    )

    def __init__(self, *args: Any, group: SynonymGroup | None = None, **kwargs: Any) -> None:
        if group is not None:
            kwargs.setdefault("initial", self.initial_for(group))
        super().__init__(*args, **kwargs)
        extra = []
        if group is not None and group.subject_area:
            # An imported group may name an area this municipality does not have: show it as
            # it is rather than silently moving the group to "all areas" on save.
            known = subject_areas().filter(code=group.subject_area).exists()
            if not known:
                extra = [
                    (
                        group.subject_area,
                        _("%(code)s (okänt område)") % {"code": group.subject_area},
                    )
                ]
        self.fields["subject_area"].choices = _area_choices(  # type: ignore[attr-defined]
            _("Gäller alla områden"), extra=extra
        )
        if group is not None:
            self.fields["updated_at"].required = True
        # Room for every variant, so none hides below the fold of the box.
        shown = self.data.get("variants") if self.is_bound else self.initial.get("variants")
        lines = str(shown or "").count("\n") + 2
        self.fields["variants"].widget.attrs["rows"] = min(max(lines, 6), 20)

    @staticmethod
    def initial_for(group: SynonymGroup) -> dict[str, object]:
        return {
            # ISO with microseconds: the widget's default format would drop them, and the
            # conflict check compares exactly.
            "updated_at": group.updated_at.isoformat(),
            "preferred": group.preferred,
            "variants": "\n".join(group.variant_list),
            "subject_area": group.subject_area,
            "note": group.note,
        }

    def clean_variants(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["variants"].splitlines() if line.strip()]


class SynonymGroupDeleteForm(forms.Form):
    updated_at = forms.DateTimeField(widget=forms.HiddenInput)


class ThesaurusImportForm(ErrorSummaryMixin, DomainErrorFormMixin, forms.Form):
    # The import's refusals are all about the file, also those that name no field.
    domain_field_names = {"": "file"}

    file = forms.FileField(
        label=_("Fil"),
        help_text=_("En synonymordlista i JSON, som den som exporteras härifrån."),
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
        error_messages={"required": _("Välj filen att importera.")},
    )
    replace = forms.BooleanField(
        label=_("Ersätt hela ordlistan"),
        required=False,
        help_text=_("Grupper som inte finns i filen tas bort."),
    )

    def clean_file(self) -> Any:
        """The file's JSON; its content is checked by the import, all or nothing."""
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Filen är för stor (högst %(mb)s MB)."),
                code="file-too-large",
                params={"mb": IMPORT_MAX_BYTES // (1024 * 1024)},
            )
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("Filen är inte sparad som UTF-8."), code="file-encoding"
            ) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Filen är inte giltig JSON (rad %(line)s: %(problem)s)."),
                code="file-json",
                params={"line": exc.lineno, "problem": exc.msg},
            ) from exc

    def problems(self) -> list[str]:
        """The file's errors line by line: the import names each bad group on a line of its
        own, after a first line that says nothing was imported."""
        return [
            line
            for message in self.errors.get("file", [])
            for line in str(message).splitlines()
            if line.strip()
        ]

    def error_summary(self) -> list[tuple[str, str]]:
        entries = super().error_summary()
        problems = self.problems()
        if len(problems) > 1:
            summary = gettext("Inget importerades: filen har %(count)s fel.") % {
                "count": len(problems) - 1
            }
            entries = [(self["file"].auto_id, summary)] + [
                entry for entry in entries if entry[0] != self["file"].auto_id
            ]
        return entries
