"""The agent's side of e-mail: reply from a case; the team lead's mailbox health page."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import permissions, selectors
from cases.models import Case
from channels_app.mail.forms import ReplyForm
from channels_app.mail.outbound import reply_send
from channels_app.mail.selectors import case_reply_address, mailbox_health
from kundtjanst import roles
from kundtjanst.errors import DomainError
from kundtjanst.http import AuthenticatedHttpRequest


def _case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    try:
        return selectors.case_get(request.user, reference)
    except Case.DoesNotExist as exc:
        raise Http404(_("Ärendet finns inte eller är inte ditt att se.")) from exc


@require_POST
def case_reply(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Send the reply; on any error the page comes back with the text kept and the error named."""
    case = _case(request, reference)
    form = ReplyForm(request.POST, case=case)
    if not permissions.can_work_on(request.user, case):
        return render(request, "cases/not_allowed.html", status=403)
    if "insert" in request.POST:
        return _with_template(request, case, form)
    if form.is_valid():
        try:
            reply_send(
                case=case,
                by=request.user,
                text=form.cleaned_data["text"],
                to=form.cleaned_data["to"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request, _("Svaret skickades till %(to)s.") % {"to": form.cleaned_data["to"]}
            )
            return redirect("cases:detail", reference=case.reference)
    return render(request, "channels_app/reply.html", {"case": case, "form": form}, status=422)


def _with_template(request: AuthenticatedHttpRequest, case: Case, form: ReplyForm) -> HttpResponse:
    """Insert the chosen template at the end of the text; nothing is sent (works without JS)."""
    data = request.POST.copy()
    chosen = (
        form.fields["template"]
        .queryset.filter(  # type: ignore[attr-defined]
            pk=request.POST.get("reply-template") or 0
        )
        .first()
    )
    if chosen is not None:
        text = data.get("reply-text", "").rstrip()
        data["reply-text"] = f"{text}\n\n{chosen.text}".strip() if text else chosen.text
    data["reply-template"] = ""
    return render(
        request,
        "channels_app/reply.html",
        {"case": case, "form": ReplyForm(data, case=case), "inserted": chosen},
    )


def mail_status(request: AuthenticatedHttpRequest) -> HttpResponse:
    """When the mailbox was last fetched, what is in quarantine, what was filtered out."""
    if not roles.has_role(request.user, roles.TEAM_LEAD, roles.MANAGER):
        return render(request, "cases/not_allowed.html", status=403)
    return render(request, "channels_app/mail_status.html", {"health": mailbox_health()})


def reply_form_for(case: Case) -> ReplyForm:
    return ReplyForm(initial={"to": case_reply_address(case)}, case=case)
