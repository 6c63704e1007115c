"""The channel adapters' own records: e-mail in and out (`mail`), the public web form, status
links and survey invitations (`web`)."""

from channels_app.models.mail import (
    MailboxState,
    MailDirection,
    MailKind,
    MailMessage,
    QuarantinedMail,
    ReplyTemplate,
)
from channels_app.models.web import (
    StatusLink,
    SurveyComment,
    SurveyInvitation,
    WebAttemptKind,
    WebAttemptOutcome,
    WebFormAttempt,
)

__all__ = [
    "MailDirection",
    "MailKind",
    "MailMessage",
    "MailboxState",
    "QuarantinedMail",
    "ReplyTemplate",
    "StatusLink",
    "SurveyComment",
    "SurveyInvitation",
    "WebAttemptKind",
    "WebAttemptOutcome",
    "WebFormAttempt",
]
