"""Staff pages of improvement plans (改进方案): list, draft, detail with actions, progress and reviews."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.decisions import CommentForm, state_change_view
from cxcenter.errors import DomainError
from cxcenter.roles import ALL_STAFF, has_role, role_required
from cxcenter.selectors import timeline_for
from feedback.forms import (
    ActionDoneForm,
    ActionProgressForm,
    ImprovementActionForm,
    ImprovementPlanForm,
    ImprovementReviewForm,
)
from feedback.permissions import IMPROVEMENT_DETAILERS, IMPROVEMENT_DRAFTERS, IMPROVEMENT_READERS
from feedback.selectors import improvements as selectors
from feedback.services import improvements as services


@role_required(*IMPROVEMENT_READERS)
def improvement_list(request):
    plan_filter, page = selectors.improvement_page(
        request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": plan_filter,
        "page": page,
        "plans": list(page.object_list),
        "query": query.urlencode(),
        "can_create": has_role(request.user, *IMPROVEMENT_DRAFTERS),
    }
    return render(request, "feedback/improvement_list.html", context)


def draft_initial(params) -> dict:
    """The sources a “draft an improvement plan” link names: ?report=, ?case=, ?pain_point= (ids)."""
    initial = {}
    if (report := params.get("report", "")).isdigit():
        initial["report"] = int(report)
    if cases := [pk for pk in params.getlist("case") if pk.isdigit()]:
        found = selectors.cases_by_id([int(pk) for pk in cases])
        initial["case_numbers"] = ", ".join(case.number for case in found.values())
    if pain_points := [int(pk) for pk in params.getlist("pain_point") if pk.isdigit()]:
        initial["pain_points"] = pain_points
    return initial


def plan_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "title": data["title"],
        "goal": data["goal"],
        "report": data["report"],
        "cases": data["case_numbers"],
        "pain_points": data["pain_points"],
    }


def form_page(request, template: str, context: dict, *, error: str = ""):
    """Re-show a form: 400 when the input was refused, with the reason as a message."""
    if error:
        messages.error(request, error)
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


@role_required(*IMPROVEMENT_DRAFTERS)
def improvement_create(request):
    form = ImprovementPlanForm(request.POST or None, initial=draft_initial(request.GET))
    error = ""
    if form.is_valid():
        try:
            plan = services.draft_improvement_plan(actor=request.user, **plan_fields(form))
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Improvement plan “%(title)s” drafted.") % {"title": plan.title})
            return redirect(plan)
    return form_page(request, "feedback/improvement_form.html", {"form": form}, error=error)


@role_required(*IMPROVEMENT_DRAFTERS)
def improvement_edit(request, pk):
    plan = selectors.get_plain_improvement_for(request.user, pk)
    if request.method == "POST":
        form = ImprovementPlanForm(request.POST)
    else:
        initial = {
            "title": plan.title,
            "goal": plan.goal,
            "report": plan.report_id,
            "case_numbers": ", ".join(case.number for case in plan.cases.all()),
            "pain_points": list(plan.pain_points.values_list("pk", flat=True)),
        }
        form = ImprovementPlanForm(initial=initial)
    error = ""
    if form.is_valid():
        try:
            services.update_improvement_plan(plan_id=plan.pk, actor=request.user, **plan_fields(form))
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Improvement plan saved."))
            return redirect(plan)
    return form_page(request, "feedback/improvement_form.html", {"form": form, "plan": plan}, error=error)


def detail_page(request, pk, *, status: int = 200):
    plan = selectors.get_improvement_for(request.user, pk)
    actions = selectors.improvement_actions(request.user, plan)
    rows = selectors.action_rows(request.user, plan, actions)
    context = {
        "plan": plan,
        "actions": actions,
        "action_rows": rows,
        "summary": selectors.action_summary(rows),
        "reviews": list(plan.reviews.all()),
        "cases": list(plan.cases.all()),
        "pain_points": list(plan.pain_points.all()),
        "timeline": timeline_for(plan),
        "comment_form": CommentForm(),
    }
    return render(request, "feedback/improvement_detail.html", context, status=status)


@role_required(*ALL_STAFF)
def improvement_detail(request, pk):
    return detail_page(request, pk)


def refused_on_page(request, plan, message: str):
    """A refused change: the plan's page again with the reason, status 409."""
    messages.error(request, message)
    return detail_page(request, plan.pk, status=409)


plan_action = partial(
    state_change_view,
    load=selectors.get_plain_improvement_for,
    id_name="plan_id",
    with_comment=True,
    refused=refused_on_page,
)


improvement_send = role_required(*IMPROVEMENT_DRAFTERS)(
    plan_action(services.send_for_detailing, gettext_lazy("Sent to the supervisor to detail into actions."))
)
improvement_start = role_required(*IMPROVEMENT_DETAILERS)(
    plan_action(services.start_implementation, gettext_lazy("The implementation plan is in effect."))
)
improvement_close = role_required(*IMPROVEMENT_DETAILERS)(
    plan_action(services.close_improvement_plan, gettext_lazy("Improvement plan closed."))
)


@role_required(*IMPROVEMENT_DETAILERS)
def action_create(request, pk):
    plan = selectors.get_plain_improvement_for(request.user, pk)
    form = ImprovementActionForm(request.POST or None)
    error = ""
    if form.is_valid():
        try:
            services.add_improvement_action(plan_id=plan.pk, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Action added."))
            return redirect(plan)
    return form_page(request, "feedback/improvementaction_form.html", {"form": form, "plan": plan}, error=error)


@role_required(*IMPROVEMENT_DETAILERS)
def action_edit(request, pk):
    action = selectors.get_action_for(request.user, pk)
    form = ImprovementActionForm(request.POST or None, instance=action)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.update_improvement_action(action_id=action.pk, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Action saved."))
            return redirect(action.plan)
    context = {"form": form, "plan": action.plan, "action": action}
    return form_page(request, "feedback/improvementaction_form.html", context, error=error)


def owned_action(request, pk):
    """The action, for its owner only: anyone else gets a 403 (they may not report on someone else's work)."""
    action = selectors.get_action_for(request.user, pk)
    if action.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the action's owner may report progress on it."))
    return action


@role_required(*ALL_STAFF)
def action_progress(request, pk):
    action = owned_action(request, pk)
    form = ActionProgressForm(request.POST or None, request.FILES or None)
    error = ""
    if form.is_valid():
        try:
            services.add_action_progress(action_id=action.pk, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Progress recorded."))
            return redirect(action.plan)
    context = {"form": form, "action": action, "plan": action.plan, "page_kind": "progress"}
    return form_page(request, "feedback/improvementaction_report.html", context, error=error)


@role_required(*ALL_STAFF)
def action_done(request, pk):
    action = owned_action(request, pk)
    form = ActionDoneForm(request.POST or None)
    error = ""
    if form.is_valid():
        try:
            services.complete_improvement_action(action_id=action.pk, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Action marked done."))
            return redirect(action.plan)
    context = {"form": form, "action": action, "plan": action.plan, "page_kind": "done"}
    return form_page(request, "feedback/improvementaction_report.html", context, error=error)


@role_required(*IMPROVEMENT_DETAILERS)
def review_create(request, pk):
    plan = selectors.get_plain_improvement_for(request.user, pk)
    form = ImprovementReviewForm(request.POST or None)
    error = ""
    if form.is_valid():
        try:
            review = services.record_improvement_review(plan_id=plan.pk, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Review recorded.") + " " + on_time_text(review.on_time_rate))
            return redirect(plan)
    return form_page(request, "feedback/improvementreview_form.html", {"form": form, "plan": plan}, error=error)


def on_time_text(rate) -> str:
    if rate is None:
        return _("No action was due in the period.")
    return _("Actions done on time: %(rate)s%%.") % {"rate": rate}
