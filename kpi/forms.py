from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Department
from kundtjanst.forms import DateRangeForm


class PeriodForm(DateRangeForm):
    """A period and, optionally, one department."""

    department = forms.ModelChoiceField(
        label=_("Förvaltning"),
        queryset=Department.objects.order_by("name"),
        required=False,
        to_field_name="code",
        empty_label=_("Alla"),
    )


class DashboardForm(PeriodForm):
    """The dashboard's period (default: this year) and department."""


class MeasureCasesForm(PeriodForm):
    measure = forms.ChoiceField(choices=[(m, m) for m in ("email", "phone", "direct", "courtesy")])
    part = forms.CharField(required=False, max_length=20)
