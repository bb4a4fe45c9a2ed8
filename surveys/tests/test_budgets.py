"""Survey budgets (调研经费): lines, submission, the director's decision, actual amounts, the page and the export."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.workflow import InvalidTransition
from surveys.models import BudgetLine, PlanMilestone, SurveyBudget
from surveys.selectors import budgets as selectors
from surveys.services import budgets as services
from surveys.services.budgets import BudgetError
from surveys.templatetags.surveys_format import yuan
from surveys.tests.factories import BudgetLineFactory, SurveyBudgetFactory, SurveyPlanFactory
from surveys.urls import budgets as budget_urls

pytestmark = pytest.mark.django_db

LINE_FORM = {"category": BudgetLine.Category.FIELDWORK, "description": "上门访谈交通费", "estimate_amount": "1234.50"}


@pytest.fixture
def budget(supervisor):
    """A draft budget of a plan owned by the supervisor, with the plan's node 4 still open."""
    plan = SurveyPlanFactory(owner=supervisor)
    PlanMilestone.objects.create(
        plan=plan, node=PlanMilestone.Node.BUDGET, owner=supervisor, due_date=datetime.date(2027, 1, 10)
    )
    return SurveyBudgetFactory(plan=plan)


def add_line(budget, actor, estimate="1000.00", category=BudgetLine.Category.FIELDWORK, description=""):
    return services.add_budget_line(
        budget_id=budget.pk,
        actor=actor,
        category=category,
        description=description,
        estimate_amount=Decimal(estimate),
    )


def submitted(budget, actor):
    if not budget.lines.exists():
        add_line(budget, actor)
    return services.submit_budget(budget_id=budget.pk, actor=actor)


def approved(budget, submitter, director):
    submitted(budget, submitter)
    return services.approve_budget(budget_id=budget.pk, actor=director)


def detail_url(budget):
    return reverse("surveys:budget-detail", args=[budget.plan_id])


# Rules of the services


def test_supervisor_drafts_lines_and_submits_the_budget(budget, supervisor):
    line = add_line(budget, supervisor, "800.00", description="问卷印刷")
    services.update_budget_line(
        line_id=line.pk,
        actor=supervisor,
        category=BudgetLine.Category.QUESTIONNAIRE_DESIGN,
        description="问卷设计与印刷",
        estimate_amount=Decimal("900.00"),
    )
    services.submit_budget(budget_id=budget.pk, actor=supervisor)
    budget.refresh_from_db()
    line.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED and budget.submitted_by == supervisor
    assert line.category == BudgetLine.Category.QUESTIONNAIRE_DESIGN and line.estimate_amount == Decimal("900.00")
    actions = [(entry.action, entry.to_status) for entry in timeline_for(budget)]
    assert actions == [
        (TimelineEntry.Action.TRANSITION, SurveyBudget.Status.SUBMITTED),
        (TimelineEntry.Action.UPDATED, ""),
        (TimelineEntry.Action.UPDATED, ""),
    ]


def test_a_budget_without_lines_cannot_be_submitted(budget, supervisor):
    with pytest.raises(BudgetError, match="at least one budget line"):
        services.submit_budget(budget_id=budget.pk, actor=supervisor)
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.DRAFT


def test_only_the_owner_or_a_plan_author_changes_the_budget(budget, specialist, persona):
    with pytest.raises(PermissionDenied):
        add_line(budget, specialist)
    other_supervisor = persona("other-supervisor", Role.SUPERVISOR)
    add_line(budget, other_supervisor)
    assert budget.lines.count() == 1


def test_director_cannot_approve_own_budget(director):
    budget = SurveyBudgetFactory(plan=SurveyPlanFactory(owner=director))
    submitted(budget, director)
    with pytest.raises(PermissionDenied):
        services.approve_budget(budget_id=budget.pk, actor=director)
    with pytest.raises(PermissionDenied):
        services.return_budget(budget_id=budget.pk, actor=director, comment="重新估算")
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SPECIALIST, Role.GENERAL_MANAGER, Role.COMMITTEE])
def test_only_a_director_decides_on_a_budget(budget, supervisor, persona, role):
    submitted(budget, supervisor)
    someone = persona("someone", role)
    with pytest.raises(PermissionDenied):
        services.approve_budget(budget_id=budget.pk, actor=someone)
    with pytest.raises(PermissionDenied):
        services.return_budget(budget_id=budget.pk, actor=someone, comment="不行")
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_submitted_or_approved_budget_cannot_be_edited(budget, supervisor, director, state):
    line = add_line(budget, supervisor)
    if state == "submitted":
        submitted(budget, supervisor)
    else:
        approved(budget, supervisor, director)
    with pytest.raises(BudgetError, match="can be changed only"):
        add_line(budget, supervisor)
    with pytest.raises(BudgetError):
        services.update_budget_line(
            line_id=line.pk, actor=supervisor, category=line.category, estimate_amount=Decimal("1.00")
        )
    with pytest.raises(BudgetError):
        services.remove_budget_line(line_id=line.pk, actor=director)
    with pytest.raises(BudgetError):
        services.submit_budget(budget_id=budget.pk, actor=supervisor)
    line.refresh_from_db()
    assert budget.lines.count() == 1 and line.estimate_amount == Decimal("1000.00")


def test_a_returned_budget_is_edited_and_resubmitted(budget, supervisor, director):
    line = add_line(budget, supervisor)
    submitted(budget, supervisor)
    services.return_budget(budget_id=budget.pk, actor=director, comment="劳务费偏高")
    services.remove_budget_line(line_id=line.pk, actor=supervisor)
    add_line(budget, supervisor, "600.00", category=BudgetLine.Category.LABOUR)
    services.submit_budget(budget_id=budget.pk, actor=supervisor)
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED
    assert list(budget.lines.values_list("estimate_amount", flat=True)) == [Decimal("600.00")]
    assert "劳务费偏高" in [entry.comment for entry in timeline_for(budget)]


def test_a_budget_is_decided_once(budget, supervisor, director, persona):
    approved(budget, supervisor, director)
    with pytest.raises(InvalidTransition):
        services.approve_budget(budget_id=budget.pk, actor=persona("deputy", Role.DIRECTOR))
    with pytest.raises(InvalidTransition):
        services.return_budget(budget_id=budget.pk, actor=director, comment="晚了")


def test_return_needs_a_comment(budget, supervisor, director):
    submitted(budget, supervisor)
    with pytest.raises(BudgetError, match="needs a comment"):
        services.return_budget(budget_id=budget.pk, actor=director, comment="  ")
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED
    services.return_budget(budget_id=budget.pk, actor=director, comment="激励费用需上级批准")
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.RETURNED and budget.returned_by == director
    assert timeline_for(budget)[0].comment == "激励费用需上级批准"


def test_negative_amounts_are_refused_by_the_services(budget, supervisor, director):
    with pytest.raises(BudgetError, match="cannot be negative"):
        add_line(budget, supervisor, "-1.00")
    line = add_line(budget, supervisor)
    approved(budget, supervisor, director)
    with pytest.raises(BudgetError, match="cannot be negative"):
        services.record_actual_amount(line_id=line.pk, actor=supervisor, actual_amount=Decimal("-0.01"))
    line.refresh_from_db()
    assert line.actual_amount is None


def test_actual_amounts_only_after_approval(budget, supervisor, director, specialist):
    line = add_line(budget, supervisor)
    with pytest.raises(BudgetError, match="only once the director has approved"):
        services.record_actual_amount(line_id=line.pk, actor=specialist, actual_amount=Decimal("900.00"))
    submitted(budget, supervisor)
    with pytest.raises(BudgetError):
        services.record_actual_amount(line_id=line.pk, actor=specialist, actual_amount=Decimal("900.00"))
    services.approve_budget(budget_id=budget.pk, actor=director)
    services.record_actual_amount(line_id=line.pk, actor=specialist, actual_amount=Decimal("900.00"))
    line.refresh_from_db()
    assert line.actual_amount == Decimal("900.00")
    assert timeline_for(budget)[0].actor == specialist


def test_actual_amounts_are_recorded_by_the_cx_office_only(budget, supervisor, director, general_manager):
    line = add_line(budget, supervisor)
    approved(budget, supervisor, director)
    with pytest.raises(PermissionDenied):
        services.record_actual_amount(line_id=line.pk, actor=general_manager, actual_amount=Decimal("1.00"))
    services.record_actual_amount(line_id=line.pk, actor=director, actual_amount=Decimal("0"))
    line.refresh_from_db()
    assert line.actual_amount == Decimal("0.00")


def test_variance_and_overrun_are_computed_per_line_and_in_total(budget, supervisor, director, specialist):
    over = add_line(budget, supervisor, "1000.00")
    under = add_line(budget, supervisor, "500.00", category=BudgetLine.Category.LABOUR)
    add_line(budget, supervisor, "300.00", category=BudgetLine.Category.REPORT)
    approved(budget, supervisor, director)
    services.record_actual_amount(line_id=over.pk, actor=specialist, actual_amount=Decimal("1200.00"))
    services.record_actual_amount(line_id=under.pk, actor=specialist, actual_amount=Decimal("400.00"))

    budget = selectors.get_budget_for(director, budget.plan_id)
    lines = {line.pk: line for line in budget.line_list}
    assert lines[over.pk].variance == Decimal("200.00") and lines[over.pk].is_overrun
    assert lines[under.pk].variance == Decimal("-100.00") and not lines[under.pk].is_overrun
    totals = budget.totals
    assert totals.estimate == Decimal("1800.00")
    assert totals.actual == Decimal("1600.00")
    # The report line has no actual amount yet, so it does not count against the variance.
    assert totals.variance == Decimal("100.00") and totals.is_overrun
    assert (totals.line_count, totals.overrun_count) == (3, 1)
    assert [line.category for line in budget.line_list] == ["fieldwork", "report", "labour"]


def test_an_empty_budget_totals_zero(budget, director):
    totals = selectors.get_budget_for(director, budget.plan_id).totals
    assert totals.estimate == Decimal("0") and totals.actual is None and totals.variance is None
    assert not totals.is_overrun


def test_approval_marks_node_4_done(budget, supervisor, director):
    submitted(budget, supervisor)
    services.approve_budget(budget_id=budget.pk, actor=director, comment="同意")
    node = PlanMilestone.objects.get(plan=budget.plan, node=PlanMilestone.Node.BUDGET)
    assert node.done_on == timezone.localdate() and node.done_by == director
    assert "同意" in node.note
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.APPROVED and budget.approved_by == director


def test_approval_leaves_a_node_4_already_done_alone(budget, supervisor, director):
    PlanMilestone.objects.filter(plan=budget.plan).update(
        done_on=datetime.date(2027, 1, 5), done_by=supervisor, note="提前完成"
    )
    approved(budget, supervisor, director)
    node = PlanMilestone.objects.get(plan=budget.plan, node=PlanMilestone.Node.BUDGET)
    assert (node.done_on, node.done_by, node.note) == (datetime.date(2027, 1, 5), supervisor, "提前完成")


def test_approval_without_node_4_still_approves(supervisor, director):
    budget = SurveyBudgetFactory(plan=SurveyPlanFactory(owner=supervisor))
    approved(budget, supervisor, director)
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.APPROVED


def test_submission_mails_the_directors(budget, supervisor, director, persona, django_capture_on_commit_callbacks):
    second_director = persona("deputy", Role.DIRECTOR)
    with django_capture_on_commit_callbacks(execute=True):
        submitted(budget, supervisor)
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        [director.email, second_director.email]
    )
    assert budget.plan.title in mail.outbox[0].body


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_the_decision_is_mailed_to_the_submitter(
    budget, supervisor, director, decision, django_capture_on_commit_callbacks
):
    submitted(budget, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "approve":
            services.approve_budget(budget_id=budget.pk, actor=director)
        else:
            services.return_budget(budget_id=budget.pk, actor=director, comment="请补充激励费用依据")
    assert [message.to for message in mail.outbox] == [[supervisor.email]]
    if decision == "return":
        assert "请补充激励费用依据" in mail.outbox[0].body


def test_nothing_is_mailed_when_the_submission_fails(budget, supervisor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BudgetError):
        services.submit_budget(budget_id=budget.pk, actor=supervisor)
    assert mail.outbox == []


def test_budgets_wait_in_the_directors_inbox_but_not_their_own(budget, supervisor, director, persona):
    submitted(budget, supervisor)
    own = SurveyBudgetFactory(plan=SurveyPlanFactory(owner=director))
    submitted(own, director)
    items = selectors.budgets_awaiting_decision(director)
    assert [item.url for item in items] == [detail_url(budget)]
    assert items[0].title == budget.plan.title and items[0].submitted_by == str(supervisor)
    assert selectors.budgets_awaiting_decision(supervisor) == []
    deputy = persona("deputy", Role.DIRECTOR)
    assert len(selectors.budgets_awaiting_decision(deputy)) == 2


# Amounts in the reader's language


def test_amounts_read_in_yuan_with_two_decimals():
    with translation.override("en"):
        assert yuan(Decimal("1234.5")) == "¥1,234.50"
        assert yuan(Decimal("-200")) == "-¥200.00"
        assert yuan(Decimal("200"), "signed") == "+¥200.00"
        assert yuan(Decimal("0"), "signed") == "¥0.00"
        assert yuan(None) == "—"
    with translation.override("zh-hans"):
        assert yuan(Decimal("1234567.5")) == "¥1,234,567.50"


# Pages


def test_the_line_form_adds_a_line(as_user, budget, supervisor):
    response = as_user(supervisor).post(reverse("surveys:budget-line-add", args=[budget.plan_id]), LINE_FORM)
    assert response.status_code == 302 and response["Location"] == detail_url(budget)
    line = budget.lines.get()
    assert line.estimate_amount == Decimal("1234.50") and line.description == "上门访谈交通费"
    page = as_user(supervisor).get(detail_url(budget))
    assert "¥1,234.50" in page.content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("-5", "cannot be negative"), ("abc", "Enter a number."), ("12.345", "no more than 2 decimal places")],
)
def test_bad_amounts_are_refused_with_the_form_kept_and_nothing_saved(as_user, budget, supervisor, amount, message):
    response = as_user(supervisor).post(
        reverse("surveys:budget-line-add", args=[budget.plan_id]), {**LINE_FORM, "estimate_amount": amount}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "上门访谈交通费" in page and f'value="{amount}"' in page
    assert not BudgetLine.objects.exists()


def test_a_bad_edit_keeps_the_line_as_it_was(as_user, budget, supervisor):
    line = add_line(budget, supervisor)
    url = reverse("surveys:budget-line-edit", args=[budget.plan_id, line.pk])
    client = as_user(supervisor)
    assert 'value="1000.00"' in client.get(url).content.decode()
    response = client.post(url, {**LINE_FORM, "estimate_amount": "-1"})
    assert response.status_code == 200 and "cannot be negative" in response.content.decode()
    line.refresh_from_db()
    assert line.estimate_amount == Decimal("1000.00")


def test_the_chinese_form_refuses_text_in_chinese(client, budget, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("surveys:budget-line-add", args=[budget.plan_id]),
        {**LINE_FORM, "estimate_amount": "abc"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert "输入一个数字" in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_bad_actual_amounts_are_refused_with_the_form_kept(as_user, budget, supervisor, director, specialist):
    line = add_line(budget, supervisor)
    approved(budget, supervisor, director)
    url = reverse("surveys:budget-actual", args=[budget.plan_id, line.pk])
    client = as_user(specialist)
    for amount, message in [("-3", "cannot be negative"), ("一千", "Enter a number.")]:
        response = client.post(url, {"actual_amount": amount})
        assert response.status_code == 200 and message in response.content.decode()
    line.refresh_from_db()
    assert line.actual_amount is None
    response = client.post(url, {"actual_amount": "1100.00"}, follow=True)
    assert "Actual amount recorded." in response.content.decode()
    line.refresh_from_db()
    assert line.actual_amount == Decimal("1100.00")


def test_editing_a_submitted_budget_through_the_pages_is_refused(as_user, budget, supervisor):
    line = add_line(budget, supervisor)
    submitted(budget, supervisor)
    client = as_user(supervisor)
    response = client.post(reverse("surveys:budget-line-add", args=[budget.plan_id]), LINE_FORM, follow=True)
    assert "can be changed only as a draft" in response.content.decode()
    response = client.post(reverse("surveys:budget-line-remove", args=[budget.plan_id, line.pk]), follow=True)
    assert "can be changed only as a draft" in response.content.decode()
    assert budget.lines.count() == 1


def test_returning_without_a_comment_through_the_page_is_refused(as_user, budget, supervisor, director):
    submitted(budget, supervisor)
    client = as_user(director)
    response = client.post(reverse("surveys:budget-return", args=[budget.plan_id]), {"comment": ""}, follow=True)
    assert "needs a comment" in response.content.decode()
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED
    response = client.post(reverse("surveys:budget-return", args=[budget.plan_id]), {"comment": "请细化"}, follow=True)
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.RETURNED
    assert "Returned by the director:" in response.content.decode() and "请细化" in response.content.decode()


def test_the_director_approves_through_the_page(as_user, budget, supervisor, director):
    submitted(budget, supervisor)
    page = as_user(director).get(detail_url(budget)).content.decode()
    assert reverse("surveys:budget-approve", args=[budget.plan_id]) in page
    response = as_user(director).post(reverse("surveys:budget-approve", args=[budget.plan_id]), {"comment": "同意"})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.APPROVED


def test_the_submitter_sees_no_decision_form_and_is_refused(as_user, director):
    budget = SurveyBudgetFactory(plan=SurveyPlanFactory(owner=director))
    submitted(budget, director)
    client = as_user(director)
    page = client.get(detail_url(budget)).content.decode()
    assert reverse("surveys:budget-approve", args=[budget.plan_id]) not in page
    response = client.post(reverse("surveys:budget-approve", args=[budget.plan_id]))
    assert response.status_code == 403
    assert "your own submission" in response.content.decode()


def test_the_page_shows_overruns_by_text_not_only_colour(as_user, budget, supervisor, director, specialist):
    line = add_line(budget, supervisor, "1000.00", description="调研实施")
    approved(budget, supervisor, director)
    services.record_actual_amount(line_id=line.pk, actor=specialist, actual_amount=Decimal("1500.00"))
    page = as_user(specialist).get(detail_url(budget)).content.decode()
    assert 'class="table-danger"' in page and "Overrun" in page and "+¥500.00" in page
    assert reverse("surveys:plan-detail", args=[budget.plan_id]) in page
    assert reverse("surveys:budget-actual", args=[budget.plan_id, line.pk]) in page


def test_the_page_offers_each_state_its_actions(as_user, budget, supervisor, director):
    add_line(budget, supervisor)
    page = as_user(supervisor).get(detail_url(budget)).content.decode()
    assert reverse("surveys:budget-submit", args=[budget.plan_id]) in page
    assert reverse("surveys:budget-line-add", args=[budget.plan_id]) in page
    page = as_user(director).get(detail_url(budget)).content.decode()
    assert reverse("surveys:budget-approve", args=[budget.plan_id]) not in page
    submitted(budget, supervisor)
    page = as_user(supervisor).get(detail_url(budget)).content.decode()
    assert reverse("surveys:budget-submit", args=[budget.plan_id]) not in page
    assert reverse("surveys:budget-line-add", args=[budget.plan_id]) not in page


def test_the_chinese_page_renders(client, budget, supervisor):
    add_line(budget, supervisor)
    client.force_login(supervisor)
    response = client.get(detail_url(budget), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and 'lang="zh-hans"' in response.content.decode()


def test_every_budget_view_checks_a_role():
    assert len(budget_urls.urlpatterns) == 9
    unchecked = [pattern.name for pattern in budget_urls.urlpatterns if not hasattr(pattern.callback, "required_roles")]
    assert unchecked == []


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SPECIALIST, True),
        (Role.SUPERVISOR, True),
        (Role.DIRECTOR, True),
        (Role.GENERAL_MANAGER, True),
        (Role.COMMITTEE, True),
        (Role.OPS_SUPERVISOR, False),
        (Role.ACCOUNT_MANAGER, False),
    ],
)
def test_budget_page_and_export_are_read_by_survey_readers(as_user, budget, persona, role, allowed):
    client = as_user(persona("someone", role))
    expected = 200 if allowed else 403
    assert client.get(detail_url(budget)).status_code == expected
    assert client.get(reverse("surveys:budget-export", args=[budget.plan_id])).status_code == expected


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.SUPERVISOR, True), (Role.DIRECTOR, True), (Role.SPECIALIST, False), (Role.GENERAL_MANAGER, False)],
)
def test_budget_lines_are_drafted_by_plan_authors(as_user, budget, persona, role, allowed):
    client = as_user(persona("someone", role))
    url = reverse("surveys:budget-line-add", args=[budget.plan_id])
    assert client.get(url).status_code == (200 if allowed else 403)
    assert client.post(url, LINE_FORM).status_code == (302 if allowed else 403)
    assert budget.lines.exists() == allowed


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SPECIALIST, Role.GENERAL_MANAGER])
def test_a_non_director_is_refused_the_decision_pages(as_user, budget, supervisor, persona, role):
    submitted(budget, supervisor)
    client = as_user(persona("someone", role))
    assert client.post(reverse("surveys:budget-approve", args=[budget.plan_id])).status_code == 403
    assert client.post(reverse("surveys:budget-return", args=[budget.plan_id]), {"comment": "x"}).status_code == 403
    budget.refresh_from_db()
    assert budget.status == SurveyBudget.Status.SUBMITTED


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.SPECIALIST, True), (Role.SUPERVISOR, True), (Role.GENERAL_MANAGER, False), (Role.COMMITTEE, False)],
)
def test_actual_amounts_are_entered_by_the_cx_office(as_user, budget, supervisor, director, persona, role, allowed):
    line = add_line(budget, supervisor)
    approved(budget, supervisor, director)
    client = as_user(persona("someone", role))
    response = client.post(reverse("surveys:budget-actual", args=[budget.plan_id, line.pk]), {"actual_amount": "10"})
    assert response.status_code == (302 if allowed else 403)
    line.refresh_from_db()
    assert (line.actual_amount == Decimal("10.00")) == allowed


def test_a_line_of_another_plan_is_not_found(as_user, budget, supervisor):
    other = BudgetLineFactory()
    url = reverse("surveys:budget-line-edit", args=[budget.plan_id, other.pk])
    assert as_user(supervisor).get(url).status_code == 404


def test_state_changes_accept_only_post(as_user, budget, supervisor):
    assert as_user(supervisor).get(reverse("surveys:budget-submit", args=[budget.plan_id])).status_code == 405


@pytest.mark.parametrize("rows", [1, 30])
def test_budget_page_query_count_does_not_grow_with_lines(
    as_user, supervisor, director, specialist, rows, django_assert_max_num_queries
):
    budget = SurveyBudgetFactory(plan=SurveyPlanFactory(owner=supervisor))
    BudgetLineFactory.create_batch(rows, budget=budget, description="线下访谈")
    approved(budget, supervisor, director)
    BudgetLine.objects.filter(budget=budget).update(actual_amount=Decimal("1500.00"))
    client = as_user(specialist)
    with django_assert_max_num_queries(7):
        assert client.get(detail_url(budget)).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("surveys:budget-export", args=[budget.plan_id])).status_code == 200


# Export


def test_the_workbook_holds_lines_and_totals_as_numbers(as_user, budget, supervisor, director, specialist):
    over = add_line(budget, supervisor, "1000.00", description='=HYPERLINK("http://evil")')
    add_line(budget, supervisor, "250.50", category=BudgetLine.Category.INCENTIVES, description="抽奖活动")
    approved(budget, supervisor, director)
    services.record_actual_amount(line_id=over.pk, actor=specialist, actual_amount=Decimal("1100.25"))
    response = as_user(director).get(reverse("surveys:budget-export", args=[budget.plan_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="survey-budget-')
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Category", "Description", "Estimate (yuan)", "Actual (yuan)", "Variance (yuan)", "Overrun"]
    assert rows[1][0] == "Fieldwork" and rows[1][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][2:5] == [1000, pytest.approx(1100.25), pytest.approx(100.25)] and rows[1][5] == "yes"
    assert rows[2][:4] == ["Incentives", "抽奖活动", 250.5, None]
    assert rows[3][0] == "Total" and rows[3][2] == pytest.approx(1250.5) and rows[3][3] == pytest.approx(1100.25)
    assert rows[3][4] == pytest.approx(100.25) and rows[3][5] == "yes"
    assert ["Plan", budget.plan.title] in [row[:2] for row in rows[4:]]
    assert ["Status", "Approved"] in [row[:2] for row in rows[4:]]
    assert all(isinstance(value, int | float) for value in rows[1][2:5])
