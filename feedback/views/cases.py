"""Staff pages of feedback cases: the list and its export, intake, the case page and every act on a case."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cxcenter import services as core_services
from cxcenter.decisions import state_change_view
from cxcenter.errors import DomainError
from cxcenter.roles import ALL_STAFF, has_role, role_required
from cxcenter.selectors import timeline_for
from feedback import exports
from feedback.forms import (
    AttachmentForm,
    CaseForm,
    CaseHandlingForm,
    CaseHandOverForm,
    CaseNoteForm,
    CaseReopenForm,
    ConfirmationForm,
    ReferralForm,
    ReferralReplyForm,
)
from feedback.models import Case, Referral
from feedback.permissions import CASE_READERS, CASE_RECORDERS, CASE_SUPERVISORS, ensure_can_change
from feedback.selectors import cases as selectors
from feedback.services import attachments as attachment_services
from feedback.services import cases as services
from feedback.services import closure
from feedback.services.attachments import AttachmentError
from feedback.services.cases import CaseError


@role_required(*CASE_READERS)
def case_list(request):
    case_filter, page = selectors.case_page(request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": case_filter,
        "page": page,
        "cases": list(page.object_list),
        "query": query.urlencode(),
        "now": timezone.now(),
        "can_create": has_role(request.user, *CASE_RECORDERS),
    }
    return render(request, "feedback/case_list.html", context)


@role_required(*CASE_READERS)
@require_POST
def case_export(request):
    """The list as filtered: small ones download at once, large ones are built by a task (their page polls)."""
    cases = selectors.case_filter(request.user, request.GET).qs
    if cases.count() <= settings.CX_EXPORT_DIRECT_MAX_ROWS:
        return exports.cases_workbook(cases)
    export = core_services.request_export(
        actor=request.user,
        kind=exports.CASES_EXPORT,
        params={
            "filters": {name: value for name, value in request.GET.items() if name != "page"},
            "language": translation.get_language(),
            "back_url": reverse("feedback:case-list"),
            "back_label": _("Feedback cases"),
        },
        filename=exports.cases_filename(),
        readers=CASE_READERS,
        title=_("Feedback cases"),
    )
    return redirect("export-detail", export.pk)


@role_required(*CASE_RECORDERS)
def case_create(request):
    form = CaseForm(request.POST or None, customers=selectors.customer_choices(request.user))
    if form.is_valid():
        try:
            case = services.record_case(actor=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            done = _("Case %(number)s recorded; you own it until it is closed.") % {"number": case.number}
            messages.success(request, done)
            return redirect(case)
    return render(request, "feedback/case_form.html", {"form": form}, status=400 if form.errors else 200)


@role_required(*CASE_READERS)
def case_detail(request, pk):
    return render_case(request, selectors.get_case_for(request.user, pk))


def render_case(request, case, *, status: int = 200, **forms):
    """The case page; after a refused action, with status 400, the message and the form as it was sent."""
    actions = selectors.case_actions(request.user, case)
    context = {
        "case": case,
        "actions": actions,
        "clock": selectors.sla_clock(case, settings.CX_CASE_SLA_HOURS[case.severity]),
        "referrals": selectors.case_referrals(case),
        "attachments": selectors.case_attachments(case),
        "timeline": timeline_for(case),
        "handling_form": CaseHandlingForm(instance=case) if actions.edit else None,
        "note_form": CaseNoteForm(),
        "referral_form": ReferralForm(),
        "reply_form": ReferralReplyForm(),
        "attachment_form": AttachmentForm(),
        "answer_form": ConfirmationForm() if actions.record_answer else None,
        "reopen_form": CaseReopenForm() if actions.reopen else None,
        "hand_over_form": CaseHandOverForm(owners=selectors.case_owner_choices()) if actions.hand_over else None,
        "max_attachment_bytes": settings.CX_ATTACHMENT_MAX_BYTES,
        **forms,
    }
    return render(request, "feedback/case_detail.html", context, status=status)


def refused(request, case, message: str, **forms):
    """A rule broken or bad input: the case page again with the reason, status 400."""
    messages.error(request, message)
    return render_case(request, case, status=400, **forms)


@role_required(*CASE_RECORDERS)
def case_edit(request, pk):
    case = selectors.get_case_for(request.user, pk)
    ensure_can_change(request.user, case)
    form = CaseForm(request.POST or None, instance=case, customers=selectors.customer_choices(request.user))
    if form.is_valid():
        try:
            services.update_case(case_id=case.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Case saved."))
            return redirect(case)
    return render(request, "feedback/case_form.html", {"form": form, "case": case}, status=400 if form.errors else 200)


def posted_form(form_class, request, **kwargs):
    """A form posted from the case page, validated."""
    return form_class(request.POST, **kwargs)


def form_errors(form) -> str:
    return " ".join(str(error) for field_errors in form.errors.values() for error in field_errors)


def run(request, case, call, success_message, **forms):
    """Run one service call for a case page's button; a rule broken gives the page again with the reason."""
    try:
        call()
    except DomainError as error:
        return refused(request, case, str(error), **forms)
    messages.success(request, success_message)
    return redirect(case)


@require_POST
@role_required(*CASE_RECORDERS)
def case_handling(request, pk):
    case = selectors.get_case_for(request.user, pk)
    ensure_can_change(request.user, case)
    form = CaseHandlingForm(request.POST, instance=case)
    if not form.is_valid():
        return refused(request, case, _("Please correct the handling below."), handling_form=form)
    return run(
        request,
        case,
        lambda: services.record_handling(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Handling saved."),
        handling_form=form,
    )


def case_action(service, success_message, *, roles=CASE_RECORDERS):
    """A button's view running one state change with an optional comment; a refusal shows the case page again."""
    view = state_change_view(
        service, success_message, load=selectors.get_case_for, id_name="case_id", with_comment=True, refused=refused
    )
    return role_required(*roles)(view)


case_acknowledge = case_action(services.acknowledge_case, gettext_lazy("The customer has been acknowledged."))
case_investigate = case_action(services.start_investigation, gettext_lazy("Investigation under way."))
case_start_action = case_action(services.start_action, gettext_lazy("Countermeasures under way."))


@require_POST
@role_required(*CASE_RECORDERS)
def case_take(request, pk):
    case = selectors.get_case_for(request.user, pk)
    return run(
        request,
        case,
        lambda: services.take_case(case_id=case.pk, actor=request.user),
        _("You own case %(number)s now.") % {"number": case.number},
    )


@require_POST
@role_required(*CASE_RECORDERS)
def case_send_resolution(request, pk):
    case = selectors.get_case_for(request.user, pk)
    if closure.customer_email(case):
        done = _("Resolution sent: the customer is asked by e-mail whether they are satisfied.")
    else:
        done = _("Resolution recorded. Phone the customer, tell them the result and record their answer below.")
    return run(request, case, lambda: closure.send_resolution(case_id=case.pk, actor=request.user), done)


@require_POST
@role_required(*CASE_RECORDERS)
def case_close(request, pk):
    case = selectors.get_case_for(request.user, pk)
    return run(
        request,
        case,
        lambda: closure.close_without_confirmation(case_id=case.pk, actor=request.user),
        _("Case closed."),
    )


@require_POST
@role_required(*CASE_RECORDERS)
def case_phone_confirmation(request, pk):
    case = selectors.get_case_for(request.user, pk)
    form = posted_form(ConfirmationForm, request)
    if not form.is_valid():
        return refused(request, case, form_errors(form), answer_form=form)

    def record():
        updated = closure.record_phone_confirmation(case_id=case.pk, actor=request.user, **form.cleaned_data)
        if updated.status != Case.Status.CLOSED:
            messages.warning(request, _("The customer is not satisfied: the case is open again."))

    return run(request, case, record, _("The customer's answer is recorded."))


@require_POST
@role_required(*CASE_RECORDERS)
def case_reopen(request, pk):
    case = selectors.get_case_for(request.user, pk)
    form = posted_form(CaseReopenForm, request)
    if not form.is_valid():
        return refused(request, case, form_errors(form), reopen_form=form)
    return run(
        request,
        case,
        lambda: closure.reopen_case(case_id=case.pk, actor=request.user, comment=form.cleaned_data["comment"]),
        _("Case reopened."),
    )


@require_POST
@role_required(*CASE_SUPERVISORS)
def case_hand_over(request, pk):
    case = selectors.get_case_for(request.user, pk)
    form = posted_form(CaseHandOverForm, request, owners=selectors.case_owner_choices())
    if not form.is_valid():
        return refused(request, case, form_errors(form), hand_over_form=form)
    return run(
        request,
        case,
        lambda: services.hand_over_case(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Case handed over to %(owner)s.") % {"owner": form.cleaned_data["new_owner"]},
    )


@require_POST
@role_required(*CASE_RECORDERS)
def case_note(request, pk):
    case = selectors.get_case_for(request.user, pk)
    form = posted_form(CaseNoteForm, request)
    if not form.is_valid():
        return refused(request, case, form_errors(form), note_form=form)
    return run(
        request,
        case,
        lambda: services.add_follow_up(case_id=case.pk, actor=request.user, note=form.cleaned_data["note"]),
        _("Follow-up note added."),
    )


@require_POST
@role_required(*CASE_RECORDERS)
def case_refer(request, pk):
    case = selectors.get_case_for(request.user, pk)
    form = posted_form(ReferralForm, request)
    if not form.is_valid():
        return refused(request, case, form_errors(form), referral_form=form)
    return run(
        request,
        case,
        lambda: services.refer_case(case_id=case.pk, actor=request.user, **form.cleaned_data),
        _("Referred to %(department)s.") % {"department": form.cleaned_data["department"]},
    )


@require_POST
@role_required(*CASE_RECORDERS)
def referral_reply(request, pk):
    referral = get_object_or_404(Referral.objects.only("pk", "case_id"), pk=pk)
    case = selectors.get_case_for(request.user, referral.case_id)
    form = posted_form(ReferralReplyForm, request)
    if not form.is_valid():
        return refused(request, case, form_errors(form))
    return run(
        request,
        case,
        lambda: services.record_referral_reply(referral_id=referral.pk, actor=request.user, **form.cleaned_data),
        _("The department's reply is recorded."),
    )


@require_POST
@role_required(*CASE_RECORDERS)
def attachment_upload(request, pk):
    case = selectors.get_case_for(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return refused(request, case, _("Choose a file to attach."))
    try:
        attachment = attachment_services.add_attachment(actor=request.user, file=form.cleaned_data["file"], case=case)
    except AttachmentError as error:
        return refused(request, case, str(error))
    messages.success(request, _("“%(name)s” attached.") % {"name": attachment.original_name})
    return redirect(case)


@role_required(*ALL_STAFF)
def attachment_download(request, pk):
    attachment = selectors.get_attachment_for(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
