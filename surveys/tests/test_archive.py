"""Archiving (资料归档): archive numbers, node 10, read-only material for every role, in services, pages and admin."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cxcenter.models import Role
from surveys.models import (
    ArchiveSequence,
    BudgetLine,
    PlanMilestone,
    Questionnaire,
    Section,
    SurveyPlan,
    SurveyReport,
)
from surveys.services import budgets, plans, questionnaires, reports
from surveys.services.archive import ArchiveError, archive_plan
from surveys.tests.factories import SectionFactory, SurveyPlanFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = TODAY.year


def plan_fields(owner, title="2027 客户满意度调研"):
    return {
        "title": title,
        "goal": "了解客户满意度",
        "product_type": SurveyPlan.ProductType.PHYSICAL,
        "method": SurveyPlan.Method.QUESTIONNAIRE,
        "owner": owner,
        "period_start": TODAY - datetime.timedelta(days=60),
        "period_end": TODAY - datetime.timedelta(days=5),
        "report_due": TODAY,
    }


def completed_plan(supervisor, director, title="2027 客户满意度调研"):
    """A plan walked through the services to completed, with an approved budget line, a draft questionnaire and a
    draft report."""
    plan = plans.create_plan(actor=supervisor, **plan_fields(supervisor, title))
    budgets.add_budget_line(
        budget_id=plan.budget.pk,
        actor=supervisor,
        category=BudgetLine.Category.FIELDWORK,
        estimate_amount=Decimal("100"),
    )
    plans.submit_plan(plan_id=plan.pk, actor=supervisor)
    plans.approve_plan(plan_id=plan.pk, actor=director)
    budgets.submit_budget(budget_id=plan.budget.pk, actor=supervisor)
    budgets.approve_budget(budget_id=plan.budget.pk, actor=director)
    questionnaires.create_questionnaire(
        plan_id=plan.pk, actor=supervisor, title="问卷", language="zh-hans", is_anonymous=False, introduction=""
    )
    reports.create_report(plan_id=plan.pk, actor=supervisor, kind=SurveyReport.Kind.SURVEY)
    plans.start_plan(plan_id=plan.pk, actor=supervisor)
    plans.complete_plan(plan_id=plan.pk, actor=supervisor)
    return SurveyPlan.objects.get(pk=plan.pk)


@pytest.fixture
def archived(supervisor, director, specialist):
    plan = completed_plan(supervisor, director)
    return archive_plan(plan_id=plan.pk, actor=specialist)


def test_the_specialist_archives_a_completed_plan(archived, specialist):
    assert archived.status == SurveyPlan.Status.ARCHIVED
    assert archived.archive_number == f"{YEAR}-0001"
    assert archived.archived_at is not None
    node = archived.milestones.get(node=PlanMilestone.Node.ARCHIVE)
    assert node.done_on == TODAY and node.done_by == specialist and archived.archive_number in node.note


def test_archive_numbers_are_unique_and_sequential_per_year(supervisor, director, specialist):
    ArchiveSequence.objects.create(year=YEAR - 1, last_number=41)
    numbers = [
        archive_plan(plan_id=completed_plan(supervisor, director, f"计划 {n}").pk, actor=specialist).archive_number
        for n in range(3)
    ]
    assert numbers == [f"{YEAR}-0001", f"{YEAR}-0002", f"{YEAR}-0003"]
    assert ArchiveSequence.objects.get(year=YEAR - 1).last_number == 41


@pytest.mark.django_db(transaction=True)
def test_a_number_is_never_given_twice_even_when_the_archiving_fails(supervisor, director, specialist):
    # A plan filed by hand already holds the next number: the archiving fails, its number is not given again.
    SurveyPlanFactory(title="手工归档", archive_number=f"{YEAR}-0001")
    plan = completed_plan(supervisor, director)
    with pytest.raises(ArchiveError, match=f"{YEAR}-0001"):
        archive_plan(plan_id=plan.pk, actor=specialist)
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.COMPLETED and plan.archive_number is None
    assert archive_plan(plan_id=plan.pk, actor=specialist).archive_number == f"{YEAR}-0002"


@pytest.mark.parametrize("state", ["draft", "approved", "in_progress"])
def test_archiving_a_plan_that_is_not_completed_is_refused(supervisor, director, specialist, state):
    plan = plans.create_plan(actor=supervisor, **plan_fields(supervisor))
    if state != "draft":
        plans.submit_plan(plan_id=plan.pk, actor=supervisor)
        plans.approve_plan(plan_id=plan.pk, actor=director)
    if state == "in_progress":
        plans.start_plan(plan_id=plan.pk, actor=supervisor)
    with pytest.raises(ArchiveError, match="only a completed plan"):
        archive_plan(plan_id=plan.pk, actor=specialist)
    # A refused archiving draws no number.
    assert not ArchiveSequence.objects.filter(last_number__gt=0).exists()


def test_archiving_twice_is_refused_and_only_the_cx_office_archives(archived, supervisor, director, persona):
    with pytest.raises(ArchiveError, match="already archived"):
        archive_plan(plan_id=archived.pk, actor=director)
    other = completed_plan(supervisor, director, "另一个计划")
    for role in (Role.GENERAL_MANAGER, Role.ACCOUNT_MANAGER):
        with pytest.raises(PermissionDenied):
            archive_plan(plan_id=other.pk, actor=persona(f"user-{role}", role))


def every_write(plan, actor):
    """Each write service on an archived plan or its material, as a callable."""
    line = BudgetLine.objects.get(budget__plan=plan)
    questionnaire = Questionnaire.objects.get(plan=plan)
    section = SectionFactory(questionnaire=questionnaire)
    report = SurveyReport.objects.get(plan=plan)
    milestone = plan.milestones.get(node=PlanMilestone.Node.ANALYSE)
    return {
        "update plan": lambda: plans.update_plan(plan_id=plan.pk, actor=actor, goal="x"),
        "reschedule node": lambda: plans.reschedule_milestone(
            milestone_id=milestone.pk, actor=actor, due_date=TODAY, owner=actor
        ),
        "node done": lambda: plans.complete_milestone(milestone_id=milestone.pk, actor=actor),
        "budget line": lambda: budgets.add_budget_line(
            budget_id=plan.budget.pk, actor=actor, category=BudgetLine.Category.LABOUR, estimate_amount=Decimal("1")
        ),
        "actual amount": lambda: budgets.record_actual_amount(line_id=line.pk, actor=actor, actual_amount=Decimal("1")),
        "questionnaire": lambda: questionnaires.update_questionnaire(
            questionnaire_id=questionnaire.pk,
            actor=actor,
            title="x",
            language="zh-hans",
            is_anonymous=False,
            introduction="",
        ),
        "section": lambda: questionnaires.update_section(section_id=section.pk, actor=actor, title="x"),
        "new questionnaire": lambda: questionnaires.create_questionnaire(
            plan_id=plan.pk, actor=actor, title="x", language="zh-hans", is_anonymous=False, introduction=""
        ),
        "report": lambda: reports.update_report(
            report_id=report.pk, actor=actor, findings="x", conclusions="y", recommendations=""
        ),
        "new report": lambda: reports.create_report(plan_id=plan.pk, actor=actor, kind=SurveyReport.Kind.ANALYSIS),
    }


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DIRECTOR, Role.SPECIALIST])
def test_editing_archived_material_is_refused_for_every_role(archived, persona, supervisor, role):
    actor = supervisor if role == Role.SUPERVISOR else persona(f"user-{role}", role)
    for name, write in every_write(archived, actor).items():
        with pytest.raises(PermissionDenied):
            write()
            pytest.fail(f"{name} was allowed on an archived plan")
    archived.refresh_from_db()
    assert archived.goal == "了解客户满意度"
    assert SurveyReport.objects.get(plan=archived).findings == ""
    assert Section.objects.filter(questionnaire__plan=archived, title="x").count() == 0


def test_archived_pages_hide_edit_buttons_and_refuse_posts(as_user, archived, supervisor, director):
    client = as_user(director)
    plan_page = client.get(archived.get_absolute_url()).content.decode()
    assert archived.archive_number in plan_page
    assert reverse("surveys:plan-edit", args=[archived.pk]) not in plan_page
    assert reverse("surveys:questionnaire-create", args=[archived.pk]) not in plan_page
    assert "Draft the survey report" not in plan_page and "Archive the plan" not in plan_page
    report = SurveyReport.objects.get(plan=archived)
    report_page = client.get(report.get_absolute_url()).content.decode()
    assert reverse("surveys:report-edit", args=[report.pk]) not in report_page
    questionnaire = Questionnaire.objects.get(plan=archived)
    questionnaire_page = client.get(questionnaire.get_absolute_url()).content.decode()
    assert reverse("surveys:questionnaire-edit", args=[questionnaire.pk]) not in questionnaire_page
    budget_page = client.get(reverse("surveys:budget-detail", args=[archived.pk])).content.decode()
    assert "Add a line" not in budget_page and 'name="actual_amount"' not in budget_page
    supervisor_client = as_user(supervisor)
    refused = [
        (reverse("surveys:plan-edit", args=[archived.pk]), {"title": "x"}),
        (reverse("surveys:report-edit", args=[report.pk]), {"findings": "x", "conclusions": "y"}),
        (reverse("surveys:questionnaire-edit", args=[questionnaire.pk]), {"title": "x", "language": "zh-hans"}),
        (reverse("surveys:budget-line-add", args=[archived.pk]), {"category": "labour", "estimate_amount": "1"}),
    ]
    for url, data in refused:
        assert supervisor_client.post(url, data).status_code == 403, url
    line = BudgetLine.objects.get(budget__plan=archived)
    assert (
        as_user(director)
        .post(reverse("surveys:budget-actual", args=[archived.pk, line.pk]), {"actual_amount": "9"})
        .status_code
        == 403
    )
    line.refresh_from_db()
    assert line.actual_amount is None


def test_the_admin_cannot_change_archived_material(client, archived, persona, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-123456789")
    client.force_login(admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = reverse("admin:surveys_surveyplan_change", args=[archived.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "changed", "goal": "changed", "status": "draft"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:surveys_surveyplan_delete", args=[archived.pk]), {"post": "yes"}).status_code == 403
    )
    report = SurveyReport.objects.get(plan=archived)
    assert (
        client.post(reverse("admin:surveys_surveyreport_change", args=[report.pk]), {"findings": "x"}).status_code
        == 403
    )
    archived.refresh_from_db()
    assert archived.title == "2027 客户满意度调研" and archived.status == SurveyPlan.Status.ARCHIVED


def test_the_archive_page_searches_and_filters_by_year(as_user, archived, director, supervisor, specialist):
    other = archive_plan(plan_id=completed_plan(supervisor, director, "售后回访").pk, actor=specialist)
    client = as_user(director)

    def titles(**params):
        return [plan.title for plan in client.get(reverse("surveys:archive-list"), params).context["plans"]]

    assert set(titles()) == {archived.title, other.title}
    assert titles(q=other.archive_number) == [other.title]
    assert titles(q="售后") == [other.title]
    assert titles(q="2027") == [archived.title]
    assert set(titles(year=str(YEAR))) == {archived.title, other.title}
    page = client.get(reverse("surveys:archive-list")).content.decode()
    assert reverse("surveys:budget-detail", args=[archived.pk]) in page
    assert SurveyReport.objects.get(plan=archived).get_absolute_url() in page


@pytest.mark.parametrize("count", [1, 30])
def test_archive_list_query_count_is_flat(as_user, director, supervisor, count, django_assert_max_num_queries):
    for number in range(count):
        plan = SurveyPlanFactory(
            title=f"归档计划 {number}",
            owner=supervisor,
            status=SurveyPlan.Status.ARCHIVED,
            archive_number=f"{YEAR}-{number + 1:04d}",
            archived_at=timezone.now(),
        )
        SurveyReport.objects.create(plan=plan, kind=SurveyReport.Kind.SURVEY, created_by=supervisor)
        Questionnaire.objects.create(plan=plan, title="问卷", created_by=supervisor)
    ArchiveSequence.objects.create(year=YEAR, last_number=count)
    client = as_user(director)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("surveys:archive-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count
