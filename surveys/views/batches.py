"""Invitation batches: choosing customers, sending, following the progress, retrying the failures."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cxcenter.exports import workbook_response
from cxcenter.roles import role_required
from cxcenter.selectors import timeline_for
from surveys.forms import BatchForm
from surveys.invitation_list import COLUMN_LABELS, InvitationListError, read_invitation_list
from surveys.permissions import MILESTONE_WORKERS, SURVEY_READERS
from surveys.selectors import distribution as selectors
from surveys.services import distribution as services
from surveys.services.distribution import BatchError


def query_without(params, *keys) -> str:
    """The current query string without the given keys, for links that change one of them."""
    query = params.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()


@role_required(*SURVEY_READERS)
def batch_list(request):
    batch_filter, page = selectors.batch_page(request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE)
    return render(
        request,
        "surveys/invitationbatch_list.html",
        {
            "filter": batch_filter,
            "page": page,
            "batches": list(page.object_list),
            "query": query_without(request.GET, "page"),
        },
    )


@role_required(*MILESTONE_WORKERS)
def batch_create(request, questionnaire_pk):
    questionnaire = selectors.get_questionnaire_to_send(request.user, questionnaire_pk)
    try:
        services.ensure_can_send(questionnaire)
    except BatchError as error:
        messages.error(request, str(error))
        return redirect(questionnaire)
    audience_filter = selectors.audience_filter(request.POST if request.method == "POST" else request.GET)
    if request.htmx and request.method == "GET":
        audience = selectors.audience(questionnaire, audience_filter.qs)
        return render(request, "surveys/invitationbatch_form.html#audience", {"audience": audience})
    form = BatchForm(request.POST or None, request.FILES or None, initial=selectors.batch_defaults(questionnaire))
    list_errors = []
    if form.is_valid():
        try:
            customers = (
                read_invitation_list(form.cleaned_data["file"])
                if form.cleaned_data["source"] == BatchForm.FILE
                else audience_filter.qs
            )
            batch = services.create_batch(
                questionnaire_id=questionnaire.pk, actor=request.user, customers=customers, **form.batch_fields()
            )
        except InvitationListError as error:
            list_errors = error.errors
        except BatchError as error:
            form.add_error(None, str(error))
        else:
            count = batch.invitations.count()
            messages.success(
                request,
                ngettext(
                    "Batch “%(name)s” created: %(count)d invitation is being sent.",
                    "Batch “%(name)s” created: %(count)d invitations are being sent.",
                    count,
                )
                % {"name": batch.name, "count": count},
            )
            return redirect(batch)
    return render(
        request,
        "surveys/invitationbatch_form.html",
        {
            "questionnaire": questionnaire,
            "form": form,
            "filter": audience_filter,
            "audience": selectors.audience(questionnaire, audience_filter.qs),
            "list_errors": list_errors,
            "batches": selectors.questionnaire_batches(questionnaire),
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(*SURVEY_READERS)
def batch_detail(request, pk):
    batch = selectors.get_batch_for(request.user, pk)
    progress = selectors.batch_progress(batch)
    if request.htmx:
        response = render(
            request, "surveys/invitationbatch_detail.html#progress", {"batch": batch, "progress": progress}
        )
        if not progress.is_active:
            # Sending has just finished: reload once so the failures and the lists show the final state.
            response["HX-Refresh"] = "true"
        return response
    per_page = settings.CX_PAGE_SIZE
    invitation_filter, invitations = selectors.invitation_page(batch, request.GET, request.GET.get("page"), per_page)
    return render(
        request,
        "surveys/invitationbatch_detail.html",
        {
            "batch": batch,
            "progress": progress,
            "failures": selectors.batch_failures(batch, request.GET.get("failures"), per_page),
            "skipped": selectors.skipped_customers(batch, request.GET.get("skipped"), per_page),
            "filter": invitation_filter,
            "page": invitations,
            "invitations": list(invitations.object_list),
            "query": query_without(request.GET, "page"),
            "failures_query": query_without(request.GET, "failures"),
            "skipped_query": query_without(request.GET, "skipped"),
            "can_retry": selectors.can_retry(request.user, batch, progress),
            "timeline": timeline_for(batch),
        },
    )


@require_POST
@role_required(*MILESTONE_WORKERS)
def batch_retry_failed(request, pk):
    batch = selectors.get_batch_for(request.user, pk)
    try:
        count = services.retry_failed(batch_id=batch.pk, actor=request.user)
    except BatchError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext("%(count)d invitation queued again.", "%(count)d invitations queued again.", count)
            % {"count": count},
        )
    return redirect(batch)


@role_required(*MILESTONE_WORKERS)
def batch_list_template(request):
    header = [COLUMN_LABELS["customer_id"], COLUMN_LABELS["email"]]
    return workbook_response(
        "invitation-list-template.xlsx", _("Customers to invite"), header, [["", "zhang.wei@example.com"], [1, ""]]
    )
