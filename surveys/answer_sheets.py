"""A response's choices and numbers, stored as one document on the response (Response.answers): its answer sheet.

    {"<question id>": "<number>", "<question id>": [<choice id>, ...], ...}

A number is a string, so that it stays exact: a rating's rank (1 good … 5 poor), a 0–10 score, a price band's
position or the number typed. Choices are listed in the order given. Free-text answers are rows of their own
(surveys.models.Answer).

Results count the sheets in the database: surveys.sql.SHEET_ROWS reads each sheet as rows `item` (item.key: the
question's id, item.value: its answer as text), one query over all the questions of a questionnaire.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


def answer_sheet(answers: Iterable) -> dict:
    """The sheet of parsed answers (surveys.answers.ParsedAnswer); their texts are left out."""
    sheet = {}
    for answer in answers:
        if answer.choice_id is not None:
            sheet.setdefault(str(answer.question_id), []).append(answer.choice_id)
        elif answer.number is not None:
            sheet[str(answer.question_id)] = str(answer.number)
    return sheet


def read_answer(value) -> Decimal | list[int]:
    """An answer of a sheet, or its text as SHEET_ROWS gives it: a number, or the choices' ids."""
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("[") else Decimal(value)
    return value


@dataclass(frozen=True)
class GivenAnswers:
    """A response's answers by question id, as read back: its numbers, the choices chosen and its texts."""

    numbers: dict[int, Decimal]
    choices: dict[int, list[int]]
    texts: dict[int, str]

    @classmethod
    def of(cls, sheet: dict, texts: dict[int, str]) -> "GivenAnswers":
        """From a response's answer sheet and its free-text answers."""
        numbers, choices = {}, {}
        for question_id, value in sheet.items():
            answer = read_answer(value)
            if isinstance(answer, list):
                choices[int(question_id)] = answer
            else:
                numbers[int(question_id)] = answer
        return cls(numbers, choices, texts)
