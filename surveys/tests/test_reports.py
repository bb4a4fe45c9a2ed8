"""Survey and analysis reports (调研报告 / 分析报告): drafting, the review, node 9, the page, PDF and Excel."""

import datetime
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cxcenter.approvals import pending_approvals_for
from cxcenter.models import Customer, Role, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.tests.factories import CustomerFactory
from cxcenter.workflow import InvalidTransition
from surveys.models import PlanMilestone, ResultSummary, SummaryProblem, SurveyPlan, SurveyReport
from surveys.selectors.reports import report_figures
from surveys.services import plans, reports
from surveys.services.reports import ReportError
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import answer_invitation, survey_questionnaire

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
SURVEY, ANALYSIS = SurveyReport.Kind.SURVEY, SurveyReport.Kind.ANALYSIS


def plan_fields(owner, **overrides):
    return {
        "title": "2027 售后服务满意度调研",
        "goal": "找出售后服务的主要问题",
        "product_type": SurveyPlan.ProductType.SERVICE,
        "method": SurveyPlan.Method.QUESTIONNAIRE,
        "owner": owner,
        "period_start": TODAY - datetime.timedelta(days=30),
        "period_end": TODAY + datetime.timedelta(days=30),
        "report_due": TODAY + datetime.timedelta(days=45),
        **overrides,
    }


@pytest.fixture
def draft_plan(supervisor, specialist):
    return plans.create_plan(actor=supervisor, staff=[specialist], **plan_fields(supervisor))


@pytest.fixture
def plan(draft_plan, supervisor, director):
    plans.submit_plan(plan_id=draft_plan.pk, actor=supervisor)
    return plans.approve_plan(plan_id=draft_plan.pk, actor=director)


def with_answers(plan):
    """An approved questionnaire sent to three customers (two industries, two tiers); two have answered."""
    questionnaire = survey_questionnaire(plan=plan, created_by=plan.owner)
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    customers = [
        CustomerFactory(industry="制造业", tier=Customer.Tier.KEY),
        CustomerFactory(industry="制造业", tier=Customer.Tier.ORDINARY),
        CustomerFactory(industry="零售", tier=Customer.Tier.ORDINARY),
    ]
    invitations = [InvitationFactory(batch=batch, customer=customer) for customer in customers]
    for invitation in invitations[:2]:
        answer_invitation(invitation)
    return questionnaire


def written(plan, actor, kind=SURVEY):
    report = reports.create_report(plan_id=plan.pk, actor=actor, kind=kind)
    return reports.update_report(
        report_id=report.pk,
        actor=actor,
        findings="售后响应慢",
        conclusions="总体满意度良好",
        recommendations="缩短响应时间",
    )


def submitted(plan, actor, kind=SURVEY):
    return reports.submit_report(report_id=written(plan, actor, kind).pk, actor=actor)


# Rules of the services


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
def test_a_report_for_a_plan_not_approved_is_refused(draft_plan, supervisor, director, state):
    if state != "draft":
        plans.submit_plan(plan_id=draft_plan.pk, actor=supervisor)
    if state == "returned":
        plans.return_plan(plan_id=draft_plan.pk, actor=director, comment="补充")
    with pytest.raises(ReportError, match="only once the director has approved the plan"):
        reports.create_report(plan_id=draft_plan.pk, actor=supervisor, kind=SURVEY)
    assert not SurveyReport.objects.exists()


def test_a_plan_has_one_report_of_each_kind(plan, supervisor):
    reports.create_report(plan_id=plan.pk, actor=supervisor, kind=SURVEY)
    reports.create_report(plan_id=plan.pk, actor=supervisor, kind=ANALYSIS)
    with pytest.raises(ReportError, match="already has"):
        reports.create_report(plan_id=plan.pk, actor=supervisor, kind=SURVEY)
    with pytest.raises(ReportError):
        reports.create_report(plan_id=plan.pk, actor=supervisor, kind="minutes")
    assert SurveyReport.objects.filter(plan=plan).count() == 2


def test_only_the_plan_owner_or_a_director_writes_reports(plan, specialist, persona):
    for actor in (specialist, persona("other", Role.SUPERVISOR)):
        with pytest.raises(PermissionDenied):
            reports.create_report(plan_id=plan.pk, actor=actor, kind=SURVEY)


def test_findings_start_from_the_problems_of_the_result_summaries(plan, supervisor):
    questionnaire = with_answers(plan)
    summary = ResultSummary.objects.create(questionnaire=questionnaire, created_by=supervisor)
    SummaryProblem.objects.create(summary=summary, severity=SummaryProblem.Severity.MINOR, description="包装不环保")
    SummaryProblem.objects.create(summary=summary, severity=SummaryProblem.Severity.MAJOR, description="开关反应慢")
    report = reports.create_report(plan_id=plan.pk, actor=supervisor, kind=SURVEY)
    lines = report.findings.splitlines()
    assert "开关反应慢" in lines[0] and "Major" in lines[0]
    assert "包装不环保" in lines[1]


def test_submit_return_resubmit_approve_with_timeline_and_mails(
    plan, supervisor, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submitted(plan, supervisor)
    assert [m.to for m in mail.outbox] == [[director.email]]
    with django_capture_on_commit_callbacks(execute=True):
        reports.return_report(report_id=report.pk, actor=director, comment="请补充行业分析")
    assert mail.outbox[-1].to == [supervisor.email] and "请补充行业分析" in mail.outbox[-1].body
    reports.update_report(report_id=report.pk, actor=supervisor, findings="x", conclusions="y", recommendations="")
    reports.submit_report(report_id=report.pk, actor=supervisor)
    reports.approve_report(report_id=report.pk, actor=director, comment="同意")
    report.refresh_from_db()
    assert report.status == SurveyReport.Status.APPROVED and report.approved_by == director
    transitions = [
        (e.from_status, e.to_status) for e in timeline_for(report) if e.action == TimelineEntry.Action.TRANSITION
    ]
    assert transitions == [
        ("submitted", "approved"),
        ("returned", "submitted"),
        ("submitted", "returned"),
        ("draft", "submitted"),
    ]


def test_a_report_needs_findings_and_conclusions_before_submission(plan, supervisor):
    report = reports.create_report(plan_id=plan.pk, actor=supervisor, kind=SURVEY)
    with pytest.raises(ReportError, match="findings and the conclusions"):
        reports.submit_report(report_id=report.pk, actor=supervisor)


def test_director_cannot_approve_own_report(persona):
    both = persona("both", Role.SUPERVISOR, Role.DIRECTOR)
    other_director = persona("other", Role.DIRECTOR)
    plan = plans.create_plan(actor=both, **plan_fields(both))
    plans.submit_plan(plan_id=plan.pk, actor=both)
    plans.approve_plan(plan_id=plan.pk, actor=other_director)
    report = submitted(plan, both)
    with pytest.raises(PermissionDenied):
        reports.approve_report(report_id=report.pk, actor=both)
    with pytest.raises(PermissionDenied):
        reports.return_report(report_id=report.pk, actor=both, comment="x")
    report.refresh_from_db()
    assert report.status == SurveyReport.Status.SUBMITTED
    assert all(item.url != report.get_absolute_url() for item in pending_approvals_for(both))
    assert [item.url for item in pending_approvals_for(other_director)] == [report.get_absolute_url()]


def test_only_a_director_decides_on_a_report(plan, supervisor, specialist):
    report = submitted(plan, supervisor)
    with pytest.raises(PermissionDenied):
        reports.approve_report(report_id=report.pk, actor=specialist)


def test_return_needs_a_comment(plan, supervisor, director):
    report = submitted(plan, supervisor)
    with pytest.raises(ReportError, match="needs a comment"):
        reports.return_report(report_id=report.pk, actor=director, comment="  ")
    report.refresh_from_db()
    assert report.status == SurveyReport.Status.SUBMITTED


def test_a_submitted_report_cannot_be_edited_or_decided_twice(plan, supervisor, director):
    report = submitted(plan, supervisor)
    with pytest.raises(ReportError):
        reports.update_report(report_id=report.pk, actor=supervisor, findings="x", conclusions="y", recommendations="")
    reports.approve_report(report_id=report.pk, actor=director)
    with pytest.raises(InvalidTransition):
        reports.return_report(report_id=report.pk, actor=director, comment="x")


def node_9(plan):
    return plan.milestones.get(node=PlanMilestone.Node.REPORT)


def test_approving_the_survey_report_marks_node_9_done(plan, supervisor, director):
    report = submitted(plan, supervisor)
    assert not node_9(plan).is_done
    reports.approve_report(report_id=report.pk, actor=director, comment="同意")
    node = node_9(plan)
    assert node.done_on == TODAY and node.done_by == director and "同意" in node.note


def test_node_9_waits_for_every_report_of_the_plan(plan, supervisor, director):
    survey = submitted(plan, supervisor)
    analysis = submitted(plan, supervisor, ANALYSIS)
    reports.approve_report(report_id=survey.pk, actor=director)
    assert not node_9(plan).is_done
    reports.approve_report(report_id=analysis.pk, actor=director)
    assert node_9(plan).is_done


def test_an_approved_analysis_report_alone_does_not_finish_node_9(plan, supervisor, director):
    reports.approve_report(report_id=submitted(plan, supervisor, ANALYSIS).pk, actor=director)
    assert not node_9(plan).is_done


# Figures


def test_figures_count_invited_customers_by_industry_and_tier(plan, supervisor):
    with_answers(plan)
    figures = report_figures(plan)
    assert (figures.invited, figures.answered, figures.invited_customers, figures.responses) == (3, 2, 3, 2)
    assert str(figures.response_rate) == "66.7"
    assert {row.label: (row.invited, row.answered) for row in figures.by_industry} == {
        "制造业": (2, 2),
        "零售": (1, 0),
    }
    assert [(row.label, row.invited, row.answered) for row in figures.by_tier] == [
        ("Key customer", 1, 1),
        ("Ordinary customer", 2, 1),
    ]
    assert figures.satisfaction_index is not None
    [results] = figures.questionnaires
    overall = next(result for result in results.questions if result.question.text == "Overall")
    assert overall.answered == 2 and overall.chart_svg.startswith("<svg")
    assert figures.tier_chart.startswith("<svg")


def test_figures_of_a_plan_without_data_divide_by_nothing(plan):
    figures = report_figures(plan)
    assert figures.response_rate is None and figures.satisfaction_index is None
    assert figures.by_tier == [] and figures.questionnaires == [] and figures.tier_chart == ""


# Pages


def test_the_supervisor_drafts_and_submits_through_the_pages(as_user, plan, supervisor):
    client = as_user(supervisor)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Draft the survey report" in page and "Draft the analysis report" in page
    response = client.post(reverse("surveys:report-create", args=[plan.pk, SURVEY]))
    report = SurveyReport.objects.get(plan=plan, kind=SURVEY)
    assert response.url == reverse("surveys:report-edit", args=[report.pk])
    client.post(
        reverse("surveys:report-edit", args=[report.pk]),
        {"findings": "响应慢", "conclusions": "良好", "recommendations": "培训"},
    )
    client.post(reverse("surveys:report-submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == SurveyReport.Status.SUBMITTED and report.findings == "响应慢"


def test_a_report_for_a_plan_not_approved_is_refused_through_the_page(as_user, draft_plan, supervisor):
    response = as_user(supervisor).post(reverse("surveys:report-create", args=[draft_plan.pk, SURVEY]), follow=True)
    assert "only once the director has approved the plan" in response.content.decode()
    assert not SurveyReport.objects.exists()


def test_returning_without_a_comment_through_the_page_is_refused(as_user, plan, supervisor, director):
    report = submitted(plan, supervisor)
    response = as_user(director).post(reverse("surveys:report-return", args=[report.pk]), {"comment": ""}, follow=True)
    assert "needs a comment" in response.content.decode()
    report.refresh_from_db()
    assert report.status == SurveyReport.Status.SUBMITTED


def test_the_detail_page_shows_figures_and_offers_the_decision(as_user, plan, supervisor, director):
    with_answers(plan)
    report = submitted(plan, supervisor)
    page = as_user(director).get(report.get_absolute_url()).content.decode()
    assert "66.7%" in page and "零售" in page and 'data-testid="decision"' in page and "<svg" in page


def test_every_report_view_checks_a_role():
    from surveys.urls import archive
    from surveys.urls import reports as report_urls

    unchecked = [
        p.name for p in [*report_urls.urlpatterns, *archive.urlpatterns] if not hasattr(p.callback, "required_roles")
    ]
    assert unchecked == []


def test_other_roles_are_refused(as_user, plan, supervisor, account_manager):
    report = written(plan, supervisor)
    client = as_user(account_manager)
    assert client.get(report.get_absolute_url()).status_code == 403
    assert client.get(reverse("surveys:report-pdf", args=[report.pk])).status_code == 403


@pytest.mark.parametrize("questions", [1, 2])
def test_detail_page_query_count_does_not_grow_with_responses(
    as_user, plan, supervisor, director, questions, django_assert_max_num_queries
):
    for _number in range(questions):
        with_answers(plan)
    report = written(plan, supervisor)
    with django_assert_max_num_queries(30 + 15 * questions):
        assert as_user(director).get(report.get_absolute_url()).status_code == 200


# PDF and Excel


def pdf_pages(content: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def test_the_pdf_has_a_cover_page_numbers_chinese_text_and_charts(as_user, plan, supervisor, director):
    with_answers(plan)
    report = submitted(plan, supervisor)
    reports.approve_report(report_id=report.pk, actor=director)
    response = as_user(director).get(reverse("surveys:report-pdf", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Content-Type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) >= 3
    text = "\n".join(pages)
    assert "2027 售后服务满意度调研" in pages[0] and "调研计划" in pages[0] and str(director) in pages[0]
    assert f"1 / {len(pages)}" in pages[0] and f"{len(pages)} / {len(pages)}" in pages[-1]
    assert "售后响应慢" in text and "零售" in text
    # The charts are drawn from SVG: their option labels reach the text layer.
    assert "Promoters (9–10)" in text or "推荐者" in text or "Overall" in text
    assert "Ordinary customer" in text or "普通客户" in text


def test_the_workbook_has_a_sheet_per_section_with_numbers_and_safe_cells(as_user, plan, supervisor):
    with_answers(plan)
    report = reports.create_report(plan_id=plan.pk, actor=supervisor, kind=ANALYSIS)
    reports.update_report(
        report_id=report.pk, actor=supervisor, findings="=HYPERLINK(1)", conclusions="良好", recommendations=""
    )
    response = as_user(supervisor).get(reverse("surveys:report-export", args=[report.pk]))
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Overview", "By industry", "By tier", "Questions", "Problems", "Text"]
    overview = dict(row for row in workbook["Overview"].iter_rows(min_row=2, values_only=True))
    assert overview["Invitations"] == 3 and overview["Responses"] == 2
    assert overview["Response rate (%)"] == pytest.approx(66.7)
    industries = {row[0]: row[1:] for row in workbook["By industry"].iter_rows(min_row=2, values_only=True)}
    assert industries["制造业"][:2] == (2, 2)
    questions = list(workbook["Questions"].iter_rows(min_row=2, values_only=True))
    assert any(row[2] == "Overall" and row[3] == 2 for row in questions)
    text = {row[0]: row[1] for row in workbook["Text"].iter_rows(min_row=2, values_only=True)}
    assert text["Findings"] == "'=HYPERLINK(1)"
