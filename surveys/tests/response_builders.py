"""An approved questionnaire with one question of each kind, and responses stored through the services."""

from django.http import QueryDict

from surveys.answers import parse_answers
from surveys.models import Question, Questionnaire
from surveys.selectors.questionnaires import questionnaire_outline, with_contents
from surveys.services import responses
from surveys.tests.factories import (
    ChoiceFactory,
    IndexFactorFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
)


def survey_questionnaire(**overrides) -> Questionnaire:
    """Approved, in English; the rating and the recommend question feed one index factor."""
    fields = {"status": Questionnaire.Status.APPROVED, "language": "en", **overrides}
    questionnaire = QuestionnaireFactory(**fields)
    section = SectionFactory(questionnaire=questionnaire, title="Your visit")
    factor = IndexFactorFactory(weight=100)
    QuestionFactory(section=section, kind=Question.Kind.RATING, text="Overall", factor=factor)
    colour = QuestionFactory(section=section, kind=Question.Kind.SINGLE, text="Colour")
    ChoiceFactory(question=colour, label="Red")
    ChoiceFactory(question=colour, label="Blue")
    channels = QuestionFactory(section=section, kind=Question.Kind.MULTIPLE, text="Channels", is_required=False)
    ChoiceFactory(question=channels, label="Store")
    ChoiceFactory(question=channels, label="Online")
    QuestionFactory(section=section, kind=Question.Kind.NUMBER, text="Units bought", is_required=False)
    QuestionFactory(section=section, kind=Question.Kind.RECOMMEND, text="Recommend", factor=factor)
    QuestionFactory(section=section, kind=Question.Kind.PRICE_BAND, text="Price", is_required=False)
    QuestionFactory(section=section, kind=Question.Kind.TEXT, text="Comments", is_required=False)
    return questionnaire


def question(questionnaire, text) -> Question:
    return Question.objects.get(section__questionnaire=questionnaire, text=text)


def good_answers(questionnaire, **replace) -> dict:
    """Posted form data answering every question; replace={"Comments": "…"} changes one answer by its text."""
    colour = question(questionnaire, "Colour")
    channels = question(questionnaire, "Channels")
    answers = {
        "Overall": "1",
        "Colour": str(colour.choices.order_by("position").first().pk),
        "Channels": [str(choice.pk) for choice in channels.choices.order_by("-position")],
        "Units bought": "3",
        "Recommend": "8",
        "Price": "300_500",
        "Comments": "Works well.",
        **replace,
    }
    return {f"q-{question(questionnaire, text).pk}": value for text, value in answers.items()}


def parsed(questionnaire, data: dict):
    query = QueryDict(mutable=True)
    for name, value in data.items():
        query.setlist(name, value if isinstance(value, list) else [value])
    loaded = with_contents(Questionnaire.objects.all()).get(pk=questionnaire.pk)
    questions = [q for section in questionnaire_outline(loaded) for q in section.questions.all()]
    form = parse_answers(questions, query, "en")
    assert form.is_valid, form.errors
    return form.answers


def answer_invitation(invitation, data: dict | None = None):
    """The customer answers their link online."""
    questionnaire = invitation.batch.questionnaire
    return responses.answer_invitation(
        token=invitation.token,
        questionnaire_id=questionnaire.pk,
        answers=parsed(questionnaire, data or good_answers(questionnaire)),
    )


def answer_open_survey(open_survey, browser_key: str, data: dict | None = None):
    questionnaire = open_survey.questionnaire
    return responses.answer_open_survey(
        open_survey=open_survey,
        browser_key=browser_key,
        answers=parsed(questionnaire, data or good_answers(questionnaire)),
    )
