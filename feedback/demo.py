"""Demo feedback for `seed_demo`: about 25 cases over every channel, kind, state and severity, some past their
deadlines, some closed with the customer's satisfaction, one referred to another department."""

import datetime
import random

from django.test.utils import override_settings
from django.utils import timezone

from cxcenter.models import Customer, Department
from feedback.demo_improvements import seed_improvements
from feedback.models import Case
from feedback.services import cases as services
from feedback.services import closure

# subject, kind, channel, severity, hours since receipt, target state
CASES = [
    ("电暖器加热速度慢", "complaint", "phone", "high", 6, "new"),
    ("安装师傅迟到两小时", "complaint", "phone", "medium", 50, "acknowledged"),
    ("产品外壳有划痕", "complaint", "letter", "medium", 80, "investigating"),
    ("售后电话长时间无人接听", "complaint", "email", "high", 100, "action"),
    ("体验中心空调太冷", "complaint", "on_site", "low", 30, "awaiting"),
    ("发票开具错误", "complaint", "wechat", "medium", 200, "closed"),
    ("遥控器按键失灵", "complaint", "visit", "critical", 40, "closed"),
    ("Delivery arrived damaged", "complaint", "email", "high", 20, "reopened"),
    ("希望增加定时关机功能", "suggestion", "web", "low", 12, "new"),
    ("建议说明书增加图示", "suggestion", "letter", "low", 300, "closed_direct"),
    ("体验中心讲解员非常专业", "praise", "on_site", "low", 48, "closed_direct"),
    ("Great after-sales service", "praise", "email", "low", 5, "acknowledged"),
    ("延保政策咨询", "enquiry", "phone", "medium", 3, "new"),
    ("如何申请以旧换新", "enquiry", "wechat", "low", 70, "investigating"),
    ("电商渠道价格与门店不一致", "complaint", "web", "medium", 140, "new"),
    ("展示区样机无法开机", "complaint", "on_site", "high", 90, "investigating"),
    ("客服态度生硬", "complaint", "phone", "medium", 400, "closed"),
    ("物流信息长时间未更新", "complaint", "email", "low", 26, "acknowledged"),
    ("产品异味", "complaint", "visit", "critical", 1, "new"),
    ("希望周末延长体验中心开放时间", "suggestion", "on_site", "low", 150, "investigating"),
    ("Smart app keeps logging out", "complaint", "email", "medium", 60, "action"),
    ("配件价格咨询", "enquiry", "phone", "low", 10, "closed_direct"),
    ("维修后再次故障", "complaint", "phone", "high", 260, "closed"),
    ("感谢客户经理及时回访", "praise", "wechat", "low", 24, "new"),
    ("包装过度不环保", "suggestion", "web", "low", 8, "acknowledged"),
]


def seed(*, users: dict, stdout) -> None:
    """The demo cases, then an improvement plan drawn from the survey demo's report or pain points."""
    seed_cases(users=users, stdout=stdout)
    seed_improvements(users=users, stdout=stdout)


def seed_cases(*, users: dict, stdout) -> None:
    """Create the demo cases once; a second run finds them and does nothing.

    Survey follow-up cases may exist already (the survey demo answers invitations): only recorded ones count.
    """
    if Case.objects.exclude(channel=Case.Channel.SURVEY).exists():
        stdout.write(f"Feedback: demo cases already there ({Case.objects.count()} in all).")
        return
    generator = random.Random(2026)
    customers = list(Customer.objects.order_by("pk")[:30])
    departments = list(Department.objects.exclude(code__in=["cx", "office"]).order_by("pk"))
    recorders = [users["specialist"], users["service"], users["account"], users["supervisor"]]
    now = timezone.now()
    # The demo customers' addresses are not real: the confirmation e-mails stay in memory.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for number, (subject, kind, channel, severity, hours, target) in enumerate(CASES):
            customer = customers[number % len(customers)] if customers else None
            owner = recorders[number % len(recorders)]
            if owner == users["account"] and customer is not None and customer.account_manager_id != owner.pk:
                owner = users["specialist"]
            if channel == "web":
                case = services.submit_public_case(
                    kind=kind,
                    subject=subject,
                    description=subject,
                    contact_name=customer.name if customer else "访客",
                    contact_phone="13800000000",
                )
                Case.objects.filter(pk=case.pk).update(
                    received_at=now - datetime.timedelta(hours=hours),
                    response_due_at=now - datetime.timedelta(hours=hours) + sla(severity)[0],
                    resolution_due_at=now - datetime.timedelta(hours=hours) + sla(severity)[1],
                )
            else:
                case = services.record_case(
                    actor=owner,
                    kind=kind,
                    channel=channel,
                    severity=severity,
                    subject=subject,
                    description=f"{subject}。客户希望尽快处理。",
                    customer=customer,
                    received_at=now - datetime.timedelta(hours=hours),
                )
            move_to(case, target, generator, departments, users)
    stdout.write(f"Feedback: {len(CASES)} demo cases ({Case.objects.count()} in all).")


def sla(severity: str) -> tuple[datetime.timedelta, datetime.timedelta]:
    respond, resolve = services.sla_deadlines(severity, timezone.now())
    return respond - timezone.now(), resolve - timezone.now()


def move_to(case: Case, target: str, generator: random.Random, departments, users) -> None:
    if target == "new":
        return
    actor = case.owner if case.channel != Case.Channel.WEB else users["supervisor"]
    services.acknowledge_case(case_id=case.pk, actor=actor)
    if target == "acknowledged":
        return
    services.start_investigation(case_id=case.pk, actor=actor)
    department = departments[case.pk % len(departments)] if departments else None
    if target == "investigating":
        if department is not None and case.pk % 2:
            services.refer_case(case_id=case.pk, actor=actor, department=department, note="请协助核实原因并回复。")
        return
    services.record_handling(
        case_id=case.pk,
        actor=actor,
        department=department,
        cause_category=generator.choice(Case.CauseCategory.values),
        cause="经核实，问题源于该批次产品的质检疏漏。",
        countermeasure="更换产品并加强出厂检验；对相关人员进行培训。",
        resolution="已为客户更换新品，并致电致歉。",
    )
    if target == "action":
        if department is not None:
            referral = services.refer_case(case_id=case.pk, actor=actor, department=department, note="请制定改进措施。")
            services.record_referral_reply(
                referral_id=referral.pk, actor=actor, reply="已调整检验流程。", improvement_status="in_progress"
            )
        services.start_action(case_id=case.pk, actor=actor)
        return
    if target == "closed_direct":
        closure.close_without_confirmation(case_id=case.pk, actor=actor)
        return
    closure.send_resolution(case_id=case.pk, actor=actor)
    if target == "awaiting":
        return
    score = 2 if target == "reopened" else generator.choice([3, 4, 5, 5])
    closure.record_phone_confirmation(case_id=case.pk, actor=actor, satisfaction=score, comment="")
