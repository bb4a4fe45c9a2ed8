"""The questionnaire pages: who may use them, the builder, the live preview, decisions, flat query counts."""

import pytest
from django.core import mail
from django.urls import reverse

from cxcenter.models import Role
from surveys.models import Question, Questionnaire, Section
from surveys.services import questionnaires as services
from surveys.tests.factories import IndexFactorFactory, SurveyPlanFactory
from surveys.urls import questionnaires as questionnaire_urls

from .questionnaire_builders import approved, draft, one_of_each_kind, with_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(supervisor):
    return SurveyPlanFactory(owner=supervisor)


def test_every_questionnaire_view_checks_a_role():
    unchecked = [
        pattern.name for pattern in questionnaire_urls.urlpatterns if not hasattr(pattern.callback, "required_roles")
    ]
    assert unchecked == []


READ_PAGES = ["questionnaire-detail", "questionnaire-preview", "questionnaire-export"]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.SPECIALIST, True),
        (Role.SUPERVISOR, True),
        (Role.DIRECTOR, True),
        (Role.GENERAL_MANAGER, True),
        (Role.COMMITTEE, True),
        (Role.ACCOUNT_MANAGER, False),
        (Role.OPS_SUPERVISOR, False),
    ],
)
def test_survey_readers_read_questionnaires(as_user, persona, plan, supervisor, role, allowed):
    questionnaire = one_of_each_kind(plan, supervisor)
    client = as_user(persona("someone", role))
    expected = 200 if allowed else 403
    assert client.get(reverse("surveys:questionnaire-list")).status_code == expected
    for name in READ_PAGES:
        assert client.get(reverse(f"surveys:{name}", args=[questionnaire.pk])).status_code == expected, name


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.SUPERVISOR, True), (Role.DIRECTOR, True), (Role.SPECIALIST, False), (Role.GENERAL_MANAGER, False)],
)
def test_only_plan_authors_build_questionnaires(as_user, persona, plan, supervisor, role, allowed):
    questionnaire = one_of_each_kind(plan, supervisor)
    section = questionnaire.sections.first()
    question = section.questions.first()
    client = as_user(persona("someone", role))
    expected = 200 if allowed else 403
    pages = [
        reverse("surveys:questionnaire-create", args=[plan.pk]),
        reverse("surveys:questionnaire-import", args=[plan.pk]),
        reverse("surveys:questionnaire-edit", args=[questionnaire.pk]),
        reverse("surveys:section-create", args=[questionnaire.pk]),
        reverse("surveys:section-edit", args=[section.pk]),
        reverse("surveys:question-create", args=[section.pk]),
        reverse("surveys:question-edit", args=[question.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == expected, url
    response = client.post(reverse("surveys:question-move", args=[question.pk]), {"direction": "down"})
    assert response.status_code == (302 if allowed else 403)
    response = client.post(reverse("surveys:questionnaire-submit", args=[questionnaire.pk]))
    assert response.status_code == (302 if allowed else 403)
    expected_status = Questionnaire.Status.IN_REVIEW if allowed else Questionnaire.Status.DRAFT
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == expected_status


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.DIRECTOR, True), (Role.SUPERVISOR, False), (Role.COMMITTEE, False)]
)
def test_only_directors_approve_or_return(as_user, persona, plan, supervisor, role, allowed):
    questionnaire = one_of_each_kind(plan, supervisor)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    client = as_user(persona("decider", role))
    response = client.post(reverse("surveys:questionnaire-approve", args=[questionnaire.pk]))
    assert response.status_code == (302 if allowed else 403)
    expected = Questionnaire.Status.APPROVED if allowed else Questionnaire.Status.IN_REVIEW
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == expected


def test_anonymous_visitors_are_sent_to_the_login_page(client, plan, supervisor):
    questionnaire = draft(plan, supervisor)
    for url in [reverse("surveys:questionnaire-list"), questionnaire.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_starting_from_a_template_on_the_create_page(as_user, plan, supervisor):
    client = as_user(supervisor)
    page = client.get(reverse("surveys:questionnaire-create", args=[plan.pk])).content.decode()
    assert "Physical product" in page and "Copy an earlier questionnaire" in page
    response = client.post(
        reverse("surveys:questionnaire-create", args=[plan.pk]),
        {"start": "new", "template_key": "physical_product", "title": "", "language": "zh-hans", "introduction": ""},
    )
    questionnaire = Questionnaire.objects.get()
    assert response.status_code == 302 and response["Location"] == questionnaire.get_absolute_url()
    assert questionnaire.title == "客户体验调研表（实物产品）"
    page = client.get(response["Location"]).content.decode()
    assert "产品形状和大小" in page and "网红带货" in page


def test_an_empty_questionnaire_needs_a_title(as_user, plan, supervisor):
    response = as_user(supervisor).post(
        reverse("surveys:questionnaire-create", args=[plan.pk]), {"start": "new", "title": "", "language": "en"}
    )
    assert response.status_code == 400
    assert "Give the questionnaire a title, or start from a template." in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_copying_an_earlier_questionnaire_on_the_create_page(as_user, plan, supervisor, director):
    earlier = approved(SurveyPlanFactory(owner=supervisor), supervisor, director, title="2026 调研表")
    response = as_user(supervisor).post(
        reverse("surveys:questionnaire-create", args=[plan.pk]), {"start": "copy", "source": earlier.pk, "title": ""}
    )
    copy = Questionnaire.objects.exclude(pk=earlier.pk).get()
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.plan, copy.title, copy.status) == (plan, "2026 调研表", Questionnaire.Status.DRAFT)
    assert Question.objects.filter(section__questionnaire=copy).count() == 7


def test_building_a_questionnaire_through_the_pages(as_user, plan, supervisor):
    client = as_user(supervisor)
    questionnaire = draft(plan, supervisor)
    client.post(reverse("surveys:section-create", args=[questionnaire.pk]), {"title": "产品使用"})
    section = Section.objects.get()
    leaf = IndexFactorFactory(name="使用", parent=None)
    response = client.post(
        reverse("surveys:question-create", args=[section.pk]),
        {"text": "产品使用舒适度", "kind": "rating", "is_required": "on", "factor": leaf.pk, "choices": ""},
    )
    question = Question.objects.get()
    assert response["Location"].endswith(f"#question-{question.pk}")
    assert question.factor == leaf and question.is_required
    response = client.post(
        reverse("surveys:question-create", args=[section.pk]),
        {"text": "购买渠道", "kind": "single", "choices": "官网\n\n门店\n"},
    )
    assert list(Question.objects.get(text="购买渠道").choices.values_list("label", flat=True)) == ["官网", "门店"]
    client.post(reverse("surveys:question-move", args=[question.pk]), {"direction": "down"})
    assert [q.text for q in section.questions.all()] == ["购买渠道", "产品使用舒适度"]
    client.post(reverse("surveys:section-edit", args=[section.pk]), {"title": "使用体验"})
    client.post(reverse("surveys:question-delete", args=[question.pk]))
    section.refresh_from_db()
    assert section.title == "使用体验" and [q.text for q in section.questions.all()] == ["购买渠道"]


def test_the_question_form_explains_its_refusals(as_user, plan, supervisor):
    section = services.add_section(questionnaire_id=draft(plan, supervisor).pk, actor=supervisor, title="外观")
    client = as_user(supervisor)
    page = client.post(
        reverse("surveys:question-create", args=[section.pk]), {"text": "渠道", "kind": "single", "choices": "官网"}
    ).content.decode()
    assert "Give at least two choices, one per line." in page
    page = client.post(
        reverse("surveys:question-create", args=[section.pk]), {"text": "色彩", "kind": "rating", "choices": "好\n差"}
    ).content.decode()
    assert "Only single and multiple choice questions have choices; clear this box." in page
    assert not Question.objects.exists()


def test_the_factor_select_offers_only_active_leaf_factors(as_user, plan, supervisor):
    parent = IndexFactorFactory(name="产品质量", parent=None)
    IndexFactorFactory(system=parent.system, parent=parent, name="稳定性")
    IndexFactorFactory(system=parent.system, parent=parent, name="已退役因素", is_retired=True)
    section = services.add_section(questionnaire_id=draft(plan, supervisor).pk, actor=supervisor, title="外观")
    page = as_user(supervisor).get(reverse("surveys:question-create", args=[section.pk])).content.decode()
    assert "稳定性" in page
    assert "已退役因素" not in page
    assert "· 产品质量</option>" not in page


def test_an_approved_questionnaire_offers_no_editing_and_refuses_it(as_user, plan, supervisor, director):
    questionnaire = approved(plan, supervisor, director)
    client = as_user(supervisor)
    page = client.get(questionnaire.get_absolute_url()).content.decode()
    assert reverse("surveys:questionnaire-edit", args=[questionnaire.pk]) not in page
    assert reverse("surveys:questionnaire-new-version", args=[questionnaire.pk]) in page
    section = questionnaire.sections.first()
    response = client.post(reverse("surveys:section-edit", args=[section.pk]), {"title": "新标题"}, follow=True)
    assert "approved and frozen; make a new version to change it" in response.content.decode()
    section.refresh_from_db()
    assert section.title == "产品外观"


def test_a_questionnaire_without_questions_is_refused_review_with_the_reason(as_user, plan, supervisor):
    questionnaire = draft(plan, supervisor)
    client = as_user(supervisor)
    assert "The questionnaire has no question yet." in client.get(questionnaire.get_absolute_url()).content.decode()
    response = client.post(reverse("surveys:questionnaire-submit", args=[questionnaire.pk]), follow=True)
    assert "It cannot go to review yet: The questionnaire has no question yet." in response.content.decode()
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.DRAFT


def test_the_director_decides_on_the_page_and_the_author_reads_the_comment(
    as_user, plan, supervisor, director, django_capture_on_commit_callbacks
):
    questionnaire = one_of_each_kind(plan, supervisor)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    client = as_user(director)
    page = client.get(questionnaire.get_absolute_url()).content.decode()
    assert reverse("surveys:questionnaire-return", args=[questionnaire.pk]) in page
    response = client.post(
        reverse("surveys:questionnaire-return", args=[questionnaire.pk]), {"comment": ""}, follow=True
    )
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.IN_REVIEW
    assert "alert-danger" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("surveys:questionnaire-return", args=[questionnaire.pk]), {"comment": "请补充价格问题"})
    assert mail.outbox[-1].to == [supervisor.email]
    page = as_user(supervisor).get(questionnaire.get_absolute_url()).content.decode()
    assert "Returned by the director:" in page and "请补充价格问题" in page


def test_a_director_sees_no_decision_buttons_on_their_own_submission(as_user, plan, director):
    questionnaire = one_of_each_kind(plan, director)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=director)
    client = as_user(director)
    assert (
        reverse("surveys:questionnaire-approve", args=[questionnaire.pk])
        not in client.get(questionnaire.get_absolute_url()).content.decode()
    )
    response = client.post(reverse("surveys:questionnaire-approve", args=[questionnaire.pk]))
    assert response.status_code == 403
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.IN_REVIEW


def test_a_new_version_from_the_page(as_user, plan, supervisor, director):
    questionnaire = approved(plan, supervisor, director)
    response = as_user(supervisor).post(reverse("surveys:questionnaire-new-version", args=[questionnaire.pk]))
    version = Questionnaire.objects.get(previous_version=questionnaire)
    assert response["Location"] == version.get_absolute_url()
    assert version.version == 2


def test_the_preview_shows_every_kind_of_question_as_the_customer_answers_it(as_user, plan, supervisor, specialist):
    questionnaire = one_of_each_kind(plan, supervisor, language="en", is_anonymous=True)
    page = as_user(specialist).get(reverse("surveys:questionnaire-preview", args=[questionnaire.pk])).content.decode()
    assert 'lang="en"' in page
    for label in ["Good", "Fairly good", "Average", "Fairly poor", "Poor"]:
        assert f">{label}</label>" in page
    for band in ["below 300 yuan", "300–500 yuan", "500–700 yuan", "700–1,000 yuan", "above 1,000 yuan"]:
        assert f">{band}</label>" in page
    assert page.count('class="btn-check"') == 5 + 11
    assert "0 = not at all likely" in page
    assert 'type="checkbox"' in page and ">实体店</label>" in page
    assert 'type="number"' in page and "<textarea" in page
    assert "your answers cannot be traced back to you" in page
    assert "7. 心理预期价值" in page


def test_the_preview_speaks_the_questionnaires_language(as_user, plan, supervisor):
    questionnaire = services.create_questionnaire(
        plan_id=plan.pk,
        actor=supervisor,
        title="",
        language="zh-hans",
        is_anonymous=True,
        introduction="",
        template_key="satisfaction",
    )
    page = as_user(supervisor).get(reverse("surveys:questionnaire-preview", args=[questionnaire.pk])).content.decode()
    assert 'lang="zh-hans" data-testid="survey-preview"' in page
    assert "客户满意度调查问卷" in page and "您向朋友或同事推荐我们公司的可能性有多大？" in page
    assert "Preview: the questionnaire as customers will see it" in page


@pytest.mark.parametrize("name", ["questionnaire-preview", "questionnaire-detail", "questionnaire-export"])
def test_a_questionnaire_page_runs_the_same_queries_for_1_or_30_questions(
    as_user, plan, supervisor, name, django_assert_max_num_queries
):
    small = with_questions(plan, supervisor, 1)
    large = with_questions(plan, supervisor, 30)
    client = as_user(supervisor)
    client.get(reverse(f"surveys:{name}", args=[small.pk]))
    with django_assert_max_num_queries(12) as small_queries:
        assert client.get(reverse(f"surveys:{name}", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(small_queries)):
        assert client.get(reverse(f"surveys:{name}", args=[large.pk])).status_code == 200


def test_the_list_runs_the_same_queries_for_1_or_30_questionnaires(
    as_user, plan, supervisor, django_assert_max_num_queries
):
    client = as_user(supervisor)
    with_questions(plan, supervisor, 3)
    client.get(reverse("surveys:questionnaire-list"))
    with django_assert_max_num_queries(10) as one:
        assert client.get(reverse("surveys:questionnaire-list")).status_code == 200
    for number in range(29):
        with_questions(SurveyPlanFactory(owner=supervisor), supervisor, 2, title=f"调研表 {number}")
    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("surveys:questionnaire-list")).content.decode()
    assert "调研表 28" in page


def test_the_list_filters_by_status(as_user, plan, supervisor, director):
    approved(plan, supervisor, director, title="已批准的")
    draft(plan, supervisor, title="草稿")
    page = as_user(director).get(reverse("surveys:questionnaire-list"), {"status": "approved"}).content.decode()
    assert "已批准的" in page and "草稿" not in page
