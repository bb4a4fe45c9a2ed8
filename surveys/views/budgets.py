from functools import partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cxcenter.decisions import CommentForm, state_change_view
from cxcenter.errors import DomainError
from cxcenter.roles import role_required
from cxcenter.selectors import return_comment, timeline_for
from surveys.exports import budget_workbook
from surveys.forms import ActualAmountForm, BudgetLineForm
from surveys.permissions import ACTUAL_RECORDERS, DECIDERS, PLAN_AUTHORS, SURVEY_READERS
from surveys.selectors import budgets as selectors
from surveys.services import budgets as services
from surveys.services.budgets import BudgetError


@role_required(*SURVEY_READERS)
def budget_detail(request, plan_pk):
    budget = selectors.get_budget_for(request.user, plan_pk)
    timeline = timeline_for(budget)
    return render(
        request,
        "surveys/surveybudget_detail.html",
        {
            "budget": budget,
            "plan": budget.plan,
            "lines": budget.line_list,
            "totals": budget.totals,
            "actions": selectors.budget_actions(request.user, budget),
            "timeline": timeline,
            "return_comment": return_comment(budget, timeline),
            "decision_form": CommentForm(),
        },
    )


@role_required(*PLAN_AUTHORS)
def budget_line_add(request, plan_pk):
    budget = selectors.get_plain_budget_for(request.user, plan_pk)
    try:
        services.ensure_can_edit_budget(request.user, budget)
    except BudgetError as error:
        messages.error(request, str(error))
        return redirect(budget)
    form = BudgetLineForm(request.POST or None)
    if form.is_valid():
        try:
            services.add_budget_line(budget_id=budget.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Budget line added."))
        return redirect(budget)
    return render(request, "surveys/budgetline_form.html", {"form": form, "budget": budget, "plan": budget.plan})


@role_required(*PLAN_AUTHORS)
def budget_line_edit(request, plan_pk, pk):
    line = selectors.get_budget_line_for(request.user, plan_pk, pk)
    try:
        services.ensure_can_edit_budget(request.user, line.budget)
    except BudgetError as error:
        messages.error(request, str(error))
        return redirect(line.budget)
    initial = {"category": line.category, "description": line.description, "estimate_amount": line.estimate_amount}
    form = BudgetLineForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            services.update_budget_line(line_id=line.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Budget line saved."))
        return redirect(line.budget)
    context = {"form": form, "line": line, "budget": line.budget, "plan": line.budget.plan}
    return render(request, "surveys/budgetline_form.html", context)


@role_required(*PLAN_AUTHORS)
@require_POST
def budget_line_remove(request, plan_pk, pk):
    line = selectors.get_budget_line_for(request.user, plan_pk, pk)
    try:
        services.remove_budget_line(line_id=line.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Budget line removed."))
    return redirect(line.budget)


@role_required(*ACTUAL_RECORDERS)
def budget_actual(request, plan_pk, pk):
    line = selectors.get_budget_line_for(request.user, plan_pk, pk)
    form = ActualAmountForm(request.POST or None, initial={"actual_amount": line.actual_amount})
    if form.is_valid():
        try:
            services.record_actual_amount(line_id=line.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Actual amount recorded."))
        return redirect(line.budget)
    context = {"form": form, "line": line, "budget": line.budget, "plan": line.budget.plan}
    return render(request, "surveys/budgetline_actual.html", context)


budget_action = partial(state_change_view, load=selectors.get_plain_budget_for, id_name="budget_id")


budget_submit = role_required(*PLAN_AUTHORS)(
    budget_action(services.submit_budget, gettext_lazy("Budget submitted to the director."))
)
budget_approve = role_required(*DECIDERS)(
    budget_action(services.approve_budget, gettext_lazy("Budget approved."), with_comment=True)
)
budget_return = role_required(*DECIDERS)(
    budget_action(services.return_budget, gettext_lazy("Budget returned to the plan's owner."), with_comment=True)
)


@role_required(*SURVEY_READERS)
def budget_export(request, plan_pk):
    return budget_workbook(selectors.get_budget_for(request.user, plan_pk))
