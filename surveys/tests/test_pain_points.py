"""The customer pain-point library (客户需求痛点库): sources, frequency, status, merges, pages and export."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.tests.factories import UserFactory
from cxcenter.workflow import InvalidTransition
from surveys.models import Answer, PainPoint, PainPointSource, Question, SummaryProblem
from surveys.services import pain_points as services
from surveys.services import summaries
from surveys.services.pain_points import PainPointError
from surveys.tests.factories import InvitationFactory, SurveyPlanFactory
from surveys.tests.response_builders import answer_invitation, good_answers, survey_questionnaire
from surveys.urls import pain_points as pain_point_urls

pytestmark = pytest.mark.django_db

COMMENTS = ("The switch responds slowly.", "I want more colours.", "The switch is slow.")


@pytest.fixture
def questionnaire(supervisor):
    questionnaire = survey_questionnaire(plan=SurveyPlanFactory(owner=supervisor))
    for comment in COMMENTS:
        invitation = InvitationFactory(batch__questionnaire=questionnaire)
        answer_invitation(invitation, good_answers(questionnaire, Comments=comment))
    return questionnaire


def comment(text: str) -> Answer:
    return Answer.objects.get(question__kind=Question.Kind.TEXT, text=text)


def entry(actor, description="Slow switch", **fields) -> PainPoint:
    return services.create_pain_point(
        actor=actor, category=PainPoint.Category.FUNCTION, description=description, **fields
    )


# Rules of the services


def test_a_free_text_answer_opens_an_entry_with_frequency_one(questionnaire, specialist):
    answer = comment(COMMENTS[0])
    pain_point = entry(specialist, answer_id=answer.pk)
    assert pain_point.frequency == 1 and pain_point.status == PainPoint.Status.OPEN
    assert list(pain_point.sources.values_list("answer_id", flat=True)) == [answer.pk]
    assert timeline_for(pain_point)[0].action == TimelineEntry.Action.CREATED


def test_a_further_source_adds_one_to_the_frequency(questionnaire, specialist):
    pain_point = entry(specialist, answer_id=comment(COMMENTS[0]).pk)
    services.add_pain_point_source(pain_point_id=pain_point.pk, actor=specialist, answer_id=comment(COMMENTS[2]).pk)
    services.add_pain_point_source(pain_point_id=pain_point.pk, actor=specialist, note="Phone call, 3 May")
    pain_point.refresh_from_db()
    assert pain_point.frequency == 3 and pain_point.sources.count() == 3
    assert "Source added: Phone call, 3 May" in timeline_for(pain_point)[0].comment


def test_the_same_answer_cannot_enter_the_library_twice(questionnaire, specialist, supervisor):
    answer = comment(COMMENTS[0])
    first = entry(specialist, answer_id=answer.pk)
    other = entry(supervisor, "Another entry", note="By hand")
    with pytest.raises(PainPointError, match="already in the pain-point library"):
        services.add_pain_point_source(pain_point_id=other.pk, actor=supervisor, answer_id=answer.pk)
    with pytest.raises(PainPointError, match="already in the pain-point library"):
        entry(supervisor, answer_id=answer.pk)
    first.refresh_from_db()
    other.refresh_from_db()
    assert (first.frequency, other.frequency) == (1, 1)
    assert PainPoint.objects.count() == 2


def test_the_database_refuses_a_second_source_for_one_answer(questionnaire, specialist):
    answer = comment(COMMENTS[0])
    pain_point = entry(specialist, answer_id=answer.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        PainPointSource.objects.create(pain_point=pain_point, answer=answer, added_by=specialist)


def test_merge_adds_the_counts_and_moves_the_sources(questionnaire, specialist, supervisor):
    duplicate = entry(specialist, "Switch slow", answer_id=comment(COMMENTS[2]).pk)
    services.add_pain_point_source(pain_point_id=duplicate.pk, actor=specialist, note="Visit")
    target = entry(supervisor, "Slow switch", answer_id=comment(COMMENTS[0]).pk)
    earlier = entry(specialist, "Switch lags", note="Call")
    services.merge_pain_points(source_id=earlier.pk, target_id=duplicate.pk, actor=specialist)

    services.merge_pain_points(source_id=duplicate.pk, target_id=target.pk, actor=supervisor, comment="Same need")

    duplicate.refresh_from_db()
    target.refresh_from_db()
    earlier.refresh_from_db()
    assert target.frequency == 1 + 3
    assert target.sources.count() == 4 and not duplicate.sources.exists()
    assert duplicate.merged_into == target and duplicate.is_merged
    # Entries merged into the duplicate earlier now point at the target directly.
    assert earlier.merged_into == target
    assert "Merged into “Slow switch”." in timeline_for(duplicate)[0].comment
    assert "frequency +3" in timeline_for(target)[0].comment and "Same need" in timeline_for(target)[0].comment


def test_merge_into_itself_is_refused(specialist):
    pain_point = entry(specialist, note="Call")
    with pytest.raises(PainPointError, match="into itself"):
        services.merge_pain_points(source_id=pain_point.pk, target_id=pain_point.pk, actor=specialist)
    pain_point.refresh_from_db()
    assert not pain_point.is_merged and pain_point.frequency == 1


def test_the_database_refuses_an_entry_merged_into_itself(specialist):
    pain_point = entry(specialist, note="Call")
    with pytest.raises(IntegrityError), transaction.atomic():
        PainPoint.objects.filter(pk=pain_point.pk).update(merged_into=pain_point.pk)


def test_merge_into_or_from_a_merged_entry_is_refused(specialist):
    first, second, third = (entry(specialist, f"Need {n}", note="Call") for n in range(3))
    services.merge_pain_points(source_id=first.pk, target_id=second.pk, actor=specialist)
    with pytest.raises(PainPointError, match="itself merged into another entry"):
        services.merge_pain_points(source_id=third.pk, target_id=first.pk, actor=specialist)
    with pytest.raises(PainPointError, match="was merged into"):
        services.merge_pain_points(source_id=first.pk, target_id=third.pk, actor=specialist)
    third.refresh_from_db()
    assert third.frequency == 1 and not third.is_merged


def test_a_merged_entry_is_read_only(specialist):
    duplicate, target = entry(specialist, "A", note="x"), entry(specialist, "B", note="y")
    services.merge_pain_points(source_id=duplicate.pk, target_id=target.pk, actor=specialist)
    with pytest.raises(PainPointError):
        services.change_pain_point_status(
            pain_point_id=duplicate.pk, actor=specialist, status=PainPoint.Status.IMPROVING
        )
    with pytest.raises(PainPointError):
        services.add_pain_point_source(pain_point_id=duplicate.pk, actor=specialist, note="again")
    with pytest.raises(PainPointError):
        services.update_pain_point(
            pain_point_id=duplicate.pk, actor=specialist, category="price", description="x", severity="low"
        )


def test_status_moves_from_open_to_being_improved_to_solved(specialist):
    pain_point = entry(specialist, note="Call")
    with pytest.raises(InvalidTransition):
        services.change_pain_point_status(pain_point_id=pain_point.pk, actor=specialist, status=PainPoint.Status.SOLVED)
    services.change_pain_point_status(pain_point_id=pain_point.pk, actor=specialist, status=PainPoint.Status.IMPROVING)
    services.change_pain_point_status(
        pain_point_id=pain_point.pk, actor=specialist, status=PainPoint.Status.SOLVED, comment="New firmware"
    )
    pain_point.refresh_from_db()
    assert pain_point.status == PainPoint.Status.SOLVED
    timeline = timeline_for(pain_point)
    assert [(e.from_status, e.to_status) for e in timeline[:2]] == [("improving", "solved"), ("open", "improving")]
    assert timeline[0].comment == "New firmware"


@pytest.mark.parametrize("role", [Role.GENERAL_MANAGER, Role.COMMITTEE, Role.ACCOUNT_MANAGER])
def test_only_the_cx_office_writes_the_library(persona, role):
    with pytest.raises(PermissionDenied):
        entry(persona("someone", role), note="Call")


def test_an_approved_summary_problem_enters_the_library_once(questionnaire, supervisor, director, specialist):
    summary = summaries.create_summary(questionnaire_id=questionnaire.pk, actor=supervisor, summary="Done")
    problem = summaries.add_problem(summary_id=summary.pk, actor=supervisor, severity="major", description="Slow")
    with pytest.raises(PainPointError, match="approved their summary"):
        entry(specialist, problem_id=problem.pk)
    summaries.submit_summary(summary_id=summary.pk, actor=supervisor)
    summaries.approve_summary(summary_id=summary.pk, actor=director)
    pain_point = entry(specialist, problem_id=problem.pk)
    with pytest.raises(PainPointError, match="already in the pain-point library"):
        entry(specialist, "Again", problem_id=problem.pk)
    assert pain_point.sources.get().problem == problem


# Pages


def test_the_same_answer_added_twice_through_the_pages_gives_a_message(as_user, questionnaire, specialist):
    answer = comment(COMMENTS[0])
    client = as_user(specialist)
    url = reverse("surveys:painpoint-from-answer", args=[answer.pk])
    data = {"description": "Slow switch", "category": "function", "severity": "high"}
    response = client.post(url, data)
    pain_point = PainPoint.objects.get()
    assert response.url == pain_point.get_absolute_url()
    again = client.post(url, data, follow=True)
    assert again.status_code == 200
    assert "already in the pain-point library" in again.content.decode()
    assert PainPoint.objects.count() == 1


def test_a_race_on_the_same_answer_gives_a_message_not_a_500(as_user, questionnaire, specialist):
    """Two people open the form; the first saves; the second's existing-entry choice meets the constraint."""
    answer = comment(COMMENTS[0])
    other = entry(specialist, "Other", note="Call")
    client = as_user(specialist)
    url = reverse("surveys:painpoint-from-answer", args=[answer.pk])
    entry(specialist, answer_id=answer.pk)
    response = client.post(url, {"existing": other.pk, "severity": "medium"}, follow=True)
    assert response.status_code == 200 and "already in the pain-point library" in response.content.decode()
    other.refresh_from_db()
    assert other.frequency == 1


def test_an_answer_joins_an_existing_entry_from_the_page(as_user, questionnaire, specialist):
    target = entry(specialist, answer_id=comment(COMMENTS[0]).pk)
    client = as_user(specialist)
    url = reverse("surveys:painpoint-from-answer", args=[comment(COMMENTS[2]).pk])
    response = client.post(url, {"existing": target.pk, "severity": "medium"})
    assert response.url == target.get_absolute_url()
    target.refresh_from_db()
    assert target.frequency == 2


def test_a_new_entry_from_an_answer_needs_a_description_and_category(as_user, questionnaire, specialist):
    url = reverse("surveys:painpoint-from-answer", args=[comment(COMMENTS[0]).pk])
    response = as_user(specialist).post(url, {"description": "", "severity": "medium"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"description", "category"}


def test_the_response_page_offers_the_library_next_to_written_answers(
    as_user, questionnaire, specialist, general_manager
):
    answer = comment(COMMENTS[0])
    page = as_user(specialist).get(reverse("surveys:response-detail", args=[answer.response_id])).content.decode()
    assert reverse("surveys:painpoint-from-answer", args=[answer.pk]) in page
    pain_point = entry(specialist, answer_id=answer.pk)
    page = as_user(specialist).get(reverse("surveys:response-detail", args=[answer.response_id])).content.decode()
    assert pain_point.get_absolute_url() in page
    assert reverse("surveys:painpoint-from-answer", args=[answer.pk]) not in page
    page = as_user(general_manager).get(reverse("surveys:response-detail", args=[answer.response_id]))
    assert "pain-point library</a>" not in page.content.decode()


def test_the_merge_page_merges_and_leads_to_the_target(as_user, specialist):
    duplicate, target = entry(specialist, "A", note="x"), entry(specialist, "B", note="y")
    client = as_user(specialist)
    response = client.post(reverse("surveys:painpoint-merge", args=[duplicate.pk]), {"target": target.pk})
    assert response.url == target.get_absolute_url()
    page = client.get(duplicate.get_absolute_url()).content.decode()
    assert 'data-testid="merged-into"' in page and target.get_absolute_url() in page
    assert reverse("surveys:painpoint-edit", args=[duplicate.pk]) not in page
    target.refresh_from_db()
    assert target.frequency == 2


def test_the_merge_page_does_not_offer_the_entry_itself(as_user, specialist):
    pain_point = entry(specialist, note="x")
    response = as_user(specialist).post(
        reverse("surveys:painpoint-merge", args=[pain_point.pk]), {"target": pain_point.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["target"]
    pain_point.refresh_from_db()
    assert not pain_point.is_merged


def test_the_status_form_changes_the_status(as_user, specialist):
    pain_point = entry(specialist, note="x")
    client = as_user(specialist)
    client.post(reverse("surveys:painpoint-status", args=[pain_point.pk]), {"status": "improving"})
    response = client.post(
        reverse("surveys:painpoint-status", args=[pain_point.pk]), {"status": "improving"}, follow=True
    )
    assert "cannot become" in response.content.decode()
    pain_point.refresh_from_db()
    assert pain_point.status == PainPoint.Status.IMPROVING


def test_the_list_filters_and_hides_merged_entries(as_user, specialist, general_manager):
    entry(specialist, "Price too high", note="x")
    target = services.create_pain_point(
        actor=specialist, category="price", description="Price bands unclear", severity="high"
    )
    duplicate = entry(specialist, "Slow switch", note="y")
    services.merge_pain_points(source_id=duplicate.pk, target_id=target.pk, actor=specialist)
    client = as_user(general_manager)
    url = reverse("surveys:painpoint-list")

    def listed(**params):
        return [p.description for p in client.get(url, params).context["pain_points"]]

    assert "Slow switch" not in listed()
    assert listed(status="merged") == ["Slow switch"]
    assert listed(category="price") == ["Price bands unclear"]
    assert listed(severity="high") == ["Price bands unclear"]
    assert listed(q="too high") == ["Price too high"]
    assert listed()[0] == "Price bands unclear"  # merged into: frequency 2, listed first


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        (Role.SPECIALIST, 200, 200),
        (Role.SUPERVISOR, 200, 200),
        (Role.DIRECTOR, 200, 200),
        (Role.GENERAL_MANAGER, 200, 403),
        (Role.COMMITTEE, 200, 403),
        (Role.OPS_SUPERVISOR, 403, 403),
        (Role.ACCOUNT_MANAGER, 403, 403),
    ],
)
def test_library_pages_by_role(as_user, specialist, persona, role, read, write):
    pain_point = entry(specialist, note="x")
    client = as_user(persona("someone", role))
    assert client.get(reverse("surveys:painpoint-list")).status_code == read
    assert client.get(pain_point.get_absolute_url()).status_code == read
    assert client.get(reverse("surveys:painpoint-create")).status_code == write
    assert client.get(reverse("surveys:painpoint-merge", args=[pain_point.pk])).status_code == write


def test_an_unknown_entry_is_not_found(as_user, specialist):
    assert as_user(specialist).get(reverse("surveys:painpoint-detail", args=[999999])).status_code == 404


def test_every_library_view_checks_a_role():
    unchecked = [p.name for p in pain_point_urls.urlpatterns if not hasattr(p.callback, "required_roles")]
    assert unchecked == []


def test_the_library_is_in_the_surveys_menu(as_user, general_manager):
    page = as_user(general_manager).get(reverse("surveys:painpoint-list")).content.decode()
    assert f'href="{reverse("surveys:painpoint-list")}"' in page


def many_entries(rows: int, description: str = "Need"):
    author = UserFactory()
    PainPoint.objects.bulk_create(
        PainPoint(category="product", description=f"{description} {n}", frequency=n + 1, created_by=author)
        for n in range(rows)
    )


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_is_flat(as_user, specialist, rows, django_assert_max_num_queries):
    many_entries(rows)
    client = as_user(specialist)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("surveys:painpoint-list"))
    assert response.status_code == 200 and response.context["page"].paginator.count == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_detail_query_count_is_flat(as_user, questionnaire, specialist, rows, django_assert_max_num_queries):
    pain_point = entry(specialist, note="x")
    for n in range(rows):
        services.add_pain_point_source(pain_point_id=pain_point.pk, actor=specialist, note=f"Call {n}")
    services.add_pain_point_source(pain_point_id=pain_point.pk, actor=specialist, answer_id=comment(COMMENTS[0]).pk)
    client = as_user(specialist)
    with django_assert_max_num_queries(12):
        response = client.get(pain_point.get_absolute_url())
    assert response.status_code == 200 and len(response.context["sources"]) == rows + 2


@pytest.mark.parametrize("rows", [1, 30])
def test_export_neutralises_formulas_and_query_count_is_flat(
    as_user, specialist, rows, django_assert_max_num_queries, tmp_path
):
    many_entries(rows, description='=HYPERLINK("http://evil")')
    client = as_user(specialist)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("surveys:painpoint-list"), {"export": "xlsx"})
    path = tmp_path / "pain-points.xlsx"
    path.write_bytes(response.content)
    values = list(load_workbook(path).active.iter_rows(values_only=True))
    assert len(values) == rows + 1
    assert values[1][0].startswith("'=HYPERLINK")


def test_the_export_follows_the_filters(as_user, specialist, tmp_path):
    entry(specialist, "Slow switch", note="x")
    services.create_pain_point(actor=specialist, category="price", description="Too dear", severity="high")
    response = as_user(specialist).get(reverse("surveys:painpoint-list"), {"export": "xlsx", "category": "price"})
    path = tmp_path / "pain-points.xlsx"
    path.write_bytes(response.content)
    values = list(load_workbook(path).active.iter_rows(values_only=True))
    assert [row[0] for row in values[1:]] == ["Too dear"]


def test_a_problem_enters_the_library_from_the_summary_page(as_user, questionnaire, supervisor, director, specialist):
    summary = summaries.create_summary(questionnaire_id=questionnaire.pk, actor=supervisor, summary="Done")
    problem = summaries.add_problem(
        summary_id=summary.pk, actor=supervisor, severity=SummaryProblem.Severity.MAJOR, description="Slow switch"
    )
    summaries.submit_summary(summary_id=summary.pk, actor=supervisor)
    summaries.approve_summary(summary_id=summary.pk, actor=director)
    client = as_user(specialist)
    url = reverse("surveys:painpoint-from-problem", args=[problem.pk])
    assert url in client.get(summary.get_absolute_url()).content.decode()
    form = client.get(url).context["form"]
    assert form.initial["severity"] == "high"
    client.post(url, {"description": "Slow switch", "category": "function", "severity": "high"})
    pain_point = PainPoint.objects.get()
    assert pain_point.get_absolute_url() in client.get(summary.get_absolute_url()).content.decode()
