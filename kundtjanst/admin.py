from django.contrib import admin

from kundtjanst.models import ClosureDay
from kundtjanst.workdays import closure_day_set


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    """Closure days change deadlines: saving goes through the calendar service, which renumbers
    the calendar table too."""

    list_display = ["date", "reason"]

    def save_model(self, request, obj, form, change):
        if change and "date" in form.changed_data:
            closure_day_set(date=form.initial["date"], closed=False)
        closure_day_set(date=obj.date, reason=obj.reason)
        obj.pk = ClosureDay.objects.get(date=obj.date).pk

    def delete_model(self, request, obj):
        closure_day_set(date=obj.date, closed=False)
