"""The questionnaire templates that ship with CX Center (DOMAIN.md §2), one JSON file per template and language.

The files have the shape of an exported questionnaire (surveys.questionnaire_json), so one reader checks both.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from surveys.questionnaire_json import QuestionnaireDocument, parse_questionnaire

DIRECTORY = Path(__file__).resolve().parent

TEMPLATES = {
    "physical_product": _("Physical product (appearance, use, functions, price, purchase channel)"),
    "service": _("Service (positioning, features, responsiveness, content, hardware)"),
    "invitation": _("Invitation to take part in a survey"),
    "satisfaction": _("Customer satisfaction survey (from past complaints and suggestions)"),
}


class UnknownTemplate(LookupError):
    """No template of the library has this key, or it has no version in this language."""


def template_choices() -> list[tuple[str, str]]:
    """(key, label) of every template, for a select."""
    return list(TEMPLATES.items())


def load_template(key: str, language: str) -> QuestionnaireDocument:
    """A template's content in one language; raises UnknownTemplate for a key or language the library lacks."""
    if key not in TEMPLATES or language not in dict(settings.LANGUAGES):
        raise UnknownTemplate(key, language)
    return read_template(key, language)


@cache
def read_template(key: str, language: str) -> QuestionnaireDocument:
    # The files ship with the code and never change while it runs, so each is read and checked once.
    text = (DIRECTORY / f"{key}.{language}.json").read_text(encoding="utf-8")
    return parse_questionnaire(json.loads(text))
