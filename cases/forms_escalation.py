"""Forms for handing a case over and for the department's actions on it. They parse and show
input; the rules live in `cases.services` (escalation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import selectors, services
from cases.forms import DomainErrorFormMixin, rosa_choices
from cases.models import Case, Channel, Department, Escalation, Priority, RosaLevel, Unit

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.department.name})"


class EscalateForm(DomainErrorFormMixin, forms.Form):
    """The agent's hand-over: to whom, what was asked, what the citizen was promised."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    unit = UnitChoiceField(
        label=_("Överlämna till enhet"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label=_("– välj enhet –"),
    )
    question = forms.CharField(
        label=_("Medborgarens fråga"), widget=forms.Textarea(attrs={"rows": 3})
    )
    told_citizen = forms.CharField(
        label=_("Vad medborgaren har fått veta"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    callback_channel = forms.ChoiceField(
        label=_("Återkoppling via"),
        choices=services.CALLBACK_CHANNEL_CHOICES,
    )
    callback_to = forms.CharField(
        label=_("Telefonnummer eller adress"),
        required=False,
        max_length=200,
        help_text=_("Tomt = medborgarens nummer eller e-postadress på ärendet."),
    )
    callback_due = forms.DateTimeField(
        label=_("Återkoppling senast"),
        required=False,
        widget=DATETIME_LOCAL,
        help_text=_("Tomt = tjänstens frist i arbetsdagar från nu."),
    )
    priority = forms.ChoiceField(
        label=_("Prioritet"), choices=Priority.choices, initial=Priority.NORMAL
    )
    note = forms.CharField(
        label=_("Anteckning till förvaltningen"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    attachments = MultipleFileField(
        label=_("Bilagor"),
        required=False,
        help_text=_(
            "Till exempel ritningar eller ett brev från medborgaren (högst 25 MB per fil)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["attachments"].help_text = _(
            "Till exempel ritningar eller ett brev från medborgaren (högst %(mb)s MB per fil)."
        ) % {"mb": limit}
        units = Unit.objects.filter(active=True, department__active=True)
        self.fields["unit"].queryset = units.select_related("department")  # type: ignore[attr-defined]


def escalate_initial(case: Case, checklist_target: str = "") -> dict[str, Any]:
    """What the agent would most likely fill in: the routed unit, the service's deadline, the
    citizen's own number."""
    unit = selectors.unit_suggest(case, checklist_target)
    citizen = case.citizen
    channel = Channel.EMAIL if citizen and citizen.email and not citizen.phone else Channel.PHONE
    initial: dict[str, Any] = {
        "version": case.version,
        "question": case.summary,
        "callback_channel": channel,
    }
    if unit is not None:
        due = services.escalation_default_due(
            received=timezone.now(),
            working_days=(
                case.service.callback_working_days
                if case.service is not None and case.service.department_id == unit.department_id
                else services.DEFAULT_CALLBACK_WORKING_DAYS
            ),
        )
        initial["unit"] = unit.code
        initial["callback_due"] = timezone.localtime(due)
    return initial


class EscalationVersionForm(DomainErrorFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class _DepartmentForm(EscalationVersionForm):
    """An action form whose choices depend on the escalation's department."""

    def __init__(self, *args: Any, escalation: Escalation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.escalation = escalation
        self.setup(escalation.department)

    def setup(self, department: Department) -> None:
        pass


def department_staff(department: Department) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True)
        .filter(Q(staff_profile__department=department) | Q(units__department=department))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class ReassignForm(_DepartmentForm):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), to_field_name="code", required=False
    )
    owner = StaffChoiceField(
        label=_("Kollega"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("– ingen särskild (ny på enheten) –"),
    )

    def setup(self, department: Department) -> None:
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            department=department, active=True
        )
        self.fields["unit"].empty_label = None  # type: ignore[attr-defined]
        self.fields["owner"].queryset = department_staff(department)  # type: ignore[attr-defined]
        self.initial.setdefault("unit", self.escalation.unit.code)


class ContactCitizenForm(EscalationVersionForm):
    channel = forms.ChoiceField(label=_("Kanal"), choices=Channel.choices, initial=Channel.PHONE)
    occurred_at = forms.DateTimeField(
        label=_("Tidpunkt"), required=False, widget=DATETIME_LOCAL, help_text=_("Tomt = nu.")
    )
    text = forms.CharField(
        label=_("Vad medborgaren fick veta"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnForm(EscalationVersionForm):
    answer = forms.CharField(
        label=_("Svar som kundtjänst ger medborgaren"), widget=forms.Textarea(attrs={"rows": 4})
    )


class DecisionForm(EscalationVersionForm):
    decision = forms.CharField(label=_("Beslut"), widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)
    application_on = forms.DateField(
        label=_("Ansökningsdatum"),
        required=False,
        widget=DATE,
        help_text=_("Om förvaltningen registrerar när ansökan kom in."),
    )


class CloseForm(EscalationVersionForm):
    rosa_level = forms.TypedChoiceField(
        label=_("ROSA-nivå"), coerce=int, choices=rosa_choices(max(RosaLevel.values))
    )
    note = forms.CharField(
        label=_("Svar/lösning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InboxFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Visa"),
        required=False,
        choices=[(key, label) for key, (label, _condition) in selectors.INBOX_STATES.items()]
        + [("all", _("Alla"))],
    )
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Enhet"),
        queryset=Unit.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Alla enheter"),
    )
    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("Alla förvaltningar"),
    )
    mine = forms.BooleanField(label=_("Bara mina"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], show_departments: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if show_departments:
            self.fields["department"].queryset = Department.objects.order_by("name")  # type: ignore[attr-defined]
        else:
            del self.fields["department"]
