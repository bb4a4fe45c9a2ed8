import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from cxcenter.tests.factories import CustomerFactory, UserFactory
from surveys.models import (
    BudgetLine,
    Choice,
    IndexFactor,
    IndexSystem,
    Invitation,
    InvitationBatch,
    Question,
    Questionnaire,
    Section,
    SurveyBudget,
    SurveyPlan,
)


class SurveyPlanFactory(factory.django.DjangoModelFactory):
    """A plain draft plan row; use surveys.services.plans.create_plan for one with milestones and a budget."""

    class Meta:
        model = SurveyPlan

    title = factory.Sequence(lambda n: f"2027 客户满意度调研 {n}")
    goal = "了解客户对新产品的满意度"
    product_type = SurveyPlan.ProductType.PHYSICAL
    method = SurveyPlan.Method.QUESTIONNAIRE
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")
    period_start = datetime.date(2027, 1, 1)
    period_end = datetime.date(2027, 3, 31)
    report_due = datetime.date(2027, 4, 15)


class SurveyBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyBudget

    plan = factory.SubFactory(SurveyPlanFactory)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    budget = factory.SubFactory(SurveyBudgetFactory)
    category = BudgetLine.Category.FIELDWORK
    estimate_amount = Decimal("1000.00")


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    plan = factory.SubFactory(SurveyPlanFactory)
    title = factory.Sequence(lambda n: f"客户满意度调查问卷 {n}")
    created_by = factory.SelfAttribute("plan.owner")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    title = factory.Sequence(lambda n: f"部分 {n}")
    position = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    text = factory.Sequence(lambda n: f"问题 {n}")
    kind = Question.Kind.RATING
    position = factory.Sequence(lambda n: n)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE)
    label = factory.Sequence(lambda n: f"选项 {n}")
    position = factory.Sequence(lambda n: n)


class IndexSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexSystem

    name = factory.Sequence(lambda n: f"满意度指标体系 {n}")


class IndexFactorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndexFactor

    system = factory.SubFactory(IndexSystemFactory)
    name = factory.Sequence(lambda n: f"因素 {n}")
    weight = Decimal("100")
    parent = None
    level = factory.LazyAttribute(lambda factor: factor.parent.level + 1 if factor.parent else 1)


class InvitationBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvitationBatch

    questionnaire = factory.SubFactory(QuestionnaireFactory, status=Questionnaire.Status.APPROVED)
    name = factory.Sequence(lambda n: f"第 {n} 批邀请")
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    email_subject = "邀请您参与客户体验调研"
    email_message = "感谢您一直以来的支持。"
    created_by = factory.SelfAttribute("questionnaire.created_by")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    batch = factory.SubFactory(InvitationBatchFactory)
    customer = factory.SubFactory(CustomerFactory)
    email = factory.SelfAttribute("customer.email")
