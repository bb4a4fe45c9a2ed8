"""Survey exports: plans, budgets and index trees as workbooks, a plan with its budget as a PDF for sign-off."""

from django.db.models import Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from weasyprint import HTML

from cxcenter.exports import workbook_response
from surveys.models import IndexFactor, SurveyBudget, SurveyPlan


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


def budget_workbook(budget: SurveyBudget) -> HttpResponse:
    """A budget (调研经费) as a workbook: one row per line, the totals, then the plan and status; amounts stay numbers.

    Takes a budget from surveys.selectors.budgets.get_budget_for (lines and totals already loaded).
    """
    header = [
        _("Category"),
        _("Description"),
        _("Estimate (yuan)"),
        _("Actual (yuan)"),
        _("Variance (yuan)"),
        _("Overrun"),
    ]
    rows = [
        [
            line.get_category_display(),
            line.description,
            line.estimate_amount,
            line.actual_amount,
            line.variance,
            _("yes") if line.is_overrun else "",
        ]
        for line in budget.line_list
    ]
    totals = budget.totals
    rows.append(
        [_("Total"), "", totals.estimate, totals.actual, totals.variance, _("yes") if totals.is_overrun else ""]
    )
    rows += [[], [_("Plan"), budget.plan.title], [_("Status"), budget.get_status_display()]]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # A plan's title may hold characters a sheet name cannot (: / ? * [ ]), so the sheet has a fixed name.
    return workbook_response(f"survey-budget-{budget.plan_id}-{stamp}.xlsx", _("Budget"), header, rows)


def index_systems_workbook(systems) -> HttpResponse:
    """The index systems as listed, one row per system."""
    header = [_("Name"), _("Description"), _("Active factors"), _("Mapped questions"), _("Created at")]
    rows = (
        [
            system.name,
            system.description,
            system.factor_count,
            system.question_count,
            timezone.localtime(system.created_at).replace(tzinfo=None),
        ]
        for system in systems
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(f"index-systems-{stamp}.xlsx", str(_("Index systems")), header, rows)


def factor_tree_workbook(system, tree) -> HttpResponse:
    """One system's factor tree as shown: a column per level, the weights, the share of the index, questions."""
    levels = range(1, IndexFactor.MAX_LEVEL + 1)
    header = [
        *(_("Level %(level)d") % {"level": level} for level in levels),
        _("Weight (%)"),
        _("Share of the index (%)"),
        _("Mapped questions"),
        _("Retired on"),
    ]
    rows = (
        [
            *(branch.factor.name if branch.factor.level == level else "" for level in levels),
            branch.factor.weight,
            branch.share,
            branch.question_count,
            timezone.localdate(branch.factor.retired_at) if branch.factor.is_retired else None,
        ]
        for root in tree
        for branch in root.walk()
    )
    filename = f"index-{slugify(system.name) or system.pk}.xlsx"
    return workbook_response(filename, str(_("Index factors")), header, rows)
