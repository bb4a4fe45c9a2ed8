"""Excel and PDF builders of the surveys app, fed by its selectors."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter.exports import workbook_response
from surveys.models import SurveyBudget


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
