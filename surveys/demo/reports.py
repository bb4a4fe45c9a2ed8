"""Demo reports and archive: a completed plan with its approved survey and analysis reports, and an archived plan.

Idempotent: each plan is made once, found by its title.
"""

from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings

from surveys.demo.plans import create_demo_plan, move_to, send_and_answer
from surveys.models import SurveyPlan, SurveyReport
from surveys.services import archive, budgets, plans, questionnaires, reports

REPORTED_PLAN = "2026 年度智能电暖器用户回访调研"
ARCHIVED_PLAN = "2025 年度客户满意度调研"

REPORT_TEXT = {
    SurveyReport.Kind.SURVEY: (
        "本次调研共邀请同意参与调研的客户，约三分之二填写了调研表。客户对产品外观和加热速度评价较高。",
        "总体满意度良好；开关反应速度和包装环保性是主要改进方向。",
        "1. 优化开关响应；2. 改用可回收包装；3. 下季度回访重点客户。",
    ),
    SurveyReport.Kind.ANALYSIS: (
        "按行业看，制造业和零售业客户的回复率最高；大客户的满意度高于普通客户。",
        "价格带集中在 300–500 元，心理价位与定价基本一致。",
        "建议在电商渠道增加 500–700 元的高配型号，并由客户经理跟进大客户需求。",
    ),
}


def seed(*, users: dict, stdout) -> None:
    """Create the demo reports and the archived plan once; a second run finds them and does nothing."""
    created = 0
    # Demo invitations and decisions notify nobody: their e-mails stay in memory.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        with transaction.atomic():
            if not SurveyPlan.objects.filter(title=REPORTED_PLAN).exists():
                seed_reported_plan(users)
                created += 1
        # Archiving draws its number in a transaction of its own (never reused), so it runs outside the block above.
        if not SurveyPlan.objects.filter(title=ARCHIVED_PLAN, status=SurveyPlan.Status.ARCHIVED).exists():
            seed_archived_plan(users)
            created += 1
    archived = SurveyPlan.objects.filter(title=ARCHIVED_PLAN).values_list("archive_number", flat=True).first()
    stdout.write(f"Reports: {created} new plans with reports; archived plan filed as {archived}.")


def seed_reported_plan(users) -> SurveyPlan:
    """A plan run to completion: an approved questionnaire sent to the consenting customers, about two in three
    answered, actual costs, then the survey and analysis reports approved by the director (node 9 done)."""
    supervisor, director, specialist = users["supervisor"], users["director"], users["specialist"]
    plan = create_demo_plan(REPORTED_PLAN, "physical", "questionnaire", -3, users)
    move_to(plan, SurveyPlan.Status.IN_PROGRESS, supervisor, director)
    questionnaire = questionnaires.create_questionnaire(
        plan_id=plan.pk,
        actor=supervisor,
        title="",
        language="zh-hans",
        is_anonymous=False,
        introduction="",
        template_key="physical_product",
    )
    questionnaires.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    questionnaires.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment="同意")
    send_and_answer(
        questionnaire,
        specialist,
        name="2026 年智能电暖器用户回访",
        days=7,
        email_subject="邀请您参与智能电暖器用户回访调研",
        email_message="感谢您使用我们的产品，请抽出几分钟填写调研表。",
        seed=2025,
    )
    for line in plan.budget.lines.all():
        budgets.record_actual_amount(
            line_id=line.pk, actor=specialist, actual_amount=line.estimate_amount * Decimal("0.95")
        )
    plans.complete_plan(plan_id=plan.pk, actor=supervisor, comment="调研已完成。")
    for kind in (SurveyReport.Kind.SURVEY, SurveyReport.Kind.ANALYSIS):
        approved_report(plan, kind, supervisor, director)
    return plan


def approved_report(plan, kind, supervisor, director) -> SurveyReport:
    findings, conclusions, recommendations = REPORT_TEXT[kind]
    report = reports.create_report(plan_id=plan.pk, actor=supervisor, kind=kind)
    reports.update_report(
        report_id=report.pk,
        actor=supervisor,
        findings="\n".join(filter(None, [report.findings, findings])),
        conclusions=conclusions,
        recommendations=recommendations,
    )
    reports.submit_report(report_id=report.pk, actor=supervisor)
    return reports.approve_report(report_id=report.pk, actor=director, comment="同意，请归档。")


def seed_archived_plan(users) -> SurveyPlan:
    """Last year's plan, completed with its approved survey report, filed by the specialist under an archive number."""
    supervisor, director = users["supervisor"], users["director"]
    plan = SurveyPlan.objects.filter(title=ARCHIVED_PLAN).first()
    if plan is None:
        # A run stopped before the archiving finds the completed plan and only archives it.
        with transaction.atomic():
            plan = create_demo_plan(ARCHIVED_PLAN, "service", "questionnaire", -12, users)
            move_to(plan, SurveyPlan.Status.COMPLETED, supervisor, director)
            approved_report(plan, SurveyReport.Kind.SURVEY, supervisor, director)
    return archive.archive_plan(plan_id=plan.pk, actor=users["specialist"], note="调研资料已整理归档。")
