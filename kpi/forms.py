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
