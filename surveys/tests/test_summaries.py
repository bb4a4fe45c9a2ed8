"""Result summary tables (客户体验结果汇总表): problems, the director's review, the rules, the pages."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.workflow import InvalidTransition
from surveys.models import Answer, Questionnaire, ResultSummary, SummaryProblem, SurveyPlan
from surveys.selectors import summaries as selectors
from surveys.services import summaries as services
from surveys.services.summaries import SummaryError
from surveys.tests.factories import InvitationFactory, QuestionnaireFactory, SurveyPlanFactory
from surveys.tests.response_builders import answer_invitation, good_answers, question, survey_questionnaire
from surveys.urls import summaries as summary_urls

pytestmark = pytest.mark.django_db

SUMMARY_TEXT = "Most customers like the heater; the switch is slow to respond."


@pytest.fixture
def questionnaire(supervisor):
    """An approved questionnaire of the supervisor's plan, answered twice."""
    questionnaire = survey_questionnaire(plan=SurveyPlanFactory(owner=supervisor))
    for comment in ("The switch responds slowly.", "Works well."):
        answered(questionnaire, comment)
    return questionnaire


def answered(questionnaire, comment: str):
    invitation = InvitationFactory(batch__questionnaire=questionnaire)
    return answer_invitation(invitation, good_answers(questionnaire, Comments=comment))


def comment_answer(questionnaire, text: str) -> Answer:
    return Answer.objects.get(response__questionnaire=questionnaire, text=text)


def drafted(questionnaire, actor, text: str = SUMMARY_TEXT) -> ResultSummary:
    return services.create_summary(questionnaire_id=questionnaire.pk, actor=actor, summary=text)


def add_major_problem(summary, actor) -> SummaryProblem:
    questionnaire = summary.questionnaire
    return services.add_problem(
        summary_id=summary.pk,
        actor=actor,
        severity=SummaryProblem.Severity.MAJOR,
        description="The switch responds slowly",
        questions=[question(questionnaire, "Overall")],
        answers=[comment_answer(questionnaire, "The switch responds slowly.")],
    )


def submitted(questionnaire, actor) -> ResultSummary:
    summary = drafted(questionnaire, actor)
    return services.submit_summary(summary_id=summary.pk, actor=actor)


def approved(questionnaire, author, director) -> ResultSummary:
    summary = submitted(questionnaire, author)
    return services.approve_summary(summary_id=summary.pk, actor=director)


# Rules of the services


def test_supervisor_writes_the_summary_and_the_director_approves_it(questionnaire, supervisor, director):
    summary = drafted(questionnaire, supervisor, "")
    services.update_summary(summary_id=summary.pk, actor=supervisor, summary=SUMMARY_TEXT)
    problem = add_major_problem(summary, supervisor)
    services.submit_summary(summary_id=summary.pk, actor=supervisor)
    services.approve_summary(summary_id=summary.pk, actor=director, comment="Agreed")
    summary.refresh_from_db()
    assert summary.status == ResultSummary.Status.APPROVED and summary.approved_by == director
    assert summary.submitted_by == supervisor and summary.summary == SUMMARY_TEXT
    assert [q.text for q in problem.questions.all()] == ["Overall"]
    assert [a.text for a in problem.answers.all()] == ["The switch responds slowly."]
    actions = [(entry.action, entry.to_status) for entry in timeline_for(summary)]
    assert actions == [
        (TimelineEntry.Action.TRANSITION, ResultSummary.Status.APPROVED),
        (TimelineEntry.Action.TRANSITION, ResultSummary.Status.SUBMITTED),
        (TimelineEntry.Action.UPDATED, ""),
        (TimelineEntry.Action.UPDATED, ""),
        (TimelineEntry.Action.CREATED, ""),
    ]


def test_director_cannot_approve_own_summary(questionnaire, director):
    summary = submitted(questionnaire, director)
    with pytest.raises(PermissionDenied):
        services.approve_summary(summary_id=summary.pk, actor=director)
    with pytest.raises(PermissionDenied):
        services.return_summary(summary_id=summary.pk, actor=director, comment="Redo")
    summary.refresh_from_db()
    assert summary.status == ResultSummary.Status.SUBMITTED


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SPECIALIST, Role.GENERAL_MANAGER])
def test_only_a_director_decides_on_a_summary(questionnaire, supervisor, persona, role):
    summary = submitted(questionnaire, supervisor)
    with pytest.raises(PermissionDenied):
        services.approve_summary(summary_id=summary.pk, actor=persona("someone", role))


def test_return_without_comment_is_refused(questionnaire, supervisor, director):
    summary = submitted(questionnaire, supervisor)
    with pytest.raises(SummaryError, match="needs a comment"):
        services.return_summary(summary_id=summary.pk, actor=director, comment="  ")
    summary.refresh_from_db()
    assert summary.status == ResultSummary.Status.SUBMITTED


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_editing_a_submitted_or_approved_summary_is_refused(questionnaire, supervisor, director, state):
    summary = submitted(questionnaire, supervisor)
    if state == "approved":
        services.approve_summary(summary_id=summary.pk, actor=director)
    with pytest.raises(SummaryError, match="can be changed only as a draft"):
        services.update_summary(summary_id=summary.pk, actor=supervisor, summary="Changed")
    with pytest.raises(SummaryError):
        add_major_problem(summary, supervisor)
    summary.refresh_from_db()
    assert summary.summary == SUMMARY_TEXT and not summary.problems.exists()


def test_a_returned_summary_is_fixed_and_resubmitted(questionnaire, supervisor, director):
    summary = submitted(questionnaire, supervisor)
    services.return_summary(summary_id=summary.pk, actor=director, comment="Classify the problems")
    problem = add_major_problem(summary, supervisor)
    services.update_problem(
        problem_id=problem.pk,
        actor=supervisor,
        severity=SummaryProblem.Severity.MINOR,
        description="Slow switch",
        questions=[],
        answers=[],
    )
    services.submit_summary(summary_id=summary.pk, actor=supervisor)
    summary.refresh_from_db()
    problem.refresh_from_db()
    assert summary.status == ResultSummary.Status.SUBMITTED
    assert problem.severity == SummaryProblem.Severity.MINOR and not problem.questions.exists()


def test_a_summary_is_decided_once(questionnaire, supervisor, director):
    summary = approved(questionnaire, supervisor, director)
    with pytest.raises(InvalidTransition):
        services.return_summary(summary_id=summary.pk, actor=director, comment="Too late")


def test_a_summary_without_text_cannot_be_submitted(questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor, "")
    with pytest.raises(SummaryError, match="Write the summary"):
        services.submit_summary(summary_id=summary.pk, actor=supervisor)


def test_only_an_approved_questionnaire_gets_a_summary(supervisor):
    questionnaire = QuestionnaireFactory(plan=SurveyPlanFactory(owner=supervisor))
    with pytest.raises(SummaryError, match="approved questionnaire"):
        drafted(questionnaire, supervisor)
    assert not ResultSummary.objects.exists()


def test_a_questionnaire_has_one_summary(questionnaire, supervisor, director):
    drafted(questionnaire, supervisor)
    with pytest.raises(SummaryError, match="already has"):
        drafted(questionnaire, director)
    assert ResultSummary.objects.count() == 1


def test_someone_elses_summary_is_refused(questionnaire, supervisor, director, persona):
    summary = drafted(questionnaire, supervisor)
    other = persona("other-supervisor", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        services.update_summary(summary_id=summary.pk, actor=other, summary="Mine now")
    with pytest.raises(PermissionDenied):
        services.submit_summary(summary_id=summary.pk, actor=other)
    # The director may step in, as on plans.
    services.update_summary(summary_id=summary.pk, actor=director, summary="Reworded")


def test_specialists_do_not_write_summaries(questionnaire, specialist):
    with pytest.raises(PermissionDenied):
        drafted(questionnaire, specialist)


def test_a_problem_points_only_at_its_own_questionnaire(questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    other = survey_questionnaire()
    with pytest.raises(SummaryError, match="this questionnaire"):
        services.add_problem(
            summary_id=summary.pk,
            actor=supervisor,
            severity=SummaryProblem.Severity.MINOR,
            description="Elsewhere",
            questions=[question(other, "Overall")],
        )
    answered(other, "Said elsewhere.")
    with pytest.raises(SummaryError):
        services.add_problem(
            summary_id=summary.pk,
            actor=supervisor,
            severity=SummaryProblem.Severity.MINOR,
            description="Another questionnaire's comment",
            answers=[comment_answer(other, "Said elsewhere.")],
        )
    assert not summary.problems.exists()


def test_archived_plan_refuses_summary_writes(questionnaire, supervisor, director):
    summary = submitted(questionnaire, supervisor)
    SurveyPlan.objects.filter(pk=questionnaire.plan_id).update(status=SurveyPlan.Status.ARCHIVED)
    with pytest.raises(PermissionDenied, match="read-only"):
        services.approve_summary(summary_id=summary.pk, actor=director)
    with pytest.raises(PermissionDenied, match="read-only"):
        services.update_summary(summary_id=summary.pk, actor=supervisor, summary="Late change")
    other = survey_questionnaire(plan=SurveyPlanFactory(owner=supervisor, status=SurveyPlan.Status.ARCHIVED))
    with pytest.raises(PermissionDenied, match="read-only"):
        drafted(other, supervisor)
    summary.refresh_from_db()
    assert summary.status == ResultSummary.Status.SUBMITTED


def test_removing_a_problem_stays_on_the_timeline(questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    problem = add_major_problem(summary, supervisor)
    services.remove_problem(problem_id=problem.pk, actor=supervisor)
    assert not summary.problems.exists()
    assert "Problem removed: Major: The switch responds slowly" in timeline_for(summary)[0].comment


# Inbox and e-mails


def test_submission_mails_the_directors_and_the_decision_the_author(
    questionnaire, supervisor, director, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = submitted(questionnaire, supervisor)
    assert [message.to for message in mail.outbox] == [[director.email]]
    assert questionnaire.title in mail.outbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.return_summary(summary_id=summary.pk, actor=director, comment="Add the price problem")
    assert mail.outbox[1].to == [supervisor.email]
    assert "Add the price problem" in mail.outbox[1].body


def test_summaries_wait_in_the_directors_inbox_but_not_their_own(questionnaire, supervisor, director, persona):
    summary = submitted(questionnaire, supervisor)
    own = survey_questionnaire(plan=SurveyPlanFactory(owner=director))
    submitted(own, director)
    items = selectors.summaries_awaiting_decision(director)
    assert [item.url for item in items] == [summary.get_absolute_url()]
    assert items[0].title == str(questionnaire) and items[0].submitted_by == str(supervisor)
    assert selectors.summaries_awaiting_decision(supervisor) == []
    assert len(selectors.summaries_awaiting_decision(persona("deputy", Role.DIRECTOR))) == 2


# Pages


def test_the_questionnaire_page_leads_to_a_new_summary_then_to_it(as_user, questionnaire, supervisor):
    client = as_user(supervisor)
    page = client.get(questionnaire.get_absolute_url()).content.decode()
    start = reverse("surveys:summary-for-questionnaire", args=[questionnaire.pk])
    assert start in page
    create_url = reverse("surveys:summary-create", args=[questionnaire.pk])
    assert client.get(start).url == create_url
    response = client.post(create_url, {"summary": SUMMARY_TEXT})
    summary = ResultSummary.objects.get()
    assert response.url == summary.get_absolute_url()
    assert client.get(start).url == summary.get_absolute_url()


def test_the_summary_page_shows_figures_problems_and_links(as_user, questionnaire, supervisor, director):
    summary = drafted(questionnaire, supervisor)
    add_major_problem(summary, supervisor)
    page = as_user(director).get(summary.get_absolute_url())
    assert page.status_code == 200
    assert page.context["results"].answered == 2 and page.context["results"].invited == 2
    text = page.content.decode()
    assert 'data-testid="figure-response-rate">100.0%' in text
    assert "The switch responds slowly" in text
    assert reverse("surveys:questionnaire-results", args=[questionnaire.pk]) in text
    assert reverse("surveys:response-detail", args=[comment_answer(questionnaire, "Works well.").response_id]) not in (
        text
    )


def test_the_problem_form_adds_a_problem_with_questions_and_answers(as_user, questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    answer = comment_answer(questionnaire, "The switch responds slowly.")
    client = as_user(supervisor)
    url = reverse("surveys:summary-problem-add", args=[summary.pk])
    assert "The switch responds slowly." in client.get(url).content.decode()
    data = {
        "severity": "major",
        "description": "Slow switch",
        "questions": [question(questionnaire, "Overall").pk],
        "answers": [answer.pk],
    }
    assert client.post(url, data).status_code == 302
    problem = summary.problems.get()
    assert list(problem.answers.all()) == [answer]


def test_the_problem_form_lists_a_page_of_comments_and_finds_the_others(
    as_user, questionnaire, supervisor, monkeypatch
):
    monkeypatch.setattr(selectors, "PROBLEM_ANSWERS_SHOWN", 1)
    summary = drafted(questionnaire, supervisor)
    older = comment_answer(questionnaire, "The switch responds slowly.")
    client = as_user(supervisor)
    url = reverse("surveys:summary-problem-add", args=[summary.pk])
    page = client.get(url).content.decode()
    assert "Works well." in page and "The switch responds slowly." not in page
    found = client.get(url, {"q": "switch"}).content.decode()
    assert "The switch responds slowly." in found and "Works well." not in found
    # A comment not listed on this page is still accepted, and stays listed once ticked.
    data = {"severity": "major", "description": "Slow switch", "answers": [older.pk]}
    assert client.post(url, data).status_code == 302
    problem = summary.problems.get()
    edit_page = client.get(reverse("surveys:summary-problem-edit", args=[problem.pk])).content.decode()
    assert "The switch responds slowly." in edit_page and "Works well." in edit_page


def test_a_forged_comment_id_is_a_form_error(as_user, questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    other = answered(survey_questionnaire(), "Someone else's comment.")
    url = reverse("surveys:summary-problem-add", args=[summary.pk])
    for forged in ("abc", other.text_answers.get().pk):
        response = as_user(supervisor).post(url, {"severity": "minor", "description": "x", "answers": [forged]})
        assert response.status_code == 200 and response.context["form"].errors["answers"]
    assert not summary.problems.exists()


def test_a_missing_description_keeps_the_form(as_user, questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    response = as_user(supervisor).post(
        reverse("surveys:summary-problem-add", args=[summary.pk]), {"severity": "major"}
    )
    assert response.status_code == 200 and response.context["form"].errors["description"]
    assert not summary.problems.exists()


def test_returning_without_a_comment_through_the_page_is_refused(as_user, questionnaire, supervisor, director):
    summary = submitted(questionnaire, supervisor)
    response = as_user(director).post(
        reverse("surveys:summary-return", args=[summary.pk]), {"comment": ""}, follow=True
    )
    assert "needs a comment" in response.content.decode()
    summary.refresh_from_db()
    assert summary.status == ResultSummary.Status.SUBMITTED


def test_editing_a_submitted_summary_through_the_pages_is_refused(as_user, questionnaire, supervisor):
    summary = submitted(questionnaire, supervisor)
    client = as_user(supervisor)
    response = client.post(reverse("surveys:summary-edit", args=[summary.pk]), {"summary": "Changed"}, follow=True)
    assert "can be changed only as a draft" in response.content.decode()
    response = client.post(
        reverse("surveys:summary-problem-add", args=[summary.pk]), {"severity": "minor", "description": "x"}
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.summary == SUMMARY_TEXT and not summary.problems.exists()


def test_the_submitter_sees_no_decision_form_and_is_refused(as_user, questionnaire, director):
    summary = submitted(questionnaire, director)
    client = as_user(director)
    assert 'data-testid="decision"' not in client.get(summary.get_absolute_url()).content.decode()
    assert client.post(reverse("surveys:summary-approve", args=[summary.pk])).status_code == 403


def test_someone_elses_summary_pages_give_403(as_user, questionnaire, supervisor, persona):
    summary = drafted(questionnaire, supervisor)
    client = as_user(persona("other-supervisor", Role.SUPERVISOR))
    assert client.get(reverse("surveys:summary-edit", args=[summary.pk])).status_code == 403
    assert client.post(reverse("surveys:summary-submit", args=[summary.pk])).status_code == 403


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.SUPERVISOR, 200, 200),
        (Role.DIRECTOR, 200, 200),
        (Role.SPECIALIST, 200, 403),
        (Role.GENERAL_MANAGER, 200, 403),
        (Role.OPS_SUPERVISOR, 403, 403),
        (Role.ACCOUNT_MANAGER, 403, 403),
    ],
)
def test_summary_pages_by_role(as_user, questionnaire, persona, role, read, write):
    client = as_user(persona("someone", role))
    summary = drafted(questionnaire, persona("author", Role.SUPERVISOR, Role.DIRECTOR))
    assert client.get(summary.get_absolute_url()).status_code == read
    fresh = survey_questionnaire()
    assert client.get(reverse("surveys:summary-create", args=[fresh.pk])).status_code == write


def test_an_unknown_summary_is_not_found(as_user, supervisor):
    assert as_user(supervisor).get(reverse("surveys:summary-detail", args=[999999])).status_code == 404


def test_every_summary_view_checks_a_role():
    unchecked = [p.name for p in summary_urls.urlpatterns if not hasattr(p.callback, "required_roles")]
    assert unchecked == []


def test_state_changes_accept_only_post(as_user, questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    assert as_user(supervisor).get(reverse("surveys:summary-submit", args=[summary.pk])).status_code == 405


@pytest.mark.parametrize("rows", [1, 30])
def test_summary_page_query_count_is_flat(
    as_user, questionnaire, supervisor, director, rows, django_assert_max_num_queries
):
    summary = drafted(questionnaire, supervisor)
    answer = comment_answer(questionnaire, "The switch responds slowly.")
    for number in range(rows):
        problem = SummaryProblem.objects.create(summary=summary, severity="minor", description=f"Problem {number}")
        problem.questions.add(question(questionnaire, "Overall"))
        problem.answers.add(answer)
    client = as_user(director)
    with django_assert_max_num_queries(25):
        response = client.get(summary.get_absolute_url())
    assert response.status_code == 200 and len(response.context["problems"]) == rows


def test_the_chinese_page_renders(client, questionnaire, supervisor):
    summary = drafted(questionnaire, supervisor)
    client.force_login(supervisor)
    response = client.get(summary.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and 'lang="zh-hans"' in response.content.decode()


def test_readers_without_a_summary_are_sent_back_to_the_questionnaire(as_user, questionnaire, general_manager):
    response = as_user(general_manager).get(reverse("surveys:summary-for-questionnaire", args=[questionnaire.pk]))
    assert response.url == questionnaire.get_absolute_url()
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.APPROVED
