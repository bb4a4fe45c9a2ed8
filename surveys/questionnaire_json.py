"""The questionnaire file (JSON): what export writes, and what import and the template library read.

The whole file is checked before anything is saved; every problem is reported with where it is.

    {"format": "cx-center-questionnaire", "format_version": 1,
     "title": "…", "language": "zh-hans", "is_anonymous": false, "introduction": "…",
     "sections": [{"title": "…", "questions": [
         {"text": "…", "help_text": "", "kind": "single", "is_required": true, "choices": ["…", "…"]}]}]}

Index factors are not in the file: every installation has its own index tree, so an imported questionnaire is
mapped to it again in the builder.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from cxcenter.errors import DomainError
from surveys.models import Choice, Question, Questionnaire, Section

FORMAT = "cx-center-questionnaire"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 512 * 1024
MAX_SECTIONS = 50
MAX_QUESTIONS = 300
MAX_CHOICES = 30

TOP_KEYS = {"format", "format_version", "title", "language", "is_anonymous", "introduction", "sections"}
SECTION_KEYS = {"title", "questions"}
QUESTION_KEYS = {"text", "help_text", "kind", "is_required", "choices"}


@dataclass(frozen=True)
class QuestionDocument:
    text: str
    kind: str
    help_text: str = ""
    is_required: bool = True
    choices: tuple[str, ...] = ()
    # Kept when a questionnaire is copied inside CX Center; never read from or written to a file.
    factor_id: int | None = None


@dataclass(frozen=True)
class SectionDocument:
    title: str
    questions: tuple[QuestionDocument, ...] = ()


@dataclass(frozen=True)
class QuestionnaireDocument:
    """A questionnaire's content apart from the database: a file, a template, or the source of a copy."""

    title: str
    language: str
    is_anonymous: bool = False
    introduction: str = ""
    sections: tuple[SectionDocument, ...] = ()


class QuestionnaireFileError(DomainError):
    """The file cannot be read as a questionnaire; `errors` lists every reason."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def read_questionnaire_file(file) -> QuestionnaireDocument:
    """Read an uploaded file; raises QuestionnaireFileError with every problem found."""
    content = file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        raise QuestionnaireFileError(
            [_("The file is larger than %(limit)d KB; a questionnaire file is much smaller.") % {"limit": 512}]
        )
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise QuestionnaireFileError([_("The file is not UTF-8 text; export the questionnaire again.")]) from None
    except json.JSONDecodeError as error:
        raise QuestionnaireFileError(
            [
                _("The file is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ]
        ) from None
    except RecursionError:
        raise QuestionnaireFileError([_("The file is nested too deeply to be a questionnaire.")]) from None
    return parse_questionnaire(data)


def parse_questionnaire(data) -> QuestionnaireDocument:
    """Check the whole shape of decoded JSON and build the document; raises QuestionnaireFileError."""
    reader = ShapeReader()
    document = reader.questionnaire(data)
    if reader.errors:
        raise QuestionnaireFileError(reader.errors)
    return document


def document_from_questionnaire(questionnaire: Questionnaire) -> QuestionnaireDocument:
    """The content of a questionnaire, read from `sections`, `questions` and `choices` (prefetch them)."""
    return QuestionnaireDocument(
        title=questionnaire.title,
        language=questionnaire.language,
        is_anonymous=questionnaire.is_anonymous,
        introduction=questionnaire.introduction,
        sections=tuple(
            SectionDocument(
                title=section.title,
                questions=tuple(
                    QuestionDocument(
                        text=question.text,
                        kind=question.kind,
                        help_text=question.help_text,
                        is_required=question.is_required,
                        choices=tuple(choice.label for choice in question.choices.all()),
                        factor_id=question.factor_id,
                    )
                    for question in section.questions.all()
                ),
            )
            for section in questionnaire.sections.all()
        ),
    )


def document_to_data(document: QuestionnaireDocument) -> dict:
    """The JSON-ready form of a document, in the file's shape (factors left out)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": document.title,
        "language": document.language,
        "is_anonymous": document.is_anonymous,
        "introduction": document.introduction,
        "sections": [
            {
                "title": section.title,
                "questions": [
                    {
                        "text": question.text,
                        "help_text": question.help_text,
                        "kind": question.kind,
                        "is_required": question.is_required,
                        "choices": list(question.choices),
                    }
                    for question in section.questions
                ],
            }
            for section in document.sections
        ],
    }


def max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class ShapeReader:
    """Walks decoded JSON once, collecting every problem instead of stopping at the first."""

    def __init__(self):
        self.errors: list[str] = []
        self.question_count = 0

    def problem(self, where: str, message: str) -> None:
        self.errors.append(_("%(where)s: %(problem)s") % {"where": where, "problem": message})

    def questionnaire(self, data) -> QuestionnaireDocument | None:
        where = _("file")
        if not isinstance(data, dict):
            self.problem(where, _("the file must hold one JSON object, in braces { }"))
            return None
        self.unknown_keys(data, TOP_KEYS, where)
        if data.get("format") != FORMAT:
            self.problem(
                where, _("this is not a CX Center questionnaire (“format” must be “%(format)s”)") % {"format": FORMAT}
            )
        version = data.get("format_version")
        if version != FORMAT_VERSION or isinstance(version, bool):
            self.problem(
                where,
                _("“format_version” %(version)s cannot be read; CX Center reads version %(supported)d")
                % {"version": json.dumps(version)[:40], "supported": FORMAT_VERSION},
            )
        languages = [code for code, _name in settings.LANGUAGES]
        language = self.text(data, "language", where, limit=max_length(Questionnaire, "language"))
        if language and language not in languages:
            self.problem(
                where,
                _("“%(language)s” is not a language of CX Center; use one of: %(languages)s")
                % {"language": language, "languages": ", ".join(languages)},
            )
        document = QuestionnaireDocument(
            title=self.text(data, "title", where, limit=max_length(Questionnaire, "title")),
            language=language,
            is_anonymous=self.boolean(data, "is_anonymous", where, default=False),
            introduction=self.text(data, "introduction", where, required=False, limit=None),
            sections=tuple(
                self.section(item, number)
                for number, item in enumerate(self.items(data, "sections", where, MAX_SECTIONS), start=1)
            ),
        )
        if self.question_count > MAX_QUESTIONS:
            self.problem(where, _("more than %(limit)d questions in all") % {"limit": MAX_QUESTIONS})
        return document

    def section(self, data, number: int) -> SectionDocument | None:
        where = _("section %(section)d") % {"section": number}
        if not isinstance(data, dict):
            self.problem(where, _("must be an object, in braces { }"))
            return None
        self.unknown_keys(data, SECTION_KEYS, where)
        questions = self.items(data, "questions", where, MAX_QUESTIONS)
        self.question_count += len(questions)
        return SectionDocument(
            title=self.text(data, "title", where, limit=max_length(Section, "title")),
            questions=tuple(
                self.question(item, number, question_number) for question_number, item in enumerate(questions, start=1)
            ),
        )

    def question(self, data, section: int, number: int) -> QuestionDocument | None:
        where = _("section %(section)d, question %(question)d") % {"section": section, "question": number}
        if not isinstance(data, dict):
            self.problem(where, _("must be an object, in braces { }"))
            return None
        self.unknown_keys(data, QUESTION_KEYS, where)
        kind = self.text(data, "kind", where, limit=None)
        if kind and kind not in Question.Kind.values:
            self.problem(
                where,
                _("“%(kind)s” is not a question type; use one of: %(kinds)s")
                % {"kind": kind, "kinds": ", ".join(Question.Kind.values)},
            )
        choices = self.choices(data, where)
        if choices and kind in Question.Kind.values and kind not in Question.CHOICE_KINDS:
            self.problem(
                where,
                _("only single and multiple choice questions have choices; this one is “%(kind)s”") % {"kind": kind},
            )
        return QuestionDocument(
            text=self.text(data, "text", where, limit=max_length(Question, "text")),
            kind=kind,
            help_text=self.text(data, "help_text", where, required=False, limit=max_length(Question, "help_text")),
            is_required=self.boolean(data, "is_required", where, default=True),
            choices=choices,
        )

    def choices(self, data, where: str) -> tuple[str, ...]:
        labels = []
        limit = max_length(Choice, "label")
        for number, label in enumerate(self.items(data, "choices", where, MAX_CHOICES, required=False), start=1):
            place = _("%(where)s, choice %(choice)d") % {"where": where, "choice": number}
            if not isinstance(label, str) or not label.strip():
                self.problem(place, _("must be a non-empty text"))
            elif len(label.strip()) > limit:
                self.problem(place, _("is longer than %(limit)d characters") % {"limit": limit})
            elif label.strip() in labels:
                self.problem(place, _("“%(label)s” appears twice") % {"label": label.strip()})
            else:
                labels.append(label.strip())
        return tuple(labels)

    def unknown_keys(self, data: dict, allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(where, _("unknown key “%(key)s”") % {"key": key})

    def text(self, data: dict, key: str, where: str, *, required: bool = True, limit: int | None) -> str:
        if key not in data:
            if required:
                self.problem(where, _("“%(key)s” is missing") % {"key": key})
            return ""
        value = data[key]
        if not isinstance(value, str):
            self.problem(where, _("“%(key)s” must be text") % {"key": key})
            return ""
        value = value.strip()
        if required and not value:
            self.problem(where, _("“%(key)s” is empty") % {"key": key})
        elif limit is not None and len(value) > limit:
            self.problem(where, _("“%(key)s” is longer than %(limit)d characters") % {"key": key, "limit": limit})
        return value

    def boolean(self, data: dict, key: str, where: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(where, _("“%(key)s” must be true or false") % {"key": key})
            return default
        return value

    def items(self, data: dict, key: str, where: str, limit: int, *, required: bool = True) -> list:
        if key not in data:
            if required:
                self.problem(where, _("“%(key)s” is missing") % {"key": key})
            return []
        value = data[key]
        if not isinstance(value, list):
            self.problem(where, _("“%(key)s” must be a list, in brackets [ ]") % {"key": key})
            return []
        if len(value) > limit:
            self.problem(where, _("“%(key)s” has more than %(limit)d entries") % {"key": key, "limit": limit})
            return []
        return value
