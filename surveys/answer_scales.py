"""The fixed answer scales of questionnaires: the 5-point rating, the 0–10 recommend scale and the price bands.

The preview and the customer's survey page both take their options from here, labelled in the questionnaire's
language whatever the language of the person looking at the page.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext_lazy

from surveys.models import Question
from surveys.scoring import RECOMMEND_MAX


@dataclass(frozen=True)
class AnswerOption:
    """One option a customer can pick: the value stored with the answer and the label shown."""

    value: str
    label: str


# 好/良好/一般/较差/差 (seed 000 §4). The value is the rank, 1 = good … 5 = poor, as surveys.scoring reads it.
RATING_SCALE = (
    ("1", pgettext_lazy("rating scale", "Good")),
    ("2", pgettext_lazy("rating scale", "Fairly good")),
    ("3", pgettext_lazy("rating scale", "Average")),
    ("4", pgettext_lazy("rating scale", "Fairly poor")),
    ("5", pgettext_lazy("rating scale", "Poor")),
)

# 300元以下 / 300–500元 / 500–700元 / 700–1000元 / 1000元以上 (seed 000 §4.6).
PRICE_BANDS = (
    ("below_300", pgettext_lazy("price band", "below 300 yuan")),
    ("300_500", pgettext_lazy("price band", "300–500 yuan")),
    ("500_700", pgettext_lazy("price band", "500–700 yuan")),
    ("700_1000", pgettext_lazy("price band", "700–1,000 yuan")),
    ("above_1000", pgettext_lazy("price band", "above 1,000 yuan")),
)

RECOMMEND_SCALE = tuple((str(points), str(points)) for points in range(RECOMMEND_MAX + 1))
RECOMMEND_ENDS = (
    pgettext_lazy("recommend scale", "0 = not at all likely"),
    pgettext_lazy("recommend scale", "10 = extremely likely"),
)

SCALES = {
    Question.Kind.RATING: RATING_SCALE,
    Question.Kind.RECOMMEND: RECOMMEND_SCALE,
    Question.Kind.PRICE_BAND: PRICE_BANDS,
}


def answer_options(question: Question, language: str) -> list[AnswerOption]:
    """The options of one question, labelled in `language`; empty for free text and number questions.

    Choice questions offer their own choices (value: the choice's id), read from `question.choices.all()`,
    so prefetch them for a whole questionnaire.
    """
    if question.kind in Question.CHOICE_KINDS:
        return [AnswerOption(str(choice.pk), choice.label) for choice in question.choices.all()]
    with translation.override(language):
        return [AnswerOption(value, str(label)) for value, label in SCALES.get(question.kind, ())]


def recommend_ends(language: str) -> tuple[str, str]:
    """The captions of both ends of the 0–10 scale, in `language`."""
    with translation.override(language):
        return tuple(str(caption) for caption in RECOMMEND_ENDS)
