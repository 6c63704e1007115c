"""Forms of the agent workspace: they parse and show input; the rules live in cases.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus, Channel, Department, Direction, RosaLevel, Service
from cases.models.case import CONTACT_CENTRE_MAX_ROSA
from cases.selectors import departments_active, services_active
from checklists.models import ChecklistVersion
from checklists.selectors import published_versions
from kundtjanst.errors import DomainError
from kundtjanst.forms import DateRangeForm

LABEL_SEPARATOR = " – "


def service_label(service: Service) -> str:
    """What the agent sees and types in the service field; unique per service."""
    return f"{service.name}{LABEL_SEPARATOR}{service.department.name}"


class ServiceField(forms.Field):
    """A text field with a datalist: the agent types, picks, and the label resolves to a service."""

    default_error_messages = {
        "unknown": _("Okänd tjänst: ”%(value)s”. Välj en tjänst i listan."),
        "ambiguous": _("”%(value)s” passar flera tjänster. Välj en i listan."),
    }

    def to_python(self, value: Any) -> Service | None:
        text = str(value or "").strip()[:300]
        if not text:
            return None
        name, _sep, department = text.rpartition(LABEL_SEPARATOR)
        if name:  # a label picked from the list: "<service> – <department>"
            labelled = list(
                services_active().filter(name__iexact=name, department__name__iexact=department)
            )
            if len(labelled) == 1:
                return labelled[0]
        matches = list(services_active().filter(Q(code=text) | Q(name__iexact=text))[:2])
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous" if matches else "unknown"
        raise ValidationError(self.error_messages[code], code=code, params={"value": text})


class DomainErrorFormMixin:
    # The service's field name -> this form's field name, where they differ.
    domain_field_names: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        field = self.domain_field_names.get(error.field or "", error.field)
        if field not in self.fields:  # type: ignore[attr-defined]
            field = None
        self.add_error(field, ValidationError(error.message, code=error.code))  # type: ignore[attr-defined]


def rosa_choices(max_level: int) -> list[tuple[int, Any]]:
    return [(value, label) for value, label in RosaLevel.choices if value <= max_level]


class ContactLogForm(DomainErrorFormMixin, forms.Form):
    """ "Ny kontakt": one screen to log a call or visit and resolve it directly or leave it open."""

    ACTION_RESOLVE = "resolve"
    ACTION_OPEN = "open"
    domain_field_names = {
        "personnummer": "citizen_personnummer",
        "name": "citizen_name",
        "phone": "citizen_phone",
        "email": "citizen_email",
    }

    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=Channel.choices,
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )
    service = ServiceField(label=_("Tjänst"), required=False)
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("– ges av tjänsten –"),
    )
    summary = forms.CharField(label=_("Fråga (kort)"), max_length=300)
    resolution_note = forms.CharField(
        label=_("Svar som gavs"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rosa_level = forms.TypedChoiceField(
        label=_("ROSA-nivå"), coerce=int, choices=(), initial=RosaLevel.INFORMATION, required=False
    )
    citizen_name = forms.CharField(label=_("Namn"), required=False, max_length=200)
    citizen_phone = forms.CharField(label=_("Telefon"), required=False, max_length=40)
    citizen_email = forms.EmailField(label=_("E-post"), required=False)
    citizen_personnummer = forms.CharField(label=_("Personnummer"), required=False, max_length=13)
    # Set by the checklist panel: the version the agent followed, and what they searched for.
    checklist_version = forms.ModelChoiceField(
        queryset=ChecklistVersion.objects.none(), required=False, widget=forms.HiddenInput
    )
    search_text = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[(ACTION_RESOLVE, _("Lös direkt")), (ACTION_OPEN, _("Spara som öppet"))],
        initial=ACTION_RESOLVE,
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: object, max_rosa: int = CONTACT_CENTRE_MAX_ROSA, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["department"].queryset = departments_active()  # type: ignore[attr-defined]
        self.fields["rosa_level"].choices = rosa_choices(max_rosa)  # type: ignore[attr-defined]
        self.fields["checklist_version"].queryset = published_versions()  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        # The submit button says which; Enter in a field submits with the first, "Lös direkt".
        data["action"] = data.get("action") or self.ACTION_RESOLVE
        if data["action"] == self.ACTION_RESOLVE and not data.get("rosa_level"):
            self.add_error("rosa_level", _("Välj ROSA-nivå för att lösa ärendet."))
        return data


class ContactAddForm(DomainErrorFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Kanal"), choices=Channel.choices, initial=Channel.PHONE)
    direction = forms.ChoiceField(
        label=_("Riktning"), choices=Direction.choices, initial=Direction.IN
    )
    occurred_at = forms.DateTimeField(
        label=_("Tidpunkt"),
        required=False,
        help_text=_("Tomt = nu."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    abandoned = forms.BooleanField(label=_("Samtalet besvarades inte (avbrutet)"), required=False)
    text = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CaseEditForm(DomainErrorFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(label=_("Sammanfattning"), max_length=300)
    service = ServiceField(label=_("Tjänst"), required=False)
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("– ingen –"),
    )
    notes = forms.CharField(
        label=_("Anteckningar"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["department"].queryset = departments_active()  # type: ignore[attr-defined]


class ResolveForm(DomainErrorFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rosa_level = forms.TypedChoiceField(label=_("ROSA-nivå"), coerce=int, choices=())
    note = forms.CharField(
        label=_("Svar/lösning"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, max_rosa: int = CONTACT_CENTRE_MAX_ROSA, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["rosa_level"].choices = rosa_choices(max_rosa)  # type: ignore[attr-defined]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseFilterForm(DateRangeForm):
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla"))] + list(CaseStatus.choices)
    )
    channel = forms.ChoiceField(
        label=_("Kanal"), required=False, choices=[("", _("Alla"))] + list(Channel.choices)
    )
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Alla"),
    )
    mine = forms.BooleanField(label=_("Bara mina"), required=False)

    def __init__(self, *args: object, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["department"].queryset = Department.objects.order_by("name")  # type: ignore[attr-defined]
