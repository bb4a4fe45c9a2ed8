from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cxcenter.decisions import CommentForm, state_change_view
from cxcenter.roles import role_required
from cxcenter.selectors import return_comment, timeline_for
from surveys import exports
from surveys.forms import SurveyReportForm
from surveys.permissions import DECIDERS, PLAN_AUTHORS, SURVEY_READERS
from surveys.selectors import reports as selectors
from surveys.services import reports as services
from surveys.services.reports import ReportError


@role_required(*PLAN_AUTHORS)
@require_POST
def report_create(request, plan_pk, kind):
    plan = selectors.get_reportable_plan_for(request.user, plan_pk)
    try:
        report = services.create_report(plan_id=plan.pk, actor=request.user, kind=kind)
    except ReportError as error:
        messages.error(request, str(error))
        return redirect(plan)
    messages.success(
        request, _("%(kind)s drafted; the figures come from the plan's data.") % {"kind": report.get_kind_display()}
    )
    return redirect("surveys:report-edit", report.pk)


@role_required(*SURVEY_READERS)
def report_detail(request, pk):
    report = selectors.get_report_for(request.user, pk)
    timeline = timeline_for(report)
    return render(
        request,
        "surveys/surveyreport_detail.html",
        {
            "report": report,
            "plan": report.plan,
            "figures": selectors.report_figures(report.plan),
            "actions": selectors.report_actions(request.user, report),
            "timeline": timeline,
            "return_comment": return_comment(report, timeline),
            "decision_form": CommentForm(),
        },
    )


@role_required(*PLAN_AUTHORS)
def report_edit(request, pk):
    report = selectors.get_report_for(request.user, pk)
    try:
        services.ensure_can_edit_report(request.user, report)
    except ReportError as error:
        messages.error(request, str(error))
        return redirect(report)
    initial = {name: getattr(report, name) for name in services.TEXT_FIELDS}
    form = SurveyReportForm(request.POST or None, initial=initial)
    if form.is_valid():
        services.update_report(report_id=report.pk, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Report saved."))
        return redirect(report)
    return render(request, "surveys/surveyreport_form.html", {"form": form, "report": report, "plan": report.plan})


report_action = partial(state_change_view, load=selectors.get_report_for, id_name="report_id")


report_submit = role_required(*PLAN_AUTHORS)(
    report_action(services.submit_report, gettext_lazy("Report submitted to the director."))
)
report_approve = role_required(*DECIDERS)(
    report_action(services.approve_report, gettext_lazy("Report approved."), with_comment=True)
)
report_return = role_required(*DECIDERS)(
    report_action(services.return_report, gettext_lazy("Report returned to its author."), with_comment=True)
)


@role_required(*SURVEY_READERS)
def report_pdf(request, pk):
    report = selectors.get_report_for(request.user, pk)
    return exports.report_pdf(report, selectors.report_figures(report.plan))


@role_required(*SURVEY_READERS)
def report_export(request, pk):
    report = selectors.get_report_for(request.user, pk)
    return exports.report_workbook(report, selectors.report_figures(report.plan, with_charts=False))
