import datetime
from io import BytesIO

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from cxcenter.models import Role
from surveys.models import PlanMilestone, SurveyPlan
from surveys.services import plans as services
from surveys.tests.factories import SurveyPlanFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

FORM = {
    "title": "售后服务满意度调研",
    "goal": "找出售后服务的主要问题",
    "product_type": "service",
    "method": "questionnaire",
    "period_start": "2027-01-01",
    "period_end": "2027-03-31",
    "report_due": "2027-04-15",
}


def test_every_survey_view_checks_a_role():
    from surveys import urls

    unchecked = [p.name for p in urls.urlpatterns if not hasattr(p.callback, "required_roles")]
    assert unchecked == []
    assert get_resolver().resolve("/surveys/").url_name == "plan-list"


def test_supervisor_drafts_a_plan_through_the_form(as_user, supervisor, specialist):
    response = as_user(supervisor).post(
        reverse("surveys:plan-create"), {**FORM, "owner": supervisor.pk, "staff": [specialist.pk]}
    )
    plan = SurveyPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.milestones.count() == 10 and list(plan.staff.all()) == [specialist]


def test_bad_dates_are_refused_next_to_the_field(as_user, supervisor):
    response = as_user(supervisor).post(
        reverse("surveys:plan-create"), {**FORM, "owner": supervisor.pk, "period_end": "2026-12-01"}
    )
    assert response.status_code == 200
    assert "The period must end after it starts." in response.content.decode()
    assert not SurveyPlan.objects.exists()


@pytest.mark.parametrize(
    ("role", "can_read", "can_create"),
    [
        (Role.SUPERVISOR, True, True),
        (Role.DIRECTOR, True, True),
        (Role.SPECIALIST, True, False),
        (Role.GENERAL_MANAGER, True, False),
        (Role.ACCOUNT_MANAGER, False, False),
        (Role.OPS_SUPERVISOR, False, False),
    ],
)
def test_plan_pages_by_role(as_user, persona, supervisor, role, can_read, can_create):
    plan = services.create_plan(
        actor=supervisor,
        owner=supervisor,
        title="t",
        goal="g",
        product_type="service",
        method="interview",
        period_start=TODAY,
        period_end=TODAY,
        report_due=TODAY,
    )
    client = as_user(persona("someone", role))
    assert client.get(reverse("surveys:plan-list")).status_code == (200 if can_read else 403)
    assert client.get(plan.get_absolute_url()).status_code == (200 if can_read else 403)
    assert client.get(reverse("surveys:plan-create")).status_code == (200 if can_create else 403)


def test_the_director_returns_with_a_comment_from_the_page(as_user, supervisor, director):
    plan = services.create_plan(actor=supervisor, **{**plan_fields(supervisor)})
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    client = as_user(director)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("surveys:plan-approve", args=[plan.pk]) in page
    response = client.post(reverse("surveys:plan-return", args=[plan.pk]), {"comment": ""}, follow=True)
    assert "A comment is required" in response.content.decode()
    client.post(reverse("surveys:plan-return", args=[plan.pk]), {"comment": "请补充预算依据"})
    plan.refresh_from_db()
    assert plan.status == SurveyPlan.Status.RETURNED
    owner_page = as_user(supervisor).get(plan.get_absolute_url()).content.decode()
    assert "请补充预算依据" in owner_page


def test_a_second_decision_on_a_decided_plan_gets_a_clear_message(as_user, supervisor, director):
    plan = services.create_plan(actor=supervisor, **plan_fields(supervisor))
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    services.approve_plan(plan_id=plan.pk, actor=director)
    response = as_user(director).post(reverse("surveys:plan-return", args=[plan.pk]), {"comment": "x"}, follow=True)
    assert response.status_code == 200
    assert "cannot become" in response.content.decode()


def test_the_owner_does_not_see_decision_buttons_on_own_submission(as_user, persona):
    both = persona("both", Role.SUPERVISOR, Role.DIRECTOR)
    plan = services.create_plan(actor=both, **plan_fields(both))
    services.submit_plan(plan_id=plan.pk, actor=both)
    page = as_user(both).get(plan.get_absolute_url()).content.decode()
    assert reverse("surveys:plan-approve", args=[plan.pk]) not in page
    assert as_user(both).post(reverse("surveys:plan-approve", args=[plan.pk])).status_code == 403


def test_list_filters_by_state_owner_and_overdue(as_user, director, supervisor, persona):
    other = persona("other", Role.SUPERVISOR)
    SurveyPlanFactory(title="逾期计划", owner=supervisor, report_due=TODAY - datetime.timedelta(days=1))
    SurveyPlanFactory(title="按期计划", owner=other, report_due=TODAY + datetime.timedelta(days=30))
    client = as_user(director)
    titles = lambda params: [p.title for p in client.get(reverse("surveys:plan-list"), params).context["plans"]]  # noqa: E731
    assert titles({"overdue": "true"}) == ["逾期计划"]
    assert titles({"owner": other.pk}) == ["按期计划"]
    assert titles({"status": "approved"}) == []
    assert set(titles({"period_from": "2027-02-01", "period_to": "2027-02-28"})) == {"逾期计划", "按期计划"}


@pytest.mark.parametrize("count", [1, 1000])
def test_plan_list_query_count_is_flat_with_a_thousand_plans(
    as_user, director, supervisor, count, django_assert_max_num_queries
):
    plans = SurveyPlan.objects.bulk_create(
        SurveyPlan(**{**plan_fields(supervisor), "title": f"计划 {n}"}, created_by=supervisor) for n in range(count)
    )
    PlanMilestone.objects.bulk_create(
        PlanMilestone(plan=plan, node=node, owner=supervisor, due_date=TODAY) for plan in plans for node in (1, 2)
    )
    client = as_user(director)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("surveys:plan-list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("rows", [1, 30])
def test_plan_export_query_count_is_flat(as_user, director, supervisor, rows, django_assert_max_num_queries, tmp_path):
    for n in range(rows):
        SurveyPlanFactory(title=f"=计划{n}", owner=supervisor)
    client = as_user(director)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("surveys:plan-list"), {"export": "xlsx"})
    path = tmp_path / "plans.xlsx"
    path.write_bytes(response.content)
    sheet = load_workbook(path).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == rows + 1
    assert values[1][0].startswith("'=")


def test_plan_detail_query_count_is_flat(as_user, director, supervisor, django_assert_max_num_queries):
    plan = services.create_plan(actor=supervisor, **plan_fields(supervisor))
    client = as_user(director)
    with django_assert_max_num_queries(16):
        assert client.get(plan.get_absolute_url()).status_code == 200


def test_plan_pdf_has_the_plan_and_renders_chinese(as_user, supervisor):
    plan = services.create_plan(actor=supervisor, **plan_fields(supervisor))
    response = as_user(supervisor).get(reverse("surveys:plan-pdf", args=[plan.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "售后服务满意度调研" in text
    assert "调研" in text
    # The Chinese is drawn with a CJK font embedded in the file, not with boxes of a font that lacks it.
    assert any("WenQuanYi" in name or "CJK" in name for name in pdf_fonts(response.content))


def pdf_text(content: bytes) -> str:
    """The text of every page, as a reader of the PDF gets it."""
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> set[str]:
    """The names of the fonts embedded in the pages."""
    return {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(BytesIO(content)).pages
        for font in page["/Resources"].get("/Font", {}).values()
    }


def test_milestone_done_page(as_user, supervisor, director):
    plan = services.create_plan(actor=supervisor, **plan_fields(supervisor))
    node = plan.milestones.get(node=PlanMilestone.Node.GOAL)
    client = as_user(supervisor)
    response = client.post(reverse("surveys:milestone-done", args=[node.pk]), {"note": "x"}, follow=True)
    assert "only once the plan is approved" in response.content.decode()
    services.submit_plan(plan_id=plan.pk, actor=supervisor)
    services.approve_plan(plan_id=plan.pk, actor=director)
    client.post(reverse("surveys:milestone-done", args=[node.pk]), {"note": "目标已确认"})
    node.refresh_from_db()
    assert node.is_done and node.note == "目标已确认"


def plan_fields(owner):
    return {
        "title": FORM["title"],
        "goal": FORM["goal"],
        "product_type": FORM["product_type"],
        "method": FORM["method"],
        "owner": owner,
        "period_start": datetime.date(2027, 1, 1),
        "period_end": datetime.date(2027, 3, 31),
        "report_due": datetime.date(2027, 4, 15),
    }
