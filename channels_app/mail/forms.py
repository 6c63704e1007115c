from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from channels_app.models import ReplyTemplate
from checklists.models import ChecklistUse


class ReplyForm(forms.Form):
    """The agent's e-mail reply (prefixed: it shares the case page with other forms)."""

    prefix = "reply"

    to = forms.EmailField(label=_("Till"), max_length=320)
    text = forms.CharField(
        label=_("Svar"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )
    template = forms.ModelChoiceField(
        label=_("Svarsmall"),
        queryset=ReplyTemplate.objects.none(),
        required=False,
        empty_label=_("Välj en mall att infoga"),
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = ReplyTemplate.objects.filter(active=True)
        if case is not None:
            used = ChecklistUse.objects.filter(case=case).values("version__checklist_id")
            general = Q(service__isnull=True, checklist__isnull=True)
            templates = templates.filter(
                general | Q(service=case.service_id) | Q(checklist__in=used)
            )
        self.fields["template"].queryset = templates.order_by("name")  # type: ignore[attr-defined]
