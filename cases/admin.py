from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    Case,
    Citizen,
    Contact,
    Department,
    Escalation,
    ReminderDigest,
    Service,
    StaffProfile,
    SubjectArea,
    Unit,
)


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]


@admin.register(SubjectArea)
class SubjectAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    """Units receive escalations; members see them in their inbox and get the reminders."""

    list_display = ["code", "name", "department", "email", "active"]
    list_filter = ["department", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "name",
        "department",
        "subject_area",
        "escalation_unit",
        "callback_working_days",
        "active",
    ]
    list_filter = ["department", "subject_area", "active"]
    search_fields = ["code", "name"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Cases and contacts change only through cases.services (the workspace and the API)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "summary", "status", "channel", "department", "created_at"]
    list_filter = ["status", "channel", "department"]
    search_fields = ["reference", "summary"]
    list_select_related = ["department"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ["case", "channel", "direction", "occurred_at", "answered_at"]
    list_select_related = ["case"]


@admin.register(Citizen)
class CitizenAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "phone"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["case", "unit", "status", "callback_due", "callback_at", "owner"]
    list_filter = ["status", "department", "unit"]
    search_fields = ["case__reference", "question"]
    list_select_related = ["case", "unit", "owner"]


@admin.register(ReminderDigest)
class ReminderDigestAdmin(admin.ModelAdmin):
    """What `send_escalation_reminders` sent: one row per unit and day."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    list_display = ["unit", "day", "sent_at", "escalation_count", "recipients"]
    list_filter = ["day"]
