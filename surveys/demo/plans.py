"""Demo plans: an index system, plans in every state, budgets, questionnaires, a sent batch with answers."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from cxcenter.models import Customer
from surveys.answers import ParsedAnswer, frozen_form_questions
from surveys.models import IndexSystem, Question, Questionnaire, SurveyPlan
from surveys.questionnaire_templates import TEMPLATES
from surveys.selectors.index import active_leaf_factors
from surveys.services import budgets, distribution, index, plans, questionnaires, responses

INDEX_TREE = [
    ("产品质量 Product quality", "40", [("外观 Appearance", "30"), ("使用 Use", "40"), ("功能 Functions", "30")]),
    ("服务 Service", "35", [("响应速度 Responsiveness", "50"), ("服务内容 Service content", "50")]),
    ("价格 Price", "25", [("价格合理性 Fair price", "100")]),
]

# title, product type, method, target state, months from today to the period's start
PLANS = [
    ("2027 年度客户满意度调研", "physical", "questionnaire", SurveyPlan.Status.COMPLETED, -8),
    ("智能电暖器新品体验调研", "physical", "questionnaire", SurveyPlan.Status.IN_PROGRESS, -1),
    ("售后服务满意度回访", "service", "interview", SurveyPlan.Status.APPROVED, 0),
    ("重点客户需求深访", "service", "interview", SurveyPlan.Status.SUBMITTED, 1),
    ("体验中心服务质量调研", "service", "feedback", SurveyPlan.Status.RETURNED, 1),
    ("电商渠道购买体验调研", "physical", "business_data", SurveyPlan.Status.DRAFT, 2),
]

BUDGET_LINES = [
    ("questionnaire_design", "问卷设计", "3000.00"),
    ("fieldwork", "上门调研与电话回访", "12000.00"),
    ("analysis", "数据统计分析", "5000.00"),
    ("report", "报告撰写", "4000.00"),
    ("incentives", "抽奖活动奖品", "6000.00"),
]


def seed(*, users: dict, stdout) -> None:
    """Create the demo survey data once; a second run finds it and does nothing."""
    supervisor, director = users["supervisor"], users["director"]
    seed_index_system(supervisor)
    created = 0
    for title, product_type, method, target, month in PLANS:
        if SurveyPlan.objects.filter(title=title).exists():
            continue
        plan = create_demo_plan(title, product_type, method, month, users)
        move_to(plan, target, supervisor, director)
        created += 1
    seed_questionnaires(supervisor, director)
    seed_answers(users["specialist"])
    stdout.write(f"Surveys: {created} new plans ({SurveyPlan.objects.count()} in all).")


def seed_questionnaires(supervisor, director) -> None:
    """One questionnaire from each template on the running plan; the physical product one approved and mapped."""
    plan = SurveyPlan.objects.get(title="智能电暖器新品体验调研")
    if plan.questionnaires.exists():
        return
    leaves = list(active_leaf_factors())
    for number, template_key in enumerate(TEMPLATES):
        questionnaire = questionnaires.create_questionnaire(
            plan_id=plan.pk,
            actor=supervisor,
            title="",
            language="zh-hans" if number % 2 == 0 else "en",
            is_anonymous=template_key == "satisfaction",
            introduction="",
            template_key=template_key,
        )
        if template_key != "physical_product":
            continue
        # Map the rating questions onto the leaf factors in turn, so the index has something to weigh.
        rated = Question.objects.filter(section__questionnaire=questionnaire, kind__in=Question.SCORED_KINDS)
        for position, question in enumerate(rated):
            question.factor = leaves[position % len(leaves)]
            question.save(update_fields=["factor"])
        questionnaires.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
        questionnaires.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment="同意使用")


def seed_answers(specialist) -> None:
    """The approved questionnaire sent to every consenting customer; about two in three have answered."""
    questionnaire = Questionnaire.objects.filter(status=Questionnaire.Status.APPROVED).first()
    if questionnaire is None or questionnaire.batches.exists():
        return
    send_and_answer(
        questionnaire,
        specialist,
        name="2026 年第四季度新品体验调研",
        days=10,
        email_subject="邀请您参与智能电暖器新品体验调研",
        email_message="感谢您试用我们的新品，请抽出几分钟填写调研表。",
        seed=2026,
    )


def send_and_answer(questionnaire, specialist, *, name, days, email_subject, email_message, seed) -> None:
    """A batch to the consenting customers, about two in three of them answering (the same on every machine)."""
    batch = distribution.create_batch(
        questionnaire_id=questionnaire.pk,
        actor=specialist,
        customers=Customer.objects.all(),
        name=name,
        deadline=timezone.now() + datetime.timedelta(days=days),
        email_subject=email_subject,
        email_message=email_message,
    )
    generator = random.Random(seed)
    questions = frozen_form_questions(questionnaire.pk)
    for invitation in batch.invitations.all():
        if generator.random() < 0.35:
            continue
        responses.answer_invitation(
            token=invitation.token, questionnaire_id=questionnaire.pk, answers=demo_answers(questions, generator)
        )


# Ratings rank 1 (good) … 5 (poor). About one customer in twelve is unhappy, and only an unhappy one gives the
# "fairly poor" or "poor" ratings that open a follow-up case (closed loop), as in a real campaign.
SATISFIED_RATINGS, UNHAPPY_RATINGS = [1, 1, 2, 2, 2, 3], [2, 3, 4, 4, 5]
UNHAPPY_SHARE = 1 / 12


def demo_answers(questions, generator) -> list[ParsedAnswer]:
    """Believable answers: mostly good ratings, a choice where there are choices, a few comments."""
    unhappy = generator.random() < UNHAPPY_SHARE
    ratings = UNHAPPY_RATINGS if unhappy else SATISFIED_RATINGS
    answers = []
    for question in questions:
        if question.kind == Question.Kind.RATING:
            answers.append(ParsedAnswer(question.pk, question.kind, number=Decimal(generator.choice(ratings))))
        elif question.kind == Question.Kind.RECOMMEND:
            score = generator.randint(2, 6) if unhappy else generator.randint(6, 10)
            answers.append(ParsedAnswer(question.pk, question.kind, number=Decimal(score)))
        elif question.kind in Question.CHOICE_KINDS and question.choice_ids:
            answers.append(
                ParsedAnswer(question.pk, question.kind, choice_id=generator.choice(sorted(question.choice_ids)))
            )
        elif question.kind == Question.Kind.PRICE_BAND:
            answers.append(ParsedAnswer(question.pk, question.kind, number=Decimal(generator.randint(1, 5))))
        elif question.kind == Question.Kind.TEXT and generator.random() < 0.3:
            answers.append(ParsedAnswer(question.pk, question.kind, text=generator.choice(DEMO_COMMENTS)))
    return answers


DEMO_COMMENTS = ["加热速度很快，外观也好看。", "开关反应有点慢。", "希望有更多颜色可选。", "包装可以更环保一些。"]


def seed_index_system(actor) -> None:
    name = "客户满意度指标体系 Satisfaction index"
    if IndexSystem.objects.filter(name=name).exists():
        return
    system = index.create_index_system(name=name, description="2027", actor=actor)
    for factor_name, weight, children in INDEX_TREE:
        parent = index.add_factor(system_id=system.pk, name=factor_name, weight=Decimal(weight), actor=actor)
        for child_name, child_weight in children:
            index.add_factor(
                system_id=system.pk, parent_id=parent.pk, name=child_name, weight=Decimal(child_weight), actor=actor
            )


def create_demo_plan(title, product_type, method, month, users) -> SurveyPlan:
    supervisor = users["supervisor"]
    start = timezone.localdate().replace(day=1) + datetime.timedelta(days=30 * month)
    plan = plans.create_plan(
        actor=supervisor,
        staff=[users["specialist"]],
        title=title,
        goal="了解客户对产品和服务的体验，找出主要问题并制定改进措施。",
        content="调研对象：近一年购买产品的重点客户和大客户；调研内容：外观、使用、功能、服务与价格。",
        product_type=product_type,
        method=method,
        owner=supervisor,
        period_start=start,
        period_end=start + datetime.timedelta(days=75),
        report_due=start + datetime.timedelta(days=90),
    )
    for category, description, amount in BUDGET_LINES:
        budgets.add_budget_line(
            budget_id=plan.budget.pk,
            actor=supervisor,
            category=category,
            description=description,
            estimate_amount=Decimal(amount),
        )
    return plan


def move_to(plan: SurveyPlan, target: str, supervisor, director) -> None:
    """Walk a plan through the services to its demo state, so stamps and timelines are real."""
    Status = SurveyPlan.Status
    if target == Status.DRAFT:
        return
    plans.submit_plan(plan_id=plan.pk, actor=supervisor)
    if target == Status.SUBMITTED:
        return
    if target == Status.RETURNED:
        plans.return_plan(plan_id=plan.pk, actor=director, comment="请补充调研对象的抽样方法和样本量。")
        return
    plans.approve_plan(plan_id=plan.pk, actor=director, comment="同意按计划执行。")
    budgets.submit_budget(budget_id=plan.budget.pk, actor=supervisor)
    budgets.approve_budget(budget_id=plan.budget.pk, actor=director, comment="同意")
    if target == Status.APPROVED:
        return
    plans.start_plan(plan_id=plan.pk, actor=supervisor)
    for milestone in plan.milestones.filter(done_on=None, due_date__lte=timezone.localdate()):
        plans.complete_milestone(
            milestone_id=milestone.pk, actor=supervisor, note="按期完成", done_on=milestone.due_date
        )
    if target == Status.COMPLETED:
        for line in plan.budget.lines.all():
            budgets.record_actual_amount(
                line_id=line.pk, actor=supervisor, actual_amount=line.estimate_amount * Decimal("1.08")
            )
        plans.complete_plan(plan_id=plan.pk, actor=supervisor)
