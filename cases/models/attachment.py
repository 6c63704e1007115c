"""Files that belong to a case: documents the agent attaches when handing it over (and, later,
e-mail attachments). Stored through Django's storage API outside any served directory."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from cases.models.escalation import Escalation


def attachment_path(instance: "Attachment", filename: str) -> str:
    # A random name on disk: the citizen's file name is kept in `name` only, so nothing a user
    # typed becomes part of a path.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ärende")
    )
    escalation = models.ForeignKey(
        Escalation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("överlämning"),
    )
    file = models.FileField(_("fil"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.name
