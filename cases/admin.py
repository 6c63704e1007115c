from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case, Citizen, Contact, Department, Service, StaffProfile, SubjectArea


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]


@admin.register(SubjectArea)
class SubjectAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "department", "subject_area", "active"]
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
