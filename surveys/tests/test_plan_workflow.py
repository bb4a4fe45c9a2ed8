"""A survey plan from draft to completion: the rules of DOMAIN.md §1."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.workflow import CommentRequired, InvalidTransition
from surveys.models import PlanMilestone, SurveyBudget, SurveyPlan
from surveys.selectors.plans import milestone_progress
from surveys.services import plans as services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def plan_fields(owner, **overrides):
    return {
        "title": "2027 年度客户满意度调研",
        "goal": "了解重点客户对售后服务的满意度",
        "product_type": SurveyPlan.ProductType.SERVICE,
        "method": SurveyPlan.Method.QUESTIONNAIRE,
        "owner": owner,
        "period_start": TODAY - datetime.timedelta(days=10),
        "period_end": TODAY + datetime.timedelta(days=80),
        "report_due": TODAY + datetime.timedelta(days=95),
        **overrides,
    }


@pytest.fixture
def plan(supervisor, specialist):
    return services.create_plan(actor=supervisor, staff=[specialist], **plan_fields(supervisor))


def test_a_new_plan_has_ten_nodes_spread_over_its_period_and_an_empty_budget(plan, specialist, supervisor):
    milestones = list(plan.milestones.all())
    assert [m.node for m in milestones] == list(range(1, 11))
    assert all(plan.period_start <= m.due_date for m in milestones)
    assert [m.due_date for m in milestones] == sorted(m.due_date for m in milestones)
    by_node = {m.node: m for m in milestones}
    assert by_node[PlanMilestone.Node.COLLECT].owner == specialist
    assert by_node[PlanMilestone.Node.REPORT].owner == supervisor
    assert by_node[PlanMilestone.Node.REPORT].due_date == plan.report_due
    assert SurveyBudget.objects.get(plan=plan).status == SurveyBudget.Status.DRAFT
    assert plan.status == SurveyPlan.Status.DRAFT


def test_submit_return_resubmit_approve(plan, supervisor, director):
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    services.return_plan(plan_id=plan.pk, actor=director, comment="请补充调研对象范围")
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.RETURNED
    services.update_plan(plan_id=plan.pk, actor=supervisor, content="覆盖全部重点客户")
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    services.approve_plan(plan_id=plan.pk, actor=director, comment="同意")
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.APPROVED
    assert plan.approved_by == director
    transitions = [
        (e.from_status, e.to_status) for e in timeline_for(plan) if e.action == TimelineEntry.Action.TRANSITION
    ]
    assert transitions == [
        ("submitted", "approved"),
        ("returned", "submitted"),
        ("submitted", "returned"),
        ("draft", "submitted"),
    ]
    assert plan.milestones.get(node=PlanMilestone.Node.PLAN).done_on == TODAY


def test_mails_go_to_the_director_on_submit_and_to_the_owner_on_decision(
    plan, supervisor, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_plan(plan_id=plan.pk, actor=supervisor)
    assert [m.to for m in mail.outbox] == [[director.email]]
    assert plan.title in mail.outbox[0].subject
    assert plan.get_absolute_url() in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.return_plan(plan_id=plan.pk, actor=director, comment="预算说明不足")
    assert mail.outbox[1].to == [supervisor.email]
    assert "预算说明不足" in mail.outbox[1].body


def test_mail_is_written_in_the_recipients_language(plan, supervisor, director, django_capture_on_commit_callbacks):
    director.preferred_language = "en"
    director.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_plan(plan_id=plan.pk, actor=supervisor)
    assert "submitted for your decision" in mail.outbox[0].subject
    director.preferred_language = "zh-hans"
    director.save()
    services.return_plan(plan_id=plan.pk, actor=director, comment="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_plan(plan_id=plan.pk, actor=supervisor)
    assert "待您审批" in mail.outbox[-1].subject


def test_director_cannot_approve_own_plan(persona):
    both = persona("both", Role.SUPERVISOR, Role.DIRECTOR)
    own = services.create_plan(actor=both, **plan_fields(both))
    services.submit_plan(plan_id=own.pk, actor=both)
    with pytest.raises(PermissionDenied):
        services.approve_plan(plan_id=own.pk, actor=both)
    own.refresh_from_db()
    assert own.status == SurveyPlan.Status.SUBMITTED


def test_only_a_director_decides(plan, supervisor, specialist, persona):
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    other_supervisor = persona("other", Role.SUPERVISOR)
    for actor in (specialist, other_supervisor):
        with pytest.raises(PermissionDenied):
            services.approve_plan(plan_id=plan.pk, actor=actor)


def test_returning_needs_a_comment(plan, supervisor, director):
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    with pytest.raises(CommentRequired):
        services.return_plan(plan_id=plan.pk, actor=director, comment=" ")


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_a_submitted_or_approved_plan_cannot_be_edited(plan, supervisor, director, state):
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    if state == "approved":
        services.approve_plan(plan_id=plan.pk, actor=director)
    with pytest.raises(services.PlanError):
        services.update_plan(plan_id=plan.pk, actor=supervisor, title="改过的标题")
    plan.refresh_from_db()
    assert plan.title != "改过的标题"


def test_someone_elses_plan_cannot_be_edited(plan, persona):
    other = persona("other", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        services.update_plan(plan_id=plan.pk, actor=other, title="x")


def test_a_node_cannot_be_done_before_the_plan_is_approved(plan, supervisor, director):
    node = plan.milestones.get(node=PlanMilestone.Node.GOAL)
    with pytest.raises(services.PlanError):
        services.complete_milestone(milestone_id=node.pk, actor=supervisor)
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    services.approve_plan(plan_id=plan.pk, actor=director)
    services.complete_milestone(milestone_id=node.pk, actor=supervisor, note="目标已确认")
    node.refresh_from_db()
    assert node.done_on == TODAY and node.done_by == supervisor
    with pytest.raises(services.PlanError):
        services.complete_milestone(milestone_id=node.pk, actor=supervisor)


def test_a_specialist_marks_their_own_node_but_not_others(plan, supervisor, director, specialist):
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    services.approve_plan(plan_id=plan.pk, actor=director)
    collect = plan.milestones.get(node=PlanMilestone.Node.COLLECT)
    services.complete_milestone(milestone_id=collect.pk, actor=specialist)
    analyse = plan.milestones.get(node=PlanMilestone.Node.ANALYSE)
    with pytest.raises(PermissionDenied):
        services.complete_milestone(milestone_id=analyse.pk, actor=specialist)


def test_start_and_complete(plan, supervisor, director):
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    with pytest.raises(InvalidTransition):
        services.start_plan(plan_id=plan.pk, actor=supervisor)
    services.approve_plan(plan_id=plan.pk, actor=director)
    services.start_plan(plan_id=plan.pk, actor=supervisor)
    services.complete_plan(plan_id=plan.pk, actor=supervisor)
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.COMPLETED and plan.completed_at is not None


def test_rescheduling_moves_a_node_and_can_make_it_overdue(plan, supervisor, specialist):
    node = plan.milestones.get(node=PlanMilestone.Node.SCHEDULE)
    services.reschedule_milestone(
        milestone_id=node.pk, actor=supervisor, due_date=TODAY - datetime.timedelta(days=1), owner=specialist
    )
    node.refresh_from_db()
    assert node.owner == specialist and node.is_overdue
    assert milestone_progress(plan.milestones.all()).overdue >= 1


def test_dates_out_of_order_are_refused(supervisor):
    fields = plan_fields(supervisor, period_end=TODAY - datetime.timedelta(days=30))
    with pytest.raises(services.PlanError):
        services.create_plan(actor=supervisor, **fields)
    assert not SurveyPlan.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_directors_deciding_the_same_plan_at_once_one_wins(supervisor, persona):
    import threading

    from django.db import connections

    first, second = persona("director1", Role.DIRECTOR), persona("director2", Role.DIRECTOR)
    plan = services.create_plan(actor=supervisor, **plan_fields(supervisor))
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    start = threading.Barrier(2)
    outcomes = []

    def decide(service, actor, **extra):
        start.wait()
        try:
            service(plan_id=plan.pk, actor=actor, **extra)
            outcomes.append("won")
        except InvalidTransition as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(services.approve_plan, first)),
        threading.Thread(target=decide, args=(services.return_plan, second), kwargs={"comment": "不同意"}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("won") == 1
    refusal = next(outcome for outcome in outcomes if outcome != "won")
    assert refusal  # the loser is told the plan's current state
    plan.refresh_from_db()
    decisions = [entry.to_status for entry in timeline_for(plan) if entry.to_status in ("approved", "returned")]
    assert decisions == [plan.status]
