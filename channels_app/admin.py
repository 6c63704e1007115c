from django.contrib import admin
from django.http import HttpRequest

from channels_app.models import MailMessage, QuarantinedMail, ReplyTemplate


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "service", "checklist", "active", "updated_at")
    list_filter = ("active", "service__department")
    search_fields = ("name", "text")


@admin.register(MailMessage)
class MailMessageAdmin(admin.ModelAdmin):
    """Read only: the record of what came in and went out."""

    list_display = ("at", "direction", "kind", "from_address", "subject", "case", "delivery")
    list_filter = ("direction", "kind", "delivery")
    search_fields = ("message_id", "from_address", "subject")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(admin.ModelAdmin):
    list_display = ("last_failed_at", "from_address", "subject", "attempts", "moved_at")
    search_fields = ("subject", "from_address", "error")
