"""Form pieces every app's filters share."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DateRangeForm(forms.Form):
    """ "Från"/"Till" dates (local), both optional; a reversed range is an error on "Till"."""

    date_from = forms.DateField(
        label=_("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Slutdatum ligger före startdatum."))
        return data
