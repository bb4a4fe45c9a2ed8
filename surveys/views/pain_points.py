"""Staff pages of the customer pain-point library (客户需求痛点库): list, entry, sources, status, merge, export."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxcenter.errors import DomainError
from cxcenter.exports import workbook_response
from cxcenter.roles import has_role, role_required
from cxcenter.selectors import timeline_for
from surveys.forms import (
    PainPointCreateForm,
    PainPointForm,
    PainPointFromSourceForm,
    PainPointMergeForm,
    PainPointSourceForm,
    PainPointStatusForm,
)
from surveys.permissions import SURVEY_READERS
from surveys.selectors import pain_points as selectors
from surveys.services import pain_points as services
from surveys.services.pain_points import PAIN_POINT_EDITORS, PainPointError


@role_required(*SURVEY_READERS)
def painpoint_list(request):
    pain_point_filter, page = selectors.pain_point_page(
        request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE
    )
    if request.GET.get("export") == "xlsx":
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        rows = selectors.export_rows(pain_point_filter.qs)
        return workbook_response(f"pain-points-{stamp}.xlsx", _("Pain points"), selectors.export_header(), rows)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": pain_point_filter,
        "page": page,
        "pain_points": list(page.object_list),
        "query": query.urlencode(),
        "can_create": has_role(request.user, *PAIN_POINT_EDITORS),
    }
    return render(request, "surveys/painpoint_list.html", context)


@role_required(*SURVEY_READERS)
def painpoint_detail(request, pk):
    pain_point = selectors.get_pain_point_for(request.user, pk)
    actions = selectors.pain_point_actions(request.user, pain_point)
    status_form = PainPointStatusForm()
    status_form.fields["status"].choices = actions.statuses
    context = {
        "pain_point": pain_point,
        "sources": selectors.source_rows(pain_point),
        "merged_entries": pain_point.merged_list,
        "actions": actions,
        "status_form": status_form,
        "timeline": timeline_for(pain_point),
    }
    return render(request, "surveys/painpoint_detail.html", context)


@role_required(*PAIN_POINT_EDITORS)
def painpoint_create(request):
    form = PainPointCreateForm(request.POST or None)
    if form.is_valid():
        pain_point = services.create_pain_point(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Pain point added to the library."))
        return redirect(pain_point)
    return render(request, "surveys/painpoint_form.html", {"form": form, "page_kind": "create"})


def from_source(request, *, answer=None, problem=None, initial: dict, context: dict):
    """Put an answer or a problem into the library: a further source of an entry, or a new entry."""
    holder = selectors.library_entry_of(answer=answer, problem=problem)
    if holder:
        message = _("This source is already in the pain-point library, under “%(entry)s”.")
        messages.info(request, message % {"entry": holder})
        return redirect(holder)
    form = PainPointFromSourceForm(request.POST or None, initial=initial, entries=selectors.open_entries())
    if form.is_valid():
        fields = {**form.cleaned_data}
        existing = fields.pop("existing")
        source = {"answer_id": answer.pk if answer else None, "problem_id": problem.pk if problem else None}
        try:
            if existing:
                services.add_pain_point_source(pain_point_id=existing.pk, actor=request.user, **source)
                pain_point = existing
            else:
                pain_point = services.create_pain_point(actor=request.user, **fields, **source)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Added to the pain-point library."))
            return redirect(pain_point)
    return render(request, "surveys/painpoint_form.html", {"form": form, **context})


@role_required(*PAIN_POINT_EDITORS)
def painpoint_from_answer(request, pk):
    answer = selectors.get_text_answer_for(request.user, pk)
    context = {"answer": answer, "page_kind": "from_answer"}
    return from_source(request, answer=answer, initial={"description": answer.text[:1000]}, context=context)


@role_required(*PAIN_POINT_EDITORS)
def painpoint_from_problem(request, pk):
    problem = selectors.get_summary_problem_for(request.user, pk)
    severity = "high" if problem.severity == problem.Severity.MAJOR else "medium"
    initial = {"description": problem.description, "severity": severity}
    context = {"problem": problem, "page_kind": "from_problem"}
    return from_source(request, problem=problem, initial=initial, context=context)


def editable(request, pain_point):
    """A redirect with the reason when the entry was merged (read-only), else None."""
    try:
        services.ensure_not_merged(pain_point)
    except PainPointError as error:
        messages.error(request, str(error))
        return redirect(pain_point)
    return None


@role_required(*PAIN_POINT_EDITORS)
def painpoint_edit(request, pk):
    pain_point = selectors.get_plain_pain_point_for(request.user, pk)
    if response := editable(request, pain_point):
        return response
    form = PainPointForm(request.POST or None, instance=pain_point)
    if form.is_valid():
        try:
            services.update_pain_point(pain_point_id=pain_point.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Pain point saved."))
        return redirect(pain_point)
    return render(request, "surveys/painpoint_form.html", {"form": form, "pain_point": pain_point, "page_kind": "edit"})


@role_required(*PAIN_POINT_EDITORS)
def painpoint_add_source(request, pk):
    pain_point = selectors.get_plain_pain_point_for(request.user, pk)
    if response := editable(request, pain_point):
        return response
    form = PainPointSourceForm(request.POST or None)
    if form.is_valid():
        try:
            services.add_pain_point_source(pain_point_id=pain_point.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Source added: the frequency went up by one."))
        return redirect(pain_point)
    context = {"form": form, "pain_point": pain_point, "page_kind": "add_source"}
    return render(request, "surveys/painpoint_form.html", context)


@role_required(*PAIN_POINT_EDITORS)
@require_POST
def painpoint_status(request, pk):
    pain_point = selectors.get_plain_pain_point_for(request.user, pk)
    form = PainPointStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new status."))
        return redirect(pain_point)
    try:
        services.change_pain_point_status(pain_point_id=pain_point.pk, actor=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Status changed."))
    return redirect(pain_point)


@role_required(*PAIN_POINT_EDITORS)
def painpoint_merge(request, pk):
    pain_point = selectors.get_plain_pain_point_for(request.user, pk)
    if response := editable(request, pain_point):
        return response
    form = PainPointMergeForm(request.POST or None, targets=selectors.merge_targets(pain_point))
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            services.merge_pain_points(
                source_id=pain_point.pk, target_id=target.pk, actor=request.user, comment=form.cleaned_data["comment"]
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(pain_point)
        messages.success(request, _("Merged into “%(target)s”.") % {"target": target})
        return redirect(target)
    return render(request, "surveys/painpoint_merge.html", {"form": form, "pain_point": pain_point})
