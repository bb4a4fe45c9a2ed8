"""Plan exports: the filtered plan list as a workbook, one plan with its budget as a PDF for sign-off."""

from django.db.models import Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from weasyprint import HTML

from cxcenter.exports import workbook_response
from surveys.models import SurveyPlan


def plans_workbook(plans) -> HttpResponse:
    """The plans as listed (filters applied), one row per plan."""
    header = [
        _("Title"),
        _("Status"),
        _("Owner"),
        _("Product type"),
        _("Method"),
        _("Period start"),
        _("Period end"),
        _("Report due"),
        _("Nodes done"),
        _("Overdue"),
    ]
    rows = (
        [
            plan.title,
            plan.get_status_display(),
            str(plan.owner),
            plan.get_product_type_display(),
            plan.get_method_display(),
            plan.period_start,
            plan.period_end,
            plan.report_due,
            plan.milestones_done,
            _("yes") if plan.is_overdue else _("no"),
        ]
        for plan in plans
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(f"survey-plans-{stamp}.xlsx", _("Survey plans"), header, rows)


def plan_pdf(plan: SurveyPlan) -> HttpResponse:
    """The plan, its ten nodes and its budget on A4, with signature lines for sign-off."""
    lines = list(plan.budget.lines.all()) if hasattr(plan, "budget") else []
    totals = plan.budget.lines.aggregate(estimate=Sum("estimate_amount"), actual=Sum("actual_amount")) if lines else {}
    html = render_to_string(
        "surveys/pdf/surveyplan.html",
        {
            "plan": plan,
            "milestones": plan.milestones.all(),
            "lines": lines,
            "totals": totals,
            "printed_at": timezone.localtime(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-plan-{plan.pk}.pdf"'
    return response
