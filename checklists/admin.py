"""Admin for agreements (team leads register them here until the workspace has a form).

Checklists themselves change only through the workspace (checklists.services): their versions,
approvals and publishing rules are not the admin's to bypass, so they are read-only here.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from checklists.models import Agreement, AgreementLine, ChecklistVersion, Feedback, SynonymGroup


class AgreementLineInline(admin.TabularInline):
    model = AgreementLine
    extra = 0
    autocomplete_fields = ["service"]


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["department", "valid_from", "valid_to", "revised_on"]
    list_filter = ["department"]
    inlines = [AgreementLineInline]


@admin.register(ChecklistVersion)
class ChecklistVersionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "number", "status", "rosa_level", "public", "review_by"]
    list_filter = ["status", "public", "checklist__department"]
    search_fields = ["title"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["version", "kind", "by", "at", "resolved_at"]
    list_filter = ["kind"]


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SimpleHistoryAdmin):
    list_display = ["preferred", "subject_area", "updated_at"]
    list_filter = ["subject_area"]
    search_fields = ["preferred", "variants"]
