"""Improvement plans (改进方案): drafted by the general manager, detailed by the supervisor, carried out by the
actions' owners and reviewed periodically."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cxcenter.figures import PeriodFigure
from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from feedback.models import ActionProgress, Attachment, ImprovementAction, ImprovementPlan, ImprovementReview
from feedback.period_figures import process_improvement
from feedback.services import improvements as services
from feedback.services.improvements import ImprovementError
from feedback.tests.factories import CaseFactory, ImprovementActionFactory, ImprovementPlanFactory
from surveys.models import PainPoint, SurveyReport
from surveys.services.pain_points import create_pain_point
from surveys.tests.factories import SurveyPlanFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def private_files(settings, tmp_path):
    """Evidence files go to a temporary private folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def pain_point(supervisor):
    return create_pain_point(
        actor=supervisor, category=PainPoint.Category.AFTER_SALES, description="售后上门太慢", note="客户来电"
    )


@pytest.fixture
def owner(persona):
    return persona("owner", Role.SPECIALIST)


def running_plan(general_manager, supervisor, pain_point, owner, *, actions=1):
    """A plan put into effect through the services, with `actions` actions owned by `owner`."""
    plan = services.draft_improvement_plan(
        actor=general_manager, title="售后提速", goal="上门时间缩短一半", pain_points=[pain_point]
    )
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    for number in range(actions):
        services.add_improvement_action(
            plan_id=plan.pk,
            actor=supervisor,
            description=f"措施 {number}",
            owner=owner,
            due_date=TODAY + 7 * DAY,
            expected_effect="上门时间 48 小时内",
        )
    return services.start_implementation(plan_id=plan.pk, actor=supervisor)


def test_every_improvement_and_statistics_view_checks_a_role():
    from feedback.urls import improvements, statistics

    patterns = [*improvements.urlpatterns, *statistics.urlpatterns]
    assert [p.name for p in patterns if not hasattr(p.callback, "required_roles")] == []


def test_general_manager_drafts_a_plan_from_a_pain_point_and_a_case(as_user, general_manager, pain_point):
    case = CaseFactory()
    response = as_user(general_manager).post(
        reverse("feedback:improvement-create"),
        {"title": "售后提速", "goal": "上门时间缩短一半", "pain_points": [pain_point.pk], "case_numbers": case.number},
    )
    plan = ImprovementPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert list(plan.pain_points.all()) == [pain_point] and list(plan.cases.all()) == [case]
    assert plan.status == ImprovementPlan.Status.DRAFT and plan.drafted_by == general_manager
    assert timeline_for(plan)[0].action == TimelineEntry.Action.CREATED


def test_draft_link_fills_in_the_sources(as_user, general_manager, pain_point):
    case = CaseFactory()
    url = f"{reverse('feedback:improvement-create')}?pain_point={pain_point.pk}&case={case.pk}&report=x"
    response = as_user(general_manager).get(url)
    assert response.status_code == 200
    assert response.context["form"].initial == {"case_numbers": case.number, "pain_points": [pain_point.pk]}
    assert case.number in response.content.decode()


def test_a_plan_needs_a_source(as_user, general_manager):
    response = as_user(general_manager).post(reverse("feedback:improvement-create"), {"title": "t", "goal": "g"})
    assert response.status_code == 400
    assert "Name what the plan answers" in response.content.decode()
    assert not ImprovementPlan.objects.exists()


def test_an_unknown_case_number_is_refused_next_to_the_field(as_user, general_manager):
    response = as_user(general_manager).post(
        reverse("feedback:improvement-create"), {"title": "t", "goal": "g", "case_numbers": "FB2026-999999, abc"}
    )
    assert response.status_code == 400
    assert "No case has the number FB2026-999999, abc." in response.content.decode()


def test_only_an_approved_report_starts_a_plan(general_manager, supervisor):
    report = SurveyReport.objects.create(
        plan=SurveyPlanFactory(owner=supervisor), kind=SurveyReport.Kind.SURVEY, created_by=supervisor
    )
    with pytest.raises(ImprovementError):
        services.draft_improvement_plan(actor=general_manager, title="t", goal="g", report=report)
    report.status = SurveyReport.Status.APPROVED
    report.save()
    plan = services.draft_improvement_plan(actor=general_manager, title="t", goal="g", report=report)
    assert plan.report == report


def test_approved_report_page_offers_the_general_manager_a_draft_link(as_user, general_manager, supervisor):
    report = SurveyReport.objects.create(
        plan=SurveyPlanFactory(owner=supervisor),
        kind=SurveyReport.Kind.SURVEY,
        created_by=supervisor,
        status=SurveyReport.Status.APPROVED,
    )
    link = f"{reverse('feedback:improvement-create')}?report={report.pk}"
    assert link in as_user(general_manager).get(report.get_absolute_url()).content.decode()
    assert link not in as_user(supervisor).get(report.get_absolute_url()).content.decode()


def test_pain_point_page_offers_the_general_manager_a_draft_link(as_user, general_manager, pain_point):
    page = as_user(general_manager).get(pain_point.get_absolute_url()).content.decode()
    assert f"{reverse('feedback:improvement-create')}?pain_point={pain_point.pk}" in page


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.DIRECTOR, Role.SPECIALIST])
def test_only_the_general_manager_drafts(as_user, persona, role, pain_point):
    user = persona("someone", role)
    assert as_user(user).get(reverse("feedback:improvement-create")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.draft_improvement_plan(actor=user, title="t", goal="g", pain_points=[pain_point])


def test_the_plan_is_detailed_put_into_effect_and_its_pain_point_is_being_improved(
    general_manager, supervisor, pain_point, owner
):
    plan = running_plan(general_manager, supervisor, pain_point, owner, actions=2)
    assert plan.status == ImprovementPlan.Status.IN_PROGRESS and plan.detailed_by == supervisor
    assert plan.actions.count() == 2
    pain_point.refresh_from_db()
    assert pain_point.status == PainPoint.Status.IMPROVING
    moves = [(e.from_status, e.to_status) for e in timeline_for(plan) if e.action == TimelineEntry.Action.TRANSITION]
    assert moves == [("detailing", "in_progress"), ("draft", "detailing")]


def test_the_general_manager_cannot_detail_and_the_supervisor_cannot_draft(general_manager, supervisor, pain_point):
    plan = services.draft_improvement_plan(actor=general_manager, title="t", goal="g", pain_points=[pain_point])
    with pytest.raises(PermissionDenied):
        services.send_for_detailing(plan_id=plan.pk, actor=supervisor)
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    with pytest.raises(PermissionDenied):
        services.add_improvement_action(
            plan_id=plan.pk, actor=general_manager, description="d", owner=supervisor, due_date=TODAY
        )


def test_putting_a_plan_without_actions_into_effect_is_refused_with_a_message(
    as_user, general_manager, supervisor, pain_point
):
    plan = services.draft_improvement_plan(actor=general_manager, title="t", goal="g", pain_points=[pain_point])
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    response = as_user(supervisor).post(reverse("feedback:improvement-start", args=[plan.pk]))
    assert response.status_code == 409
    assert "Add at least one action" in response.content.decode()


def test_an_action_due_in_the_past_is_refused(as_user, general_manager, supervisor, pain_point, owner):
    plan = services.draft_improvement_plan(actor=general_manager, title="t", goal="g", pain_points=[pain_point])
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    response = as_user(supervisor).post(
        reverse("feedback:improvement-action-create", args=[plan.pk]),
        {"description": "d", "owner": owner.pk, "due_date": (TODAY - DAY).isoformat()},
    )
    assert response.status_code == 400 and "cannot be in the past" in response.content.decode()
    response = as_user(supervisor).post(
        reverse("feedback:improvement-action-create", args=[plan.pk]),
        {"description": "d", "owner": owner.pk, "due_date": "not a date"},
    )
    assert response.status_code == 400 and not plan.actions.exists()


def test_the_owner_reports_progress_with_an_evidence_file(
    as_user, general_manager, supervisor, pain_point, owner, private_files
):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    action = plan.actions.get()
    evidence = SimpleUploadedFile("上门记录.txt", "已安排两名工程师".encode(), content_type="text/plain")
    response = as_user(owner).post(
        reverse("feedback:improvement-action-progress", args=[action.pk]), {"note": "已完成排班", "files": [evidence]}
    )
    assert response.status_code == 302
    progress = ActionProgress.objects.get()
    assert progress.note == "已完成排班" and progress.written_by == owner
    assert Attachment.objects.get().progress == progress
    page = as_user(owner).get(plan.get_absolute_url()).content.decode()
    assert "已完成排班" in page and "上门记录.txt" in page


def test_an_action_owner_without_a_reading_role_fetches_their_evidence_and_nobody_else_does(
    as_user, persona, general_manager, supervisor, pain_point, private_files
):
    ops = persona("ops-owner", Role.OPS_SUPERVISOR)
    action = running_plan(general_manager, supervisor, pain_point, ops).actions.get()
    evidence = SimpleUploadedFile("记录.txt", "已更换配件".encode(), content_type="text/plain")
    progress_url = reverse("feedback:improvement-action-progress", args=[action.pk])
    as_user(ops).post(progress_url, {"note": "完成", "files": [evidence]})
    download = reverse("feedback:attachment-download", args=[Attachment.objects.get().pk])
    assert b"".join(as_user(ops).get(download).streaming_content) == "已更换配件".encode()
    assert as_user(persona("other-ops", Role.OPS_SUPERVISOR)).get(download).status_code == 403


def test_a_forbidden_evidence_file_is_refused_and_the_note_is_kept_on_the_form(
    as_user, general_manager, supervisor, pain_point, owner, private_files
):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    action = plan.actions.get()
    program = SimpleUploadedFile("evidence.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = as_user(owner).post(
        reverse("feedback:improvement-action-progress", args=[action.pk]), {"note": "已完成排班", "files": [program]}
    )
    assert response.status_code == 400
    assert "is not a file type we accept" in response.content.decode()
    assert "已完成排班" in response.content.decode()
    assert not ActionProgress.objects.exists() and not Attachment.objects.exists()


@pytest.mark.parametrize("name", ["improvement-action-progress", "improvement-action-done"])
def test_someone_else_cannot_report_on_an_action(as_user, general_manager, supervisor, pain_point, owner, name):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    action = plan.actions.get()
    url = reverse(f"feedback:{name}", args=[action.pk])
    for intruder in (supervisor, general_manager):
        assert as_user(intruder).get(url).status_code == 403
        assert as_user(intruder).post(url, {"note": "x"}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.complete_improvement_action(action_id=action.pk, actor=supervisor)
    action.refresh_from_db()
    assert action.done_on is None and not ActionProgress.objects.exists()


def test_the_owner_marks_an_action_done_on_time_or_late(general_manager, supervisor, pain_point, owner):
    plan = running_plan(general_manager, supervisor, pain_point, owner, actions=2)
    first, second = plan.actions.all()
    services.complete_improvement_action(action_id=first.pk, actor=owner)
    ImprovementAction.objects.filter(pk=second.pk).update(due_date=TODAY - 3 * DAY)
    services.complete_improvement_action(action_id=second.pk, actor=owner, note="延误：配件缺货")
    first.refresh_from_db(), second.refresh_from_db()
    assert first.is_on_time and second.is_done and not second.is_on_time
    with pytest.raises(ImprovementError):
        services.complete_improvement_action(action_id=first.pk, actor=owner)


def test_a_done_date_in_the_future_is_refused(as_user, general_manager, supervisor, pain_point, owner):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    action = plan.actions.get()
    response = as_user(owner).post(
        reverse("feedback:improvement-action-done", args=[action.pk]), {"done_on": (TODAY + DAY).isoformat()}
    )
    assert response.status_code == 400 and "cannot be done in the future" in response.content.decode()
    action.refresh_from_db()
    assert action.done_on is None


def test_progress_before_the_plan_is_in_effect_is_refused(as_user, general_manager, supervisor, pain_point, owner):
    plan = services.draft_improvement_plan(actor=general_manager, title="t", goal="g", pain_points=[pain_point])
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    action = services.add_improvement_action(
        plan_id=plan.pk, actor=supervisor, description="d", owner=owner, due_date=TODAY + DAY
    )
    response = as_user(owner).post(reverse("feedback:improvement-action-progress", args=[action.pk]), {"note": "x"})
    assert response.status_code == 400 and "progress is reported while it is in progress" in response.content.decode()


def test_a_review_stores_the_share_of_actions_done_on_time(as_user, general_manager, supervisor, pain_point, owner):
    plan = running_plan(general_manager, supervisor, pain_point, owner, actions=4)
    on_time, late, overdue, _open = plan.actions.all()
    ImprovementAction.objects.filter(pk=on_time.pk).update(due_date=TODAY - 5 * DAY, done_on=TODAY - 6 * DAY)
    ImprovementAction.objects.filter(pk=late.pk).update(due_date=TODAY - 5 * DAY, done_on=TODAY - 2 * DAY)
    ImprovementAction.objects.filter(pk=overdue.pk).update(due_date=TODAY - 4 * DAY)
    response = as_user(supervisor).post(
        reverse("feedback:improvement-review-create", args=[plan.pk]),
        {
            "period_start": (TODAY - 10 * DAY).isoformat(),
            "period_end": TODAY.isoformat(),
            "findings": "上门时间缩短，但配件供应仍是瓶颈",
            "verdict": "partly",
        },
    )
    assert response.status_code == 302
    review = ImprovementReview.objects.get()
    # Due in the period: on time, late, overdue (the open one is due next week); one of three on time.
    assert review.on_time_rate == Decimal("33.3") and review.reviewed_by == supervisor
    page = as_user(supervisor).get(plan.get_absolute_url()).content.decode()
    assert "33.3%" in page and 'data-state="overdue"' in page and 'data-state="late"' in page


def test_a_review_of_a_period_with_nothing_due_shows_a_dash(as_user, general_manager, supervisor, pain_point, owner):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    review = services.record_improvement_review(
        plan_id=plan.pk,
        actor=supervisor,
        period_start=TODAY - 30 * DAY,
        period_end=TODAY - 20 * DAY,
        findings="尚无到期措施",
        verdict=ImprovementReview.Verdict.PARTLY,
    )
    assert review.on_time_rate is None
    page = as_user(supervisor).get(plan.get_absolute_url()).content.decode()
    assert '<td class="text-end" data-testid="review-on-time">—</td>' in page


def test_a_review_period_that_ends_before_it_starts_is_refused(as_user, general_manager, supervisor, pain_point, owner):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    response = as_user(supervisor).post(
        reverse("feedback:improvement-review-create", args=[plan.pk]),
        {"period_start": TODAY.isoformat(), "period_end": (TODAY - DAY).isoformat(), "findings": "f", "verdict": "x"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The period must end after it starts." in page and "Select a valid choice" in page
    assert not ImprovementReview.objects.exists()


def test_a_plan_closes_once_every_action_is_done_and_reviewed(general_manager, supervisor, pain_point, owner):
    plan = running_plan(general_manager, supervisor, pain_point, owner)
    with pytest.raises(ImprovementError, match="not done"):
        services.close_improvement_plan(plan_id=plan.pk, actor=supervisor)
    services.complete_improvement_action(action_id=plan.actions.get().pk, actor=owner)
    with pytest.raises(ImprovementError, match="Review"):
        services.close_improvement_plan(plan_id=plan.pk, actor=supervisor)
    services.record_improvement_review(
        plan_id=plan.pk, actor=supervisor, period_start=TODAY, period_end=TODAY, findings="f", verdict="effective"
    )
    plan = services.close_improvement_plan(plan_id=plan.pk, actor=supervisor, comment="目标达成")
    assert plan.status == ImprovementPlan.Status.CLOSED


def test_department_on_time_rate_counts_actions_due_in_the_period_in_one_query(django_assert_num_queries):
    start, end = datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)
    ImprovementActionFactory(due_date=datetime.date(2027, 1, 10), done_on=datetime.date(2027, 1, 10))
    ImprovementActionFactory(due_date=datetime.date(2027, 2, 10), done_on=datetime.date(2027, 2, 1))
    ImprovementActionFactory(due_date=datetime.date(2027, 2, 10), done_on=datetime.date(2027, 2, 11))
    ImprovementActionFactory(due_date=datetime.date(2027, 3, 31), done_on=None)
    ImprovementActionFactory(due_date=datetime.date(2027, 4, 1), done_on=datetime.date(2027, 3, 1))
    with django_assert_num_queries(1):
        figure = process_improvement(start, end)
    assert figure == PeriodFigure(2, 4, Decimal("50.0"))
    assert process_improvement(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)).value is None


@pytest.mark.parametrize("count", [1, 30])
def test_list_query_count_stays_flat(as_user, general_manager, django_assert_max_num_queries, count):
    for plan in ImprovementPlanFactory.create_batch(count, drafted_by=general_manager):
        ImprovementActionFactory.create_batch(2, plan=plan)
        plan.cases.add(CaseFactory())
    client = as_user(general_manager)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("feedback:improvement-list"), {"status": "draft", "overdue": "false"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [1, 15])
def test_detail_query_count_stays_flat(
    as_user, general_manager, supervisor, owner, django_assert_max_num_queries, count
):
    plan = ImprovementPlanFactory(drafted_by=general_manager)
    for action in ImprovementActionFactory.create_batch(count, plan=plan, owner=owner):
        ActionProgress.objects.create(action=action, note="进展", written_by=owner)
    plan.cases.add(*CaseFactory.create_batch(count))
    client = as_user(supervisor)
    with django_assert_max_num_queries(16):
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200


def test_an_action_owner_without_a_reader_role_sees_only_their_plans(as_user, persona):
    ops = persona("ops", Role.OPS_SUPERVISOR)
    mine = ImprovementActionFactory(owner=ops).plan
    other = ImprovementPlanFactory()
    client = as_user(ops)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 403
    assert client.get(reverse("feedback:improvement-list")).status_code == 403


def test_list_filters(as_user, general_manager, owner):
    late = ImprovementActionFactory(owner=owner, due_date=TODAY - DAY).plan
    ImprovementActionFactory(due_date=TODAY + DAY)
    client = as_user(general_manager)
    assert list(client.get(reverse("feedback:improvement-list"), {"overdue": "true"}).context["plans"]) == [late]
    assert client.get(reverse("feedback:improvement-list"), {"status": "nonsense"}).status_code == 200
    assert client.get(reverse("feedback:improvement-list"), {"page": "999"}).status_code == 200
    assert client.get(reverse("feedback:improvement-detail", args=[99999])).status_code == 404


def test_demo_plan_is_seeded_once_with_an_action_in_each_state(persona):
    from io import StringIO

    from feedback.demo_improvements import TITLE, seed_improvements

    users = {
        "gm": persona("gm", Role.GENERAL_MANAGER),
        "supervisor": persona("supervisor", Role.SUPERVISOR),
        "specialist": persona("specialist", Role.SPECIALIST),
        "ops": persona("ops", Role.OPS_SUPERVISOR),
        "service": persona("service", Role.SERVICE_SPECIALIST),
    }
    seed_improvements(users=users, stdout=StringIO())
    seed_improvements(users=users, stdout=StringIO())
    plan = ImprovementPlan.objects.get(title=TITLE)
    from feedback.selectors.improvements import action_state

    assert sorted(action_state(action) for action in plan.actions.all()) == ["done", "late", "open", "overdue"]
    assert plan.reviews.get().on_time_rate == Decimal("33.3")
    assert ActionProgress.objects.filter(action__plan=plan).count() == 6


def test_case_page_offers_the_general_manager_a_draft_link(as_user, general_manager, supervisor):
    case = CaseFactory(owner=supervisor)
    link = f"{reverse('feedback:improvement-create')}?case={case.pk}"
    assert link in as_user(general_manager).get(case.get_absolute_url()).content.decode()
    assert link not in as_user(supervisor).get(case.get_absolute_url()).content.decode()


# E-mails to the actions' owners


def test_an_action_given_to_someone_else_is_e_mailed_to_them(
    general_manager, supervisor, pain_point, owner, django_capture_on_commit_callbacks, mailoutbox
):
    plan = services.draft_improvement_plan(actor=general_manager, title="售后提速", goal="g", pain_points=[pain_point])
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    with django_capture_on_commit_callbacks(execute=True):
        action = services.add_improvement_action(
            plan_id=plan.pk,
            actor=supervisor,
            description="上门时间承诺 24 小时",
            owner=owner,
            due_date=TODAY + 7 * DAY,
            expected_effect="投诉减少",
        )
    [message] = mailoutbox
    assert message.to == [owner.email]
    assert "上门时间承诺 24 小时" in message.subject and "售后提速" in message.body
    assert "投诉减少" in message.body and plan.get_absolute_url() in message.body
    # Re-worded for the same owner: no new e-mail; reassigned: the new owner is told.
    for new_owner, told in ((owner, []), (general_manager, [[general_manager.email]])):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.update_improvement_action(
                action_id=action.pk,
                actor=supervisor,
                description="上门时间承诺 12 小时",
                owner=new_owner,
                due_date=action.due_date,
            )
        assert [message.to for message in mailoutbox] == told


def test_an_action_one_gives_oneself_sends_nothing(
    general_manager, supervisor, pain_point, django_capture_on_commit_callbacks, mailoutbox
):
    plan = services.draft_improvement_plan(actor=general_manager, title="t", goal="g", pain_points=[pain_point])
    services.send_for_detailing(plan_id=plan.pk, actor=general_manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_improvement_action(
            plan_id=plan.pk, actor=supervisor, description="d", owner=supervisor, due_date=TODAY
        )
    assert mailoutbox == []
