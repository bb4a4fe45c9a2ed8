"""A response's choices and numbers, stored as one document on the response (Response.answers).

    {"numbers": {"<question id>": "<number>"}, "choices": {"<question id>": [<choice id>, ...]}}

Numbers are strings, so that they stay exact; a rating is its rank (1 good … 5 poor), a 0–10 score the score,
a price band its position. Free-text answers are rows of their own (surveys.models.Answer).

Results count the documents in the database, reading them as rows with the SQL below.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

NUMBERS, CHOICES = "numbers", "choices"


def answer_sheet(answers: Iterable) -> dict:
    """The document of parsed answers (surveys.answers.ParsedAnswer); their texts are left out."""
    numbers, choices = {}, {}
    for answer in answers:
        if answer.choice_id is not None:
            choices.setdefault(str(answer.question_id), []).append(answer.choice_id)
        elif answer.number is not None:
            numbers[str(answer.question_id)] = str(answer.number)
    return {NUMBERS: numbers, CHOICES: choices}


@dataclass(frozen=True)
class GivenAnswers:
    """A response's answers by question id, as read back: its numbers, the choices chosen and its texts."""

    numbers: dict[int, Decimal]
    choices: dict[int, list[int]]
    texts: dict[int, str]

    @classmethod
    def of(cls, sheet: dict, texts: dict[int, str]) -> "GivenAnswers":
        """From a response's answer sheet and its free-text answers."""
        numbers = {int(question_id): Decimal(number) for question_id, number in sheet.get(NUMBERS, {}).items()}
        choices = {int(question_id): chosen for question_id, chosen in sheet.get(CHOICES, {}).items()}
        return cls(numbers, choices, texts)


# What follows `FROM surveys_response AS response, ` to read the documents as rows, for PostgreSQL and SQLite.
# QUESTIONS_CHOSEN: one row `question` per question with choices (question.key: its id, as text).
QUESTIONS_CHOSEN = {
    "postgresql": "jsonb_each(response.answers -> 'choices') AS question",
    "sqlite": "json_each(response.answers, '$.choices') AS question",
}
# CHOICE_ROWS: one row `item` per choice chosen (item.value: its id, as text), after QUESTIONS_CHOSEN.
CHOICE_ROWS = {
    "postgresql": QUESTIONS_CHOSEN["postgresql"] + ", jsonb_array_elements_text(question.value) AS item",
    "sqlite": QUESTIONS_CHOSEN["sqlite"] + ", json_each(question.value) AS item",
}
# NUMBER_ROWS: one row `item` per number (item.key: the question's id, item.value: the number, as text).
NUMBER_ROWS = {
    "postgresql": "jsonb_each_text(response.answers -> 'numbers') AS item",
    "sqlite": "json_each(response.answers, '$.numbers') AS item",
}
