"""E-mail as the contact centre receives and sends it (ADR 0009).

Every message fetched from the mailbox or sent from a case is one `MailMessage`, whether or not it
became a contact: citizen mail becomes an inbound `email` contact on a case; auto-replies,
bounces, read receipts, bulk mail and spam are recorded but never create a case that counts in
the KKiK e-mail measure; a bounce marks the reply it bounced as not delivered. Acknowledgements
are recorded on the case but are no contact, so they never count as the reply or the first
response. Deduplication: one inbound message per Message-ID, or per content hash when the
message has none.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Contact


class MailDirection(models.TextChoices):
    IN = "in", _("Inkommande")
    OUT = "out", _("Utgående")


class MailKind(models.TextChoices):
    CITIZEN = "citizen", _("Från medborgare")
    AUTO_REPLY = "auto_reply", _("Autosvar")
    BOUNCE = "bounce", _("Studsat meddelande")
    READ_RECEIPT = "read_receipt", _("Läskvitto")
    BULK = "bulk", _("Massutskick")
    SPAM = "spam", _("Skräppost")
    REPLY = "reply", _("Svar till medborgare")
    ACKNOWLEDGEMENT = "ack", _("Mottagningsbekräftelse")


class Delivery(models.TextChoices):
    NONE = "", _("–")
    SENT = "sent", _("Skickat")
    NOT_DELIVERED = "not_delivered", _("Kom inte fram")


class MailMessage(models.Model):
    direction = models.CharField(max_length=3, choices=MailDirection.choices)
    kind = models.CharField(max_length=12, choices=MailKind.choices)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    content_hash = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="mail"
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="mail"
    )
    # A case reference seen in the text but not as the exact subject tag: the agent confirms it.
    suggested_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_reply_to = models.TextField(blank=True)  # message ids, space-separated
    references = models.TextField(blank=True)
    subject = models.TextField(blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.TextField(blank=True)
    cc = models.TextField(blank=True)
    # Inbound: when it reached the municipality (Received: headers, ADR 0009); outbound: sent.
    at = models.DateTimeField()
    date_header = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)  # sanitised
    dropped_attachments = models.TextField(blank=True)  # "name: why" per line
    delivery = models.CharField(max_length=14, choices=Delivery.choices, blank=True)
    delivery_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("e-postmeddelande")
        verbose_name_plural = _("e-postmeddelanden")
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "message_id"],
                condition=~Q(message_id=""),
                name="mail_one_per_message_id",
            ),
            models.UniqueConstraint(
                fields=["direction", "content_hash"],
                condition=Q(message_id="") & ~Q(content_hash=""),
                name="mail_one_per_content_without_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.message_id or self.content_hash[:12]}"


class MailboxState(models.Model):
    """What the fetcher knows of one IMAP folder: its UIDVALIDITY and when it last worked."""

    mailbox = models.CharField(max_length=300, unique=True)  # user@host/folder
    uidvalidity = models.BigIntegerField(null=True)
    last_attempt_at = models.DateTimeField(null=True)
    last_success_at = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.mailbox


class QuarantinedMail(models.Model):
    """A message that failed to process: retried a bounded number of times, then moved to the
    quarantine folder; the team lead sees it with its error."""

    mailbox = models.CharField(max_length=300)
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id = models.CharField(max_length=998, blank=True)
    subject = models.TextField(blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    error = models.TextField()
    attempts = models.PositiveSmallIntegerField(default=1)
    first_failed_at = models.DateTimeField()
    last_failed_at = models.DateTimeField()
    moved_at = models.DateTimeField(null=True, blank=True)  # to the quarantine folder
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_failed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailbox", "uidvalidity", "uid"], name="quarantine_one_per_uid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.uid}: {self.error[:60]}"


class ReplyTemplate(models.Model):
    """A ready answer an agent inserts into an e-mail reply and edits before sending: for a
    checklist (offered on cases that used it), for a service, or for every case when neither is
    set."""

    name = models.CharField(_("namn"), max_length=200)
    service = models.ForeignKey(
        "cases.Service",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        verbose_name=_("tjänst"),
    )
    checklist = models.ForeignKey(
        "checklists.Checklist",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        verbose_name=_("checklista"),
    )
    text = models.TextField(_("text"))
    active = models.BooleanField(_("aktiv"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("svarsmall")
        verbose_name_plural = _("svarsmallar")

    def __str__(self) -> str:
        return self.name
