from functools import partial

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.decisions import CommentForm, state_change_view
from cxcenter.roles import has_role, role_required
from cxcenter.selectors import return_comment, timeline_for
from surveys import exports
from surveys.forms import MilestoneDoneForm, MilestoneScheduleForm, SurveyPlanForm
from surveys.permissions import DECIDERS, MILESTONE_WORKERS, PLAN_AUTHORS, SURVEY_READERS, can_archive
from surveys.selectors import plans as selectors
from surveys.selectors.reports import plan_reports
from surveys.services import plans as services
from surveys.services.plans import PlanError


@role_required(*SURVEY_READERS)
def plan_list(request):
    plan_filter, page = selectors.plan_page(request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE)
    if request.GET.get("export") == "xlsx":
        return exports.plans_workbook(plan_filter.qs)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/surveyplan_list.html",
        {
            "filter": plan_filter,
            "page": page,
            "plans": list(page.object_list),
            "query": query.urlencode(),
            "can_create": has_role(request.user, *PLAN_AUTHORS),
        },
    )


@role_required(*PLAN_AUTHORS)
def plan_create(request):
    form = SurveyPlanForm(request.POST or None, initial={"owner": request.user})
    if form.is_valid():
        fields = {**form.cleaned_data}
        staff = fields.pop("staff")
        plan = services.create_plan(actor=request.user, staff=staff, **fields)
        messages.success(request, _("Plan “%(title)s” drafted with its ten nodes.") % {"title": plan.title})
        return redirect(plan)
    return render(request, "surveys/surveyplan_form.html", {"form": form})


@role_required(*SURVEY_READERS)
def plan_detail(request, pk):
    plan = selectors.get_plan_for(request.user, pk)
    milestones = list(plan.milestones.all())
    timeline = timeline_for(plan)
    return render(
        request,
        "surveys/surveyplan_detail.html",
        {
            "plan": plan,
            "milestones": milestones,
            "progress": selectors.milestone_progress(milestones),
            "chart": selectors.schedule_chart(plan, milestones),
            "actions": selectors.plan_actions(request.user, plan),
            "timeline": timeline,
            "return_comment": return_comment(plan, timeline),
            "decision_form": CommentForm(),
            "reports": plan_reports(request.user, plan),
            "can_archive": can_archive(request.user, plan),
        },
    )


@role_required(*PLAN_AUTHORS)
def plan_edit(request, pk):
    plan = selectors.get_plan_for(request.user, pk)
    try:
        services.ensure_can_edit_plan(request.user, plan)
    except PlanError as error:
        messages.error(request, str(error))
        return redirect(plan)
    form = SurveyPlanForm(request.POST or None, instance=plan)
    if form.is_valid():
        fields = {**form.cleaned_data}
        staff = fields.pop("staff")
        services.update_plan(plan_id=plan.pk, actor=request.user, staff=staff, **fields)
        messages.success(request, _("Plan saved."))
        return redirect(plan)
    return render(request, "surveys/surveyplan_form.html", {"form": form, "plan": plan})


plan_action = partial(state_change_view, load=selectors.get_plan_for, id_name="plan_id")


plan_submit = role_required(*PLAN_AUTHORS)(
    plan_action(services.submit_plan, gettext_lazy("Plan submitted to the director."))
)
plan_approve = role_required(*DECIDERS)(
    plan_action(services.approve_plan, gettext_lazy("Plan approved."), with_comment=True)
)
plan_return = role_required(*DECIDERS)(
    plan_action(services.return_plan, gettext_lazy("Plan returned to its owner."), with_comment=True)
)
plan_start = role_required(*PLAN_AUTHORS)(plan_action(services.start_plan, gettext_lazy("Fieldwork started.")))
plan_complete = role_required(*PLAN_AUTHORS)(
    plan_action(services.complete_plan, gettext_lazy("Plan completed."), with_comment=True)
)


@role_required(*PLAN_AUTHORS)
def plan_pdf(request, pk):
    return exports.plan_pdf(selectors.get_plan_for(request.user, pk))


@role_required(*PLAN_AUTHORS)
def milestone_schedule(request, pk):
    milestone = selectors.get_milestone_for(request.user, pk)
    form = MilestoneScheduleForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_milestone(milestone_id=milestone.pk, actor=request.user, **form.cleaned_data)
        except PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Node rescheduled."))
        return redirect(milestone.plan)
    return render(request, "surveys/planmilestone_form.html", {"form": form, "milestone": milestone})


@role_required(*MILESTONE_WORKERS)
def milestone_done(request, pk):
    milestone = selectors.get_milestone_for(request.user, pk)
    form = MilestoneDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete_milestone(milestone_id=milestone.pk, actor=request.user, **form.cleaned_data)
        except PlanError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Node marked done."))
        return redirect(milestone.plan)
    return render(request, "surveys/planmilestone_done.html", {"form": form, "milestone": milestone})
