"""The questionnaire file: export, import checked whole before anything is written, and the template library."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cxcenter.models import TimelineEntry
from cxcenter.selectors import timeline_for
from surveys import questionnaire_json
from surveys.models import Choice, Question, Questionnaire, Section
from surveys.questionnaire_json import (
    QuestionnaireFileError,
    document_from_questionnaire,
    document_to_data,
    parse_questionnaire,
    read_questionnaire_file,
)
from surveys.selectors.questionnaires import with_contents
from surveys.services import questionnaires as services
from surveys.tests.factories import SurveyPlanFactory

from .questionnaire_builders import one_of_each_kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(supervisor):
    return SurveyPlanFactory(owner=supervisor)


def exported(questionnaire) -> dict:
    return document_to_data(
        document_from_questionnaire(with_contents(Questionnaire.objects.all()).get(pk=questionnaire.pk))
    )


def valid_data() -> dict:
    return {
        "format": "cx-center-questionnaire",
        "format_version": 1,
        "title": "客户满意度调查问卷",
        "language": "zh-hans",
        "is_anonymous": True,
        "introduction": "",
        "sections": [
            {
                "title": "总体评价",
                "questions": [
                    {"text": "总体满意度", "kind": "rating"},
                    {"text": "改进方面", "kind": "multiple", "choices": ["质量", "价格"], "is_required": False},
                ],
            }
        ],
    }


def upload(data, name="questionnaire.json") -> SimpleUploadedFile:
    content = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_a_questionnaire_survives_export_and_import_unchanged(plan, supervisor):
    original = one_of_each_kind(plan, supervisor, is_anonymous=True, language="en")
    data = exported(original)
    document = read_questionnaire_file(upload(data))
    imported = services.import_questionnaire(plan_id=plan.pk, actor=supervisor, document=document)
    assert imported.pk != original.pk
    assert exported(imported) == data
    assert data["format_version"] == 1 and data["is_anonymous"] is True and data["language"] == "en"
    assert [len(section["questions"]) for section in data["sections"]] == [3, 4]
    assert timeline_for(imported)[0].action == TimelineEntry.Action.IMPORTED


def test_the_export_page_downloads_the_file(as_user, plan, supervisor, specialist):
    questionnaire = one_of_each_kind(plan, supervisor)
    response = as_user(specialist).get(reverse("surveys:questionnaire-export", args=[questionnaire.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="questionnaire-{questionnaire.pk}-v1.json"'
    assert json.loads(response.content) == exported(questionnaire)
    assert "产品的色彩" in response.content.decode()


def test_the_import_page_drafts_the_questionnaire_for_the_plan(as_user, plan, supervisor):
    response = as_user(supervisor).post(
        reverse("surveys:questionnaire-import", args=[plan.pk]), {"file": upload(valid_data())}
    )
    questionnaire = Questionnaire.objects.get()
    assert response.status_code == 302 and response["Location"] == questionnaire.get_absolute_url()
    assert (questionnaire.plan, questionnaire.status, questionnaire.created_by) == (plan, "draft", supervisor)
    assert list(Choice.objects.values_list("label", flat=True)) == ["质量", "价格"]


def broken(change) -> dict:
    data = copy.deepcopy(valid_data())
    change(data)
    return data


WRONG_SHAPES = [
    ("not an object", ["a list"], "one JSON object"),
    ("missing title", broken(lambda d: d.pop("title")), "“title” is missing"),
    ("missing sections", broken(lambda d: d.pop("sections")), "“sections” is missing"),
    ("missing question kind", broken(lambda d: d["sections"][0]["questions"][0].pop("kind")), "“kind” is missing"),
    ("title not text", broken(lambda d: d.update(title=12)), "“title” must be text"),
    ("anonymous not boolean", broken(lambda d: d.update(is_anonymous="yes")), "must be true or false"),
    ("sections not a list", broken(lambda d: d.update(sections={"title": "x"})), "must be a list"),
    ("section not an object", broken(lambda d: d["sections"].append("总体")), "section 2: must be an object"),
    (
        "unknown kind",
        broken(lambda d: d["sections"][0]["questions"][0].update(kind="slider")),
        "section 1, question 1: “slider” is not a question type",
    ),
    (
        "choices on a rating",
        broken(lambda d: d["sections"][0]["questions"][0].update(choices=["好", "差"])),
        "only single and multiple choice questions have choices",
    ),
    (
        "choice not text",
        broken(lambda d: d["sections"][0]["questions"][1]["choices"].append(3)),
        "question 2, choice 3: must be a non-empty text",
    ),
    (
        "duplicate choice",
        broken(lambda d: d["sections"][0]["questions"][1]["choices"].append("质量")),
        "“质量” appears twice",
    ),
    ("unknown key", broken(lambda d: d.update(owner="张三")), "unknown key “owner”"),
    ("unknown language", broken(lambda d: d.update(language="fr")), "“fr” is not a language"),
    ("other format", broken(lambda d: d.update(format="surveyjs")), "not a CX Center questionnaire"),
    ("newer version", broken(lambda d: d.update(format_version=2)), "“format_version” 2 cannot be read"),
    ("title too long", broken(lambda d: d.update(title="长" * 201)), "longer than 200 characters"),
    (
        "too many choices",
        broken(lambda d: d["sections"][0]["questions"][1].update(choices=[str(n) for n in range(31)])),
        "more than 30 entries",
    ),
    (
        "too many questions",
        broken(
            lambda d: d.update(
                sections=[{"title": str(s), "questions": [{"text": "问", "kind": "text"}] * 100} for s in range(4)]
            )
        ),
        "more than 300 questions in all",
    ),
]


@pytest.mark.parametrize(
    ("data", "reason"), [case[1:] for case in WRONG_SHAPES], ids=[case[0] for case in WRONG_SHAPES]
)
def test_a_file_of_the_wrong_shape_is_refused_with_the_reason(data, reason):
    with pytest.raises(QuestionnaireFileError) as refused:
        parse_questionnaire(data)
    assert any(reason in error for error in refused.value.errors), refused.value.errors


def test_every_problem_of_a_file_is_reported_at_once():
    data = broken(lambda d: (d.pop("title"), d["sections"][0]["questions"][0].update(kind="slider", text="")))
    with pytest.raises(QuestionnaireFileError) as refused:
        parse_questionnaire(data)
    assert len(refused.value.errors) == 3


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"title": ', "not valid JSON (line 1, column 11)"),
        ("{}".encode("utf-16"), "not UTF-8"),
        (b"[" * 100_000, "nested too deeply"),
        (b" " * (questionnaire_json.MAX_FILE_BYTES + 1), "larger than 512 KB"),
    ],
    ids=["truncated", "utf-16", "deep", "too large"],
)
def test_a_file_that_is_not_readable_json_is_refused(content, reason):
    with pytest.raises(QuestionnaireFileError) as refused:
        read_questionnaire_file(upload(content))
    assert reason in refused.value.errors[0]


def test_the_import_page_refuses_a_wrong_file_with_the_reasons_and_creates_nothing(as_user, plan, supervisor):
    data = broken(lambda d: d["sections"][0]["questions"][0].update(kind="slider"))
    data["sections"].append({"title": "第二部分", "questions": [{"text": "问", "kind": "rating", "choices": ["是"]}]})
    response = as_user(supervisor).post(reverse("surveys:questionnaire-import", args=[plan.pk]), {"file": upload(data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "section 1, question 1: “slider” is not a question type" in page
    assert "section 2, question 1: only single and multiple choice questions have choices" in page
    assert not Questionnaire.objects.exists() and not Section.objects.exists() and not Question.objects.exists()


def test_the_import_page_refuses_a_file_that_is_not_json(as_user, plan, supervisor):
    response = as_user(supervisor).post(
        reverse("surveys:questionnaire-import", args=[plan.pk]), {"file": upload(b"\x89PNG\r\n", name="logo.png")}
    )
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode() or "not valid JSON" in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_the_template_library_files_have_the_export_shape():
    from surveys.questionnaire_templates import DIRECTORY, TEMPLATES

    files = sorted(path.name for path in DIRECTORY.glob("*.json"))
    assert files == sorted(f"{key}.{language}.json" for key in TEMPLATES for language in ("en", "zh-hans"))
    for path in DIRECTORY.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert document_to_data(parse_questionnaire(data)) == data, path.name
