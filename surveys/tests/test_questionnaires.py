"""Questionnaires (客户体验调研表): building, review, versions and the template library (DOMAIN.md §2)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.workflow import CommentRequired, InvalidTransition
from surveys import questionnaire_templates
from surveys.answer_scales import PRICE_BANDS, RATING_SCALE
from surveys.models import Choice, Question, Questionnaire, Section, SurveyPlan
from surveys.selectors.questionnaires import questionnaires_awaiting_decision
from surveys.services import plans as plan_services
from surveys.services import questionnaires as services
from surveys.services.questionnaires import QuestionnaireError
from surveys.tests.factories import IndexFactorFactory, SurveyPlanFactory

from .questionnaire_builders import approved, draft, one_of_each_kind, outline

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English whatever the default language."""
    with translation.override("en"):
        yield


@pytest.fixture
def plan(supervisor):
    return SurveyPlanFactory(owner=supervisor)


def all_questions(questionnaire):
    return list(Question.objects.filter(section__questionnaire=questionnaire).order_by("section__position", "position"))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", list(questionnaire_templates.TEMPLATES))
def test_every_template_builds_in_both_languages_and_can_go_to_review(plan, supervisor, key, language):
    questionnaire = services.create_questionnaire(
        plan_id=plan.pk,
        actor=supervisor,
        title="",
        language=language,
        is_anonymous=False,
        introduction="",
        template_key=key,
    )
    template = questionnaire_templates.load_template(key, language)
    assert questionnaire.title == template.title
    assert questionnaire.introduction == template.introduction
    assert questionnaire.template_key == key
    assert [section.title for section in questionnaire.sections.all()] == [s.title for s in template.sections]
    assert len(all_questions(questionnaire)) == sum(len(s.questions) for s in template.sections)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.IN_REVIEW


@pytest.mark.parametrize("key", list(questionnaire_templates.TEMPLATES))
def test_both_languages_of_a_template_ask_the_same_questions(key):
    chinese, english = (questionnaire_templates.load_template(key, language) for language in LANGUAGES)
    assert chinese.language == "zh-hans" and english.language == "en"

    def shape(document):
        return [[(q.kind, q.is_required, len(q.choices)) for q in s.questions] for s in document.sections]

    assert shape(chinese) == shape(english)


def test_physical_product_template_follows_the_regulation():
    template = questionnaire_templates.load_template("physical_product", "zh-hans")
    sections = {section.title: section for section in template.sections}
    assert [q.text for q in sections["产品外观"].questions] == [
        "产品形状和大小",
        "产品的色彩",
        "产品的Logo",
        "产品包装",
    ]
    assert [q.text for q in sections["产品使用"].questions] == [
        "产品使用舒适度",
        "产品运行稳定性",
        "开关反应速度",
        "产品发热速度",
    ]
    assert [q.text for q in sections["产品功能"].questions] == ["功能1", "功能2", "功能3"]
    assert {q.kind for q in sections["产品价格"].questions} == {Question.Kind.PRICE_BAND}
    assert sections["购买渠道"].questions[0].choices == ("官方网站", "实体店", "电商平台", "网红带货", "其他")


def test_invitation_and_satisfaction_templates_ask_what_the_regulation_asks():
    invitation = questionnaire_templates.load_template("invitation", "zh-hans")
    questions = [q for s in invitation.sections for q in s.questions]
    assert questions[3].choices == ("上门回访", "电话沟通", "微信", "其他")
    assert questions[4].choices == ("上门拜访", "电子邮件", "电话联系", "微信", "传真", "其他")
    assert questions[-1].text == "其他需求"
    satisfaction = questionnaire_templates.load_template("satisfaction", "en")
    kinds = [q.kind for s in satisfaction.sections for q in s.questions]
    assert Question.Kind.RECOMMEND in kinds and Question.Kind.RATING in kinds
    assert satisfaction.is_anonymous


def test_the_answer_scales_are_the_regulations():
    assert [str(label) for _value, label in RATING_SCALE] == ["Good", "Fairly good", "Average", "Fairly poor", "Poor"]
    assert [value for value, _label in RATING_SCALE] == ["1", "2", "3", "4", "5"]
    assert len(PRICE_BANDS) == 5


def test_an_unknown_template_is_refused_and_nothing_is_created(plan, supervisor):
    with pytest.raises(QuestionnaireError):
        draft(plan, supervisor, template_key="brochure")
    assert not Questionnaire.objects.exists()


def test_a_questionnaire_needs_a_title_when_no_template_gives_one(plan, supervisor):
    with pytest.raises(QuestionnaireError, match="title"):
        draft(plan, supervisor, title="  ")


def test_only_plan_authors_build_questionnaires(plan, specialist):
    with pytest.raises(PermissionDenied):
        draft(plan, specialist)


def test_a_completed_plan_takes_no_new_questionnaire(supervisor, director):
    today = timezone.localdate()
    plan = plan_services.create_plan(
        actor=supervisor,
        title="2026 客户满意度调研",
        goal="了解客户满意度",
        product_type=SurveyPlan.ProductType.SERVICE,
        method=SurveyPlan.Method.QUESTIONNAIRE,
        owner=supervisor,
        period_start=today,
        period_end=today + datetime.timedelta(days=30),
        report_due=today + datetime.timedelta(days=40),
    )
    plan_services.submit_plan(plan_id=plan.pk, actor=supervisor)
    plan_services.approve_plan(plan_id=plan.pk, actor=director)
    plan_services.start_plan(plan_id=plan.pk, actor=supervisor)
    plan_services.complete_plan(plan_id=plan.pk, actor=supervisor)
    with pytest.raises(QuestionnaireError, match="2026 客户满意度调研"):
        draft(plan, supervisor)


def test_sections_and_questions_keep_the_order_they_are_given(plan, supervisor):
    questionnaire = draft(plan, supervisor)
    first = services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="外观")
    second = services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="使用")
    services.move_section(section_id=second.pk, actor=supervisor, direction=services.UP)
    assert [s.title for s in questionnaire.sections.all()] == ["使用", "外观"]
    services.update_section(section_id=first.pk, actor=supervisor, title="产品外观")
    a = services.add_question(section_id=first.pk, actor=supervisor, text="色彩", kind=Question.Kind.RATING)
    b = services.add_question(section_id=first.pk, actor=supervisor, text="包装", kind=Question.Kind.RATING)
    services.move_question(question_id=b.pk, actor=supervisor, direction=services.UP)
    assert [q.text for q in first.questions.all()] == ["包装", "色彩"]
    services.delete_question(question_id=b.pk, actor=supervisor)
    assert [(q.text, q.position) for q in first.questions.all()] == [("色彩", 0)]
    services.move_question(question_id=a.pk, actor=supervisor, direction=services.DOWN)
    assert [q.text for q in first.questions.all()] == ["色彩"]


def test_a_question_moved_past_the_end_of_its_section_goes_to_the_next(plan, supervisor):
    questionnaire = one_of_each_kind(plan, supervisor)
    looks, other = questionnaire.sections.all()
    last_of_looks = list(looks.questions.all())[-1]
    services.move_question(question_id=last_of_looks.pk, actor=supervisor, direction=services.DOWN)
    assert [q.pk for q in other.questions.all()][0] == last_of_looks.pk
    assert [q.position for q in other.questions.all()] == [0, 1, 2, 3, 4]
    services.move_question(question_id=last_of_looks.pk, actor=supervisor, direction=services.UP)
    assert list(looks.questions.all())[-1].pk == last_of_looks.pk


def test_deleting_a_section_deletes_its_questions(plan, supervisor):
    questionnaire = one_of_each_kind(plan, supervisor)
    looks = questionnaire.sections.first()
    services.delete_section(section_id=looks.pk, actor=supervisor)
    assert [(s.title, s.position) for s in questionnaire.sections.all()] == [("其他", 0)]
    assert not Choice.objects.filter(question__section=looks.pk).exists()


def test_choices_belong_to_single_and_multiple_choice_questions_only(plan, supervisor):
    questionnaire = draft(plan, supervisor)
    section = services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="外观")
    with pytest.raises(QuestionnaireError, match="choice"):
        services.add_question(
            section_id=section.pk, actor=supervisor, text="色彩", kind=Question.Kind.RATING, choices=["好", "差"]
        )
    with pytest.raises(QuestionnaireError):
        services.add_question(
            section_id=section.pk, actor=supervisor, text="渠道", kind=Question.Kind.SINGLE, choices=["官网", "官网"]
        )
    assert not Question.objects.exists()


def test_questions_map_only_to_active_leaf_factors_and_only_when_scored(plan, supervisor):
    parent = IndexFactorFactory(name="产品", parent=None)
    leaf = IndexFactorFactory(system=parent.system, parent=parent, name="外观")
    retired = IndexFactorFactory(system=parent.system, parent=parent, name="旧因素", is_retired=True)
    section = services.add_section(questionnaire_id=draft(plan, supervisor).pk, actor=supervisor, title="外观")
    for factor in (parent, retired):
        with pytest.raises(QuestionnaireError, match="active"):
            services.add_question(
                section_id=section.pk, actor=supervisor, text="色彩", kind=Question.Kind.RATING, factor_id=factor.pk
            )
    with pytest.raises(QuestionnaireError, match="rating"):
        services.add_question(section_id=section.pk, actor=supervisor, text="说明", kind="text", factor_id=leaf.pk)
    question = services.add_question(
        section_id=section.pk, actor=supervisor, text="色彩", kind=Question.Kind.RATING, factor_id=leaf.pk
    )
    assert question.factor == leaf


def test_changing_a_question_keeps_the_rows_of_its_remaining_choices(plan, supervisor):
    questionnaire = one_of_each_kind(plan, supervisor)
    question = Question.objects.get(section__questionnaire=questionnaire, kind=Question.Kind.SINGLE)
    before = list(question.choices.values_list("pk", flat=True))
    services.update_question(
        question_id=question.pk, actor=supervisor, text="购买渠道", kind=Question.Kind.SINGLE, choices=["官网", "门店"]
    )
    assert list(question.choices.values_list("pk", "label")) == [(before[0], "官网"), (before[1], "门店")]
    services.update_question(question_id=question.pk, actor=supervisor, text="购买渠道", kind=Question.Kind.TEXT)
    assert not question.choices.exists()


def test_a_questionnaire_without_any_question_cannot_go_to_review(plan, supervisor):
    questionnaire = draft(plan, supervisor)
    services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="空的部分")
    with pytest.raises(QuestionnaireError, match="no question"):
        services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.DRAFT


def test_a_choice_question_needs_two_choices_before_review(plan, supervisor):
    questionnaire = draft(plan, supervisor)
    section = services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="渠道")
    services.add_question(section_id=section.pk, actor=supervisor, text="购买渠道", kind="single", choices=["官网"])
    with pytest.raises(QuestionnaireError, match="购买渠道"):
        services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)


def test_an_approved_questionnaire_is_frozen(plan, supervisor, director):
    questionnaire = approved(plan, supervisor, director)
    section = questionnaire.sections.first()
    question = section.questions.first()
    changes = [
        lambda: services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="新"),
        lambda: services.update_section(section_id=section.pk, actor=supervisor, title="新"),
        lambda: services.move_section(section_id=section.pk, actor=supervisor, direction=services.DOWN),
        lambda: services.delete_section(section_id=section.pk, actor=supervisor),
        lambda: services.add_question(section_id=section.pk, actor=supervisor, text="新", kind="text"),
        lambda: services.update_question(question_id=question.pk, actor=supervisor, text="新", kind="text"),
        lambda: services.move_question(question_id=question.pk, actor=supervisor, direction=services.DOWN),
        lambda: services.delete_question(question_id=question.pk, actor=supervisor),
        lambda: services.update_questionnaire(
            questionnaire_id=questionnaire.pk,
            actor=supervisor,
            title="新",
            language="en",
            is_anonymous=True,
            introduction="",
        ),
    ]
    before = outline(questionnaire)
    for change in changes:
        with pytest.raises(QuestionnaireError, match="new version"):
            change()
    assert outline(questionnaire) == before


def test_a_questionnaire_in_review_cannot_be_changed(plan, supervisor):
    questionnaire = one_of_each_kind(plan, supervisor)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    with pytest.raises(QuestionnaireError, match="in review"):
        services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="新")
    with pytest.raises(InvalidTransition):
        services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)


def test_director_cannot_approve_own_questionnaire(plan, director):
    questionnaire = one_of_each_kind(plan, director)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=director)
    with pytest.raises(PermissionDenied):
        services.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director)
    with pytest.raises(PermissionDenied):
        services.return_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment="再看看")
    assert Questionnaire.objects.get(pk=questionnaire.pk).status == Questionnaire.Status.IN_REVIEW


def test_only_a_director_decides(plan, supervisor, persona):
    other_supervisor = persona("zhou", Role.SUPERVISOR)
    questionnaire = one_of_each_kind(plan, supervisor)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    with pytest.raises(PermissionDenied):
        services.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=other_supervisor)


def test_returning_needs_a_comment_and_a_returned_questionnaire_is_edited_and_resubmitted(plan, supervisor, director):
    questionnaire = one_of_each_kind(plan, supervisor)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    with pytest.raises(CommentRequired, match="comment"):
        services.return_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment=" ")
    services.return_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment="请补充价格问题")
    services.add_section(questionnaire_id=questionnaire.pk, actor=supervisor, title="产品价格")
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    services.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment="同意")
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.APPROVED
    assert questionnaire.approved_by == director and questionnaire.submitted_by == supervisor
    steps = [(entry.from_status, entry.to_status, entry.comment) for entry in reversed(timeline_for(questionnaire))]
    assert [step for step in steps if step[1]] == [
        ("draft", "in_review", ""),
        ("in_review", "returned", "请补充价格问题"),
        ("returned", "in_review", ""),
        ("in_review", "approved", "同意"),
    ]


def test_submitting_mails_the_directors_and_deciding_mails_the_submitter(
    plan, supervisor, director, django_capture_on_commit_callbacks
):
    questionnaire = one_of_each_kind(plan, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    assert [message.to for message in mail.outbox] == [[director.email]]
    assert questionnaire.title in mail.outbox[0].subject
    assert f"/surveys/questionnaires/{questionnaire.pk}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.return_questionnaire(questionnaire_id=questionnaire.pk, actor=director, comment="请补充价格问题")
    assert mail.outbox[1].to == [supervisor.email]
    assert "请补充价格问题" in mail.outbox[1].body


def test_nothing_is_mailed_when_the_submission_fails(plan, supervisor, director, django_capture_on_commit_callbacks):
    questionnaire = draft(plan, supervisor)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(QuestionnaireError):
        services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    assert mail.outbox == []


def test_a_new_version_copies_everything_into_a_draft(plan, supervisor, director):
    factor = IndexFactorFactory(name="外观", parent=None)
    original = approved(plan, supervisor, director, factor=factor, is_anonymous=True)
    version = services.new_questionnaire_version(questionnaire_id=original.pk, actor=supervisor)
    assert version.pk != original.pk
    assert (version.version, version.previous_version, version.status) == (2, original, Questionnaire.Status.DRAFT)
    assert (version.plan, version.title, version.language, version.is_anonymous, version.introduction) == (
        original.plan,
        original.title,
        original.language,
        original.is_anonymous,
        original.introduction,
    )
    assert outline(version) == outline(original)
    assert Question.objects.filter(section__questionnaire=version, factor=factor).count() == 1
    assert Section.objects.filter(questionnaire=original).count() == 2
    services.add_section(questionnaire_id=version.pk, actor=supervisor, title="新增")
    assert outline(version) != outline(original)


def test_a_new_version_is_made_only_from_the_latest_approved_one(plan, supervisor, director):
    questionnaire = one_of_each_kind(plan, supervisor)
    with pytest.raises(QuestionnaireError, match="approved"):
        services.new_questionnaire_version(questionnaire_id=questionnaire.pk, actor=supervisor)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=supervisor)
    services.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director)
    services.new_questionnaire_version(questionnaire_id=questionnaire.pk, actor=supervisor)
    with pytest.raises(QuestionnaireError, match="Version 2"):
        services.new_questionnaire_version(questionnaire_id=questionnaire.pk, actor=supervisor)


def test_copying_an_earlier_questionnaire_to_another_plan_drops_retired_factors(plan, supervisor, director):
    kept = IndexFactorFactory(name="外观", parent=None)
    original = one_of_each_kind(plan, supervisor, factor=kept, title="2026 调研表")
    other_plan = SurveyPlanFactory(owner=supervisor)
    copy = services.copy_questionnaire(questionnaire_id=original.pk, plan_id=other_plan.pk, actor=director)
    assert (copy.plan, copy.title, copy.version, copy.previous_version) == (other_plan, "2026 调研表", 1, None)
    assert outline(copy) == outline(original)
    kept.is_retired = True
    kept.save()
    second = services.copy_questionnaire(
        questionnaire_id=original.pk, plan_id=other_plan.pk, actor=supervisor, title="2027 调研表"
    )
    assert second.title == "2027 调研表"
    assert not Question.objects.filter(section__questionnaire=second, factor__isnull=False).exists()
    created = timeline_for(second)[0]
    assert created.action == TimelineEntry.Action.CREATED and "2026 调研表" in created.comment


def test_the_approvals_inbox_lists_questionnaires_in_review_for_other_directors(plan, supervisor, director, persona):
    deputy = persona("deputy", Role.DIRECTOR)
    mine = one_of_each_kind(plan, director, title="总监自己的")
    theirs = one_of_each_kind(plan, supervisor, title="主管的")
    for questionnaire, author in ((mine, director), (theirs, supervisor)):
        services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=author)
    assert [item.title for item in questionnaires_awaiting_decision(director)] == [str(theirs)]
    assert sorted(item.title for item in questionnaires_awaiting_decision(deputy)) == sorted([str(mine), str(theirs)])
    assert questionnaires_awaiting_decision(supervisor) == []
    item = questionnaires_awaiting_decision(director)[0]
    assert item.url == theirs.get_absolute_url() and item.submitted_by == str(supervisor)
