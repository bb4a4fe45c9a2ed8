"""Questionnaires built through the services, so tests start from states the application itself reaches."""

from surveys.models import Question
from surveys.services import questionnaires as services


def draft(plan, actor, **overrides):
    fields = {
        "title": "新品体验调研表",
        "language": "zh-hans",
        "is_anonymous": False,
        "introduction": "感谢您体验我们的产品。",
        **overrides,
    }
    return services.create_questionnaire(plan_id=plan.pk, actor=actor, **fields)


def one_of_each_kind(plan, actor, *, factor=None, **overrides):
    """A draft with two sections and a question of every kind; the rating question feeds `factor`."""
    questionnaire = draft(plan, actor, **overrides)
    looks = services.add_section(questionnaire_id=questionnaire.pk, actor=actor, title="产品外观")
    services.add_question(
        section_id=looks.pk, actor=actor, text="产品的色彩", kind=Question.Kind.RATING, factor_id=factor and factor.pk
    )
    services.add_question(
        section_id=looks.pk,
        actor=actor,
        text="如购买，您会选择哪种渠道？",
        kind=Question.Kind.SINGLE,
        choices=["官方网站", "实体店", "其他"],
    )
    services.add_question(
        section_id=looks.pk,
        actor=actor,
        text="您最希望我们在哪些方面改进？",
        kind=Question.Kind.MULTIPLE,
        is_required=False,
        choices=["产品质量", "价格"],
    )
    other = services.add_section(questionnaire_id=questionnaire.pk, actor=actor, title="其他")
    services.add_question(section_id=other.pk, actor=actor, text="整体评价及建议", kind=Question.Kind.TEXT)
    services.add_question(
        section_id=other.pk, actor=actor, text="每周使用次数", kind=Question.Kind.NUMBER, help_text="估计即可"
    )
    services.add_question(section_id=other.pk, actor=actor, text="推荐的可能性", kind=Question.Kind.RECOMMEND)
    services.add_question(section_id=other.pk, actor=actor, text="心理预期价值", kind=Question.Kind.PRICE_BAND)
    return questionnaire


def with_questions(plan, actor, count: int, **overrides):
    """A draft with `count` rating and choice questions spread over sections of ten."""
    questionnaire = draft(plan, actor, **overrides)
    section = None
    for number in range(count):
        if number % 10 == 0:
            section = services.add_section(questionnaire_id=questionnaire.pk, actor=actor, title=f"部分 {number}")
        if number % 2:
            services.add_question(
                section_id=section.pk,
                actor=actor,
                text=f"问题 {number}",
                kind=Question.Kind.SINGLE,
                choices=["是", "否"],
            )
        else:
            services.add_question(section_id=section.pk, actor=actor, text=f"问题 {number}", kind=Question.Kind.RATING)
    return questionnaire


def approved(plan, author, director, **overrides):
    questionnaire = one_of_each_kind(plan, author, **overrides)
    services.submit_questionnaire(questionnaire_id=questionnaire.pk, actor=author)
    return services.approve_questionnaire(questionnaire_id=questionnaire.pk, actor=director)


def outline(questionnaire) -> list:
    """Sections, questions and choices as plain values, in order, to compare two questionnaires."""
    return [
        (
            section.title,
            [
                (
                    question.text,
                    question.kind,
                    question.help_text,
                    question.is_required,
                    question.factor_id,
                    [choice.label for choice in question.choices.all()],
                )
                for question in section.questions.all()
            ],
        )
        for section in questionnaire.sections.all()
    ]
