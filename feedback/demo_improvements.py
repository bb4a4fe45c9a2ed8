"""Demo improvement plan (改进方案): from the demo's approved report or its pain points, four actions (one done on
time, one done late, one overdue, one open), progress notes and a review. Idempotent."""

import datetime

from django.utils import timezone

from feedback.models import ActionProgress, ImprovementAction, ImprovementPlan
from feedback.services import improvements as services
from surveys.models import PainPoint, SurveyReport

TITLE = "售后上门服务提速改进方案"
ACTIONS = [
    # (description, expected effect, owner login, due in days from today, done in days from today or None)
    ("重新排班，增加周末上门工程师", "周末上门等待时间缩短到 48 小时以内", "specialist", -20, -22),
    ("配件前置到三个区域仓库", "因缺配件的二次上门减少一半", "ops", -10, -4),
    ("上门服务后 24 小时内电话回访", "回访覆盖率达到 90%", "service", -3, None),
    ("更新售后服务流程并培训客服", "客户对响应速度的满意度提高 10 分", "supervisor", 21, None),
]


def seed_improvements(*, users: dict, stdout) -> None:
    """Create the demo improvement plan once; a second run finds it and does nothing.

    Called by feedback.demo.seed after the cases exist.
    """
    if ImprovementPlan.objects.filter(title=TITLE).exists():
        return
    gm, supervisor = users["gm"], users["supervisor"]
    report = SurveyReport.objects.filter(status=SurveyReport.Status.APPROVED).order_by("pk").first()
    pain_points = list(PainPoint.objects.filter(merged_into=None).order_by("-frequency", "pk")[:2])
    if report is None and not pain_points:
        pain_points = [demo_pain_point(supervisor)]
    plan = services.draft_improvement_plan(
        actor=gm,
        title=TITLE,
        goal="客户反映售后上门慢、配件等待久。三个月内把平均上门时间缩短一半，售后满意度提高 10 分。",
        report=report,
        pain_points=pain_points,
    )
    services.send_for_detailing(plan_id=plan.pk, actor=gm, comment="请主管细化为实施方案")
    today = timezone.localdate()
    actions = [
        services.add_improvement_action(
            plan_id=plan.pk,
            actor=supervisor,
            description=description,
            owner=users[owner],
            # Added with a future date, then moved back: the demo shows actions whose dates have passed.
            due_date=today + datetime.timedelta(days=max(due, 1)),
            expected_effect=effect,
        )
        for description, effect, owner, due, _done in ACTIONS
    ]
    services.start_implementation(plan_id=plan.pk, actor=supervisor)
    for action, (_description, _effect, owner, due, done) in zip(actions, ACTIONS, strict=True):
        ImprovementAction.objects.filter(pk=action.pk).update(due_date=today + datetime.timedelta(days=due))
        services.add_action_progress(action_id=action.pk, actor=users[owner], note="已启动，正在推进。")
        if done is not None:
            ActionProgress.objects.create(action=action, note="已完成，效果见附件记录。", written_by=users[owner])
            services.complete_improvement_action(
                action_id=action.pk, actor=users[owner], done_on=today + datetime.timedelta(days=done)
            )
    services.record_improvement_review(
        plan_id=plan.pk,
        actor=supervisor,
        period_start=today - datetime.timedelta(days=30),
        period_end=today,
        findings="排班调整见效，周末等待明显缩短；配件前置晚了一周；回访尚未开始，需督促。",
        verdict="partly",
    )
    stdout.write(f"Improvement plans: “{TITLE}” with {len(actions)} actions and a review.")


def demo_pain_point(supervisor) -> PainPoint:
    from surveys.services.pain_points import create_pain_point

    return create_pain_point(
        actor=supervisor,
        category=PainPoint.Category.AFTER_SALES,
        description="售后上门等待时间长，配件经常缺货",
        severity=PainPoint.Severity.HIGH,
        note="多位客户来电反映",
    )
