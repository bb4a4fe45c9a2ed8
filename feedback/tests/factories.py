import datetime

import factory
from django.utils import timezone

from cxcenter.tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from feedback.models import Case, ImprovementAction, ImprovementPlan, Referral


class CaseFactory(factory.django.DjangoModelFactory):
    """A plain new complaint row; use feedback.services.cases.record_case for one with its timeline entry."""

    class Meta:
        model = Case

    kind = Case.Kind.COMPLAINT
    channel = Case.Channel.PHONE
    severity = Case.Severity.MEDIUM
    subject = factory.Sequence(lambda n: f"产品加热太慢 {n}")
    description = "客户来电反映加热速度比宣传的慢。"
    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")
    received_at = factory.LazyFunction(timezone.now)
    response_due_at = factory.LazyAttribute(lambda case: case.received_at + datetime.timedelta(hours=24))
    resolution_due_at = factory.LazyAttribute(lambda case: case.received_at + datetime.timedelta(hours=120))


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    department = factory.SubFactory(DepartmentFactory)
    note = "请核实该批次产品的加热元件。"
    referred_by = factory.SelfAttribute("case.owner")


class ImprovementPlanFactory(factory.django.DjangoModelFactory):
    """A plain draft improvement plan; use feedback.services.improvements to move it on."""

    class Meta:
        model = ImprovementPlan

    title = factory.Sequence(lambda n: f"售后响应提速改进方案 {n}")
    goal = "投诉响应时间缩短到 24 小时以内"
    drafted_by = factory.SubFactory(UserFactory)


class ImprovementActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementAction

    plan = factory.SubFactory(ImprovementPlanFactory)
    description = factory.Sequence(lambda n: f"改进措施 {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    expected_effect = "投诉量下降 20%"
