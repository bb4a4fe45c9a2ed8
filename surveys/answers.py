"""Reading a customer's answers from a submitted survey form: every answer checked, every answer kept.

Inputs are named `q-<question id>` (surveys/partials/question_field.html). Messages are in the questionnaire's
language, since the customer reads the survey in it.
"""

from dataclasses import dataclass, field
from decimal import Decimal, DecimalException, InvalidOperation
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _

from surveys.answer_scales import PRICE_BANDS
from surveys.models import Choice, Question
from surveys.scoring import RECOMMEND_MAX

MAX_TEXT_LENGTH = 5000
# Numbers are stored with two decimals in 14 digits.
MAX_NUMBER = Decimal("999999999999.99")
PRICE_BAND_POSITIONS = {value: position for position, (value, _label) in enumerate(PRICE_BANDS, start=1)}


@dataclass(frozen=True)
class FormQuestion:
    """What checking an answer needs to know of a question."""

    pk: int
    kind: str
    is_required: bool
    choice_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, question: Question) -> "FormQuestion":
        """From a Question with its choices prefetched."""
        choice_ids = (
            frozenset(choice.pk for choice in question.choices.all())
            if question.kind in Question.CHOICE_KINDS
            else frozenset()
        )
        return cls(question.pk, question.kind, question.is_required, choice_ids)


@cache
def frozen_form_questions(questionnaire_id: int) -> tuple[FormQuestion, ...]:
    """The questions of an APPROVED questionnaire, read once per process: approved questionnaires never change."""
    questions = Question.objects.filter(section__questionnaire_id=questionnaire_id).order_by(
        "section__position", "section_id", "position", "pk"
    )
    choices: dict[int, set[int]] = {}
    for question_id, choice_id in Choice.objects.filter(question__in=questions).values_list("question_id", "pk"):
        choices.setdefault(question_id, set()).add(choice_id)
    return tuple(
        FormQuestion(pk, kind, is_required, frozenset(choices.get(pk, ())))
        for pk, kind, is_required in questions.values_list("pk", "kind", "is_required")
    )


@dataclass(frozen=True)
class ParsedAnswer:
    """One answer: a choice (one per option chosen), a number or a text (surveys.answer_sheets stores them)."""

    question_id: int
    kind: str
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


def parse_answers(questions, data, language: str) -> ParsedForm:
    """Check the posted answers of `questions` (FormQuestions, or Questions with choices prefetched).

    A missing required answer, a letter in a number, a choice of another question, an option outside the
    scale or an over-long text is an error on that question; the values typed are kept to refill the form.
    """
    parsed = ParsedForm()
    questions = [
        question if isinstance(question, FormQuestion) else FormQuestion.of(question) for question in questions
    ]
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


def parse_one(question: FormQuestion, values: list[str]) -> list[ParsedAnswer]:
    kind = question.kind

    def answer(**value):
        return ParsedAnswer(question.pk, kind, **value)

    if kind == Question.Kind.MULTIPLE:
        return [answer(choice_id=choice_id(question, value)) for value in dict.fromkeys(values)]
    if len(values) > 1:
        raise ValueError(_("Choose only one answer."))
    value = values[0]
    if kind == Question.Kind.SINGLE:
        return [answer(choice_id=choice_id(question, value))]
    if kind == Question.Kind.RATING:
        return [answer(number=whole_number(value, 1, 5))]
    if kind == Question.Kind.RECOMMEND:
        return [answer(number=whole_number(value, 0, RECOMMEND_MAX))]
    if kind == Question.Kind.PRICE_BAND:
        if value not in PRICE_BAND_POSITIONS:
            raise ValueError(_("Choose one of the options."))
        return [answer(number=Decimal(PRICE_BAND_POSITIONS[value]))]
    if kind == Question.Kind.NUMBER:
        return [answer(number=decimal_number(value))]
    if len(value) > MAX_TEXT_LENGTH:
        raise ValueError(_("Please keep this answer under %(limit)d characters.") % {"limit": MAX_TEXT_LENGTH})
    if "\x00" in value:
        # PostgreSQL stores no NUL in text; Django's own forms refuse it with the same words.
        raise ValueError(_("Null characters are not allowed."))
    return [answer(text=value)]


def choice_id(question: FormQuestion, value: str) -> int:
    """The id of one of this question's own choices; anything else is refused."""
    if not value.isdigit() or int(value) not in question.choice_ids:
        raise ValueError(_("Choose one of the options."))
    return int(value)


def whole_number(value: str, lowest: int, highest: int) -> Decimal:
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise ValueError(_("Choose one of the options."))
    return Decimal(int(value))


def decimal_number(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ""))
        # Compared by size before any arithmetic: 1e999999999 is a Decimal, but abs() of it overflows.
        if not number.is_finite() or number.adjusted() > MAX_NUMBER.adjusted() or abs(number) > MAX_NUMBER:
            raise InvalidOperation
    except DecimalException:
        raise ValueError(_("Enter a number, such as 12 or 3.5.")) from None
    return number.quantize(Decimal("0.01"))
