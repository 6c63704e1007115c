"""`{% case_mail case can_work %}`: the case page's e-mail section (messages in and out, the reply
form), rendered by the channel adapter so `cases` never imports it."""

from typing import Any

from django import template

from cases.models import Case
from channels_app.mail.selectors import case_mail
from channels_app.mail.views import reply_form_for

register = template.Library()


@register.inclusion_tag("channels_app/case_mail.html")
def case_mail_section(case: Case, can_work: bool) -> dict[str, Any]:
    return {
        "case": case,
        "mail": list(case_mail(case)),
        # Files that came with the citizen's mail (hand-over attachments show with the hand-over).
        "files": list(case.attachments.filter(escalation__isnull=True)),
        "can_work": can_work,
        "reply_form": reply_form_for(case) if can_work else None,
    }
