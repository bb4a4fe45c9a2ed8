"""Reading a customer's answers from a submitted survey form: every answer checked, every answer kept.

Inputs are named `q-<question id>` (surveys/partials/question_field.html). Messages are in the questionnaire's
language, since the customer reads the survey in it.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from surveys.answer_scales import PRICE_BANDS
from surveys.models import Question
from surveys.scoring import RECOMMEND_MAX

MAX_TEXT_LENGTH = 5000
# Numbers are stored with two decimals in 14 digits.
MAX_NUMBER = Decimal("999999999999.99")
PRICE_BAND_POSITIONS = {value: position for position, (value, _label) in enumerate(PRICE_BANDS, start=1)}


@dataclass(frozen=True)
class ParsedAnswer:
    """One answer row to store: a choice, a number or a text."""

    question: Question
    choice_id: int | None = None
    number: Decimal | None = None
    text: str = ""


@dataclass
class ParsedForm:
    answers: list[ParsedAnswer] = field(default_factory=list)
    errors: dict[int, list[str]] = field(default_factory=dict)
    values: dict[int, list[str]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def parse_answers(questions: list[Question], data, language: str) -> ParsedForm:
    """Check the posted answers of `questions` (with choices prefetched) against their types.

    A missing required answer, a letter in a number, a choice of another question, an option outside the
    scale or an over-long text is an error on that question; the values typed are kept to refill the form.
    """
    parsed = ParsedForm()
    with translation.override(language):
        for question in questions:
            values = [value.strip() for value in data.getlist(f"q-{question.pk}") if value.strip()]
            parsed.values[question.pk] = values
            if not values:
                if question.is_required:
                    parsed.errors[question.pk] = [_("Please answer this question.")]
                continue
            try:
                parsed.answers.extend(parse_one(question, values))
            except ValueError as error:
                parsed.errors[question.pk] = [str(error)]
    return parsed


def parse_one(question: Question, values: list[str]) -> list[ParsedAnswer]:
    kind = question.kind
    if kind == Question.Kind.MULTIPLE:
        return [ParsedAnswer(question, choice_id=choice_id(question, value)) for value in dict.fromkeys(values)]
    if len(values) > 1:
        raise ValueError(_("Choose only one answer."))
    value = values[0]
    if kind == Question.Kind.SINGLE:
        return [ParsedAnswer(question, choice_id=choice_id(question, value))]
    if kind == Question.Kind.RATING:
        return [ParsedAnswer(question, number=whole_number(value, 1, 5))]
    if kind == Question.Kind.RECOMMEND:
        return [ParsedAnswer(question, number=whole_number(value, 0, RECOMMEND_MAX))]
    if kind == Question.Kind.PRICE_BAND:
        if value not in PRICE_BAND_POSITIONS:
            raise ValueError(_("Choose one of the options."))
        return [ParsedAnswer(question, number=Decimal(PRICE_BAND_POSITIONS[value]))]
    if kind == Question.Kind.NUMBER:
        return [ParsedAnswer(question, number=decimal_number(value))]
    if len(value) > MAX_TEXT_LENGTH:
        raise ValueError(_("Please keep this answer under %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH})
    return [ParsedAnswer(question, text=value)]


def choice_id(question: Question, value: str) -> int:
    """The id of one of this question's own choices; anything else is refused."""
    allowed = {str(choice.pk): choice.pk for choice in question.choices.all()}
    if value not in allowed:
        raise ValueError(_("Choose one of the options."))
    return allowed[value]


def whole_number(value: str, lowest: int, highest: int) -> Decimal:
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise ValueError(_("Choose one of the options."))
    return Decimal(int(value))


def decimal_number(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("Enter a number, such as 12 or 3.5.")) from None
    if not number.is_finite() or abs(number) > MAX_NUMBER:
        raise ValueError(_("Enter a number, such as 12 or 3.5."))
    return number.quantize(Decimal("0.01"))
