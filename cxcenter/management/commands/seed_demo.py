"""Load the demo organisation: a user per role, departments, 50 customers, then each app's demo data. Idempotent."""

import random

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from cxcenter import demo
from cxcenter.models import Customer, Department, Role, User

DEMO_PASSWORD = "cx-demo-2026"  # noqa: S105 (published demo password)

# login → (role, display name, department code, preferred language)
DEMO_USERS = {
    "director": (Role.DIRECTOR, "王静", "cx", "zh-hans"),
    "supervisor": (Role.SUPERVISOR, "李明", "cx", "zh-hans"),
    "specialist": (Role.SPECIALIST, "张婷", "cx", "zh-hans"),
    "gm": (Role.GENERAL_MANAGER, "陈国华", "office", "zh-hans"),
    "center": (Role.CENTER_DIRECTOR, "刘洋", "centre", "zh-hans"),
    "ops": (Role.OPS_SUPERVISOR, "赵强", "centre", "zh-hans"),
    "service": (Role.SERVICE_SPECIALIST, "孙丽", "centre", "zh-hans"),
    "account": (Role.ACCOUNT_MANAGER, "Emily Zhou", "sales", "en"),
    "committee": (Role.COMMITTEE, "周建国", "office", "zh-hans"),
}

DEPARTMENTS = [
    ("cx", "客户体验部 Customer Experience"),
    ("office", "总经理办公室 General Office"),
    ("centre", "客户体验中心 Experience Centre"),
    ("sales", "销售部 Sales"),
    ("rnd", "研发部 R&D"),
    ("production", "生产部 Production"),
    ("quality", "质量部 Quality"),
    ("after-sales", "售后服务部 After-sales Service"),
    ("logistics", "物流部 Logistics"),
]

SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"]
GIVEN_NAMES = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞"]
ENGLISH_NAMES = [
    "Oliver Smith",
    "Emma Johnson",
    "Liam Brown",
    "Sophia Wilson",
    "Noah Taylor",
    "Mia Anderson",
    "Lucas Martin",
    "Chloe Thompson",
    "Ethan Clarke",
    "Grace Walker",
    "Henry Wright",
    "Ava Robinson",
]
ORGANISATIONS = [
    ("华东智能制造有限公司", "制造业"),
    ("深圳蓝海电子科技有限公司", "电子信息"),
    ("北京远航物流集团", "物流"),
    ("上海新世纪零售连锁", "零售"),
    ("杭州云端信息技术有限公司", "信息技术服务"),
    ("广州康宁医疗器械有限公司", "医疗器械"),
    ("成都天府酒店管理有限公司", "酒店餐饮"),
    ("Harbour Foods Ltd.", "Food and beverage"),
    ("Northwind Trading Co.", "Retail"),
    ("Greenfield Energy plc", "Energy"),
    ("Bluebird Hotels Group", "Hospitality"),
    ("武汉长江建设工程有限公司", "建筑工程"),
    ("南京金陵教育科技", "教育"),
]


class Command(BaseCommand):
    help = "Create the demo users (one per role), departments and customers. Refuses with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo data would go into a real database. Use --force to insist.")
        # Demo decisions notify nobody: their e-mails, sent when the transaction commits, stay in memory.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            self.seed()

    def seed(self):
        departments = {
            code: Department.objects.get_or_create(code=code, defaults={"name": name})[0] for code, name in DEPARTMENTS
        }
        users = {login: self.demo_user(login, *details, departments) for login, details in DEMO_USERS.items()}
        created = self.demo_customers(users["account"])
        self.stdout.write(
            f"Demo data ready: {len(users)} users, {len(departments)} departments, "
            f"{created} new customers ({Customer.objects.count()} in all)."
        )
        for seed in demo.seeders:
            seed(users=users, stdout=self.stdout)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login, (role, display_name, _department, _language) in DEMO_USERS.items():
            self.stdout.write(f"  {login:<11} {Role(role).label}  —  {display_name}")

    def demo_user(self, login, role, display_name, department_code, language, departments):
        user, created = User.objects.get_or_create(
            username=login,
            defaults={
                "display_name": display_name,
                "email": f"{login}@cx-demo.example.com",
                "department": departments[department_code],
                "preferred_language": language,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    def demo_customers(self, account_manager) -> int:
        """Fifty customers with a fixed random seed, so every machine shows the same file."""
        generator = random.Random(2026)
        people = [
            (generator.choice(SURNAMES) + generator.choice(GIVEN_NAMES) + generator.choice(["", *GIVEN_NAMES]), False)
            for _index in range(38)
        ] + [(name, True) for name in ENGLISH_NAMES]
        created = 0
        for number, (name, is_english) in enumerate(people, start=1):
            organisation, industry = generator.choice(ORGANISATIONS)
            _customer, is_new = Customer.objects.get_or_create(
                email=f"customer{number:02d}@cx-demo.example.com",
                defaults={
                    "name": name,
                    "organisation": organisation,
                    "industry": industry,
                    "tier": generator.choice([Customer.Tier.KEY, Customer.Tier.LARGE, *[Customer.Tier.ORDINARY] * 3]),
                    "phone": f"13{generator.randint(100000000, 999999999)}",
                    "wechat": f"wx_{number:03d}" if not is_english else "",
                    "preferred_contact": generator.choice(Customer.ContactWay.values),
                    "account_manager": account_manager if number % 3 else None,
                    "consents_to_surveys": number % 7 != 0,
                },
            )
            created += is_new
        return created
