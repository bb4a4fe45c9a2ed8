"""The raw answers as a workbook: one row per response, one column per question; large exports through a task."""

import datetime
from io import BytesIO

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cxcenter import services as core_services
from cxcenter.exports import XLSX_TYPE
from cxcenter.models import ExportFile, Role
from surveys import exports
from surveys.models import Response
from surveys.permissions import SURVEY_READERS
from surveys.tests.factories import InvitationBatchFactory, InvitationFactory
from surveys.tests.response_builders import answer_invitation, good_answers, survey_questionnaire

pytestmark = pytest.mark.django_db

QUESTIONS = ["1. Overall", "2. Colour", "3. Channels", "4. Units bought", "5. Recommend", "6. Price", "7. Comments"]


@pytest.fixture
def questionnaire():
    return survey_questionnaire()


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings.PRIVATE_ROOT


def export_url(questionnaire):
    return reverse("surveys:response-export", args=[questionnaire.pk])


def answered(questionnaire, count: int, **replace):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    return [
        answer_invitation(InvitationFactory(batch=batch), good_answers(questionnaire, **replace)) for _ in range(count)
    ]


def sheet_rows(content: bytes) -> list[tuple]:
    """The rows of the first sheet, each as wide as the header (a reader drops empty cells at the end)."""
    workbook = load_workbook(BytesIO(content), read_only=True)
    rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    width = len(rows[0])
    return [row + (None,) * (width - len(row)) for row in rows]


def test_the_export_has_one_row_per_response_and_one_column_per_question(as_user, director, questionnaire):
    stored = answered(questionnaire, 3)
    response = as_user(director).post(export_url(questionnaire))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="responses-')
    header, *rows = sheet_rows(response.content)
    assert header[:6] == ("Response", "Submitted at", "Source", "Customer", "Organisation", "Satisfaction index")
    assert list(header[6:]) == QUESTIONS
    assert [row[0] for row in rows] == [response.pk for response in stored]
    customer = stored[0].customer
    local_time = timezone.localtime(stored[0].submitted_at).replace(tzinfo=None)
    assert abs(rows[0][1] - local_time) < datetime.timedelta(seconds=1)
    assert rows[0][2:6] == ("Survey link", customer.name, customer.organisation, 90)
    # Rating and price band as labels, choices as labels in the questionnaire's order, numbers as numbers.
    assert rows[0][6:] == ("Good", "Red", "Store; Online", 3, 8, "300–500 yuan", "Works well.")


def test_formula_looking_text_is_neutralised(as_user, director, questionnaire):
    answered(questionnaire, 1, Comments='=HYPERLINK("http://evil.example","click")')
    header, row = sheet_rows(as_user(director).post(export_url(questionnaire)).content)
    assert row[header.index("7. Comments")] == '\'=HYPERLINK("http://evil.example","click")'


def test_control_characters_do_not_break_the_workbook(as_user, director, questionnaire):
    answered(questionnaire, 1, Comments="bell\x07 and form feed\x0c")
    header, row = sheet_rows(as_user(director).post(export_url(questionnaire)).content)
    assert row[header.index("7. Comments")] == "bell and form feed"


def test_an_anonymous_export_has_no_customer_column(as_user, director):
    anonymous = survey_questionnaire(is_anonymous=True)
    answered(anonymous, 2)
    header, *rows = sheet_rows(as_user(director).post(export_url(anonymous)).content)
    assert "Customer" not in header and "Organisation" not in header
    assert list(header) == ["Response", "Submitted at", "Source", "Satisfaction index", *QUESTIONS]
    assert len(rows) == 2


def test_the_export_applies_the_list_filters(as_user, director, specialist, questionnaire):
    answered(questionnaire, 2)
    invitation = InvitationFactory(batch__questionnaire=questionnaire)
    as_user(specialist).post(
        reverse("surveys:invitation-enter", args=[invitation.pk]), {"source": "phone", **good_answers(questionnaire)}
    )
    rows = sheet_rows(as_user(director).post(export_url(questionnaire) + "?source=phone").content)[1:]
    assert [row[2] for row in rows] == ["Phone interview"]


def test_unanswered_questions_stay_empty(as_user, director, questionnaire):
    answered(questionnaire, 1, Channels=[], Comments="", **{"Units bought": ""})
    header, row = sheet_rows(as_user(director).post(export_url(questionnaire)).content)
    assert row[header.index("3. Channels")] is None and row[header.index("7. Comments")] is None


def test_responses_are_read_in_chunks_without_losing_any(questionnaire, monkeypatch):
    monkeypatch.setattr(exports, "RESPONSE_CHUNK", 2)
    stored = answered(questionnaire, 5)
    buffer = BytesIO()
    assert exports.write_responses_workbook(questionnaire, buffer) == 5
    rows = sheet_rows(buffer.getvalue())[1:]
    assert [row[0] for row in rows] == [response.pk for response in stored]
    assert all(row[8] == "Store; Online" for row in rows)


def test_the_export_query_count_does_not_grow_with_responses(
    as_user, director, questionnaire, django_assert_max_num_queries
):
    client = as_user(director)
    answered(questionnaire, 1)
    with django_assert_max_num_queries(12):
        assert client.post(export_url(questionnaire)).status_code == 200
    answered(questionnaire, 29)
    with django_assert_max_num_queries(12):
        assert len(sheet_rows(client.post(export_url(questionnaire)).content)) == 31


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.OPS_SUPERVISOR, Role.CENTER_DIRECTOR])
def test_other_roles_cannot_export(as_user, persona, questionnaire, role):
    answered(questionnaire, 1)
    assert as_user(persona("other", role)).post(export_url(questionnaire)).status_code == 403


# Large exports


@pytest.fixture
def large_export(as_user, director, questionnaire, settings, django_capture_on_commit_callbacks):
    """Three responses over a threshold of two: built by the task (eager in tests), fetched from a link."""
    settings.CX_EXPORT_DIRECT_MAX_ROWS = 2
    answered(questionnaire, 3)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(director).post(export_url(questionnaire))
    assert response.status_code == 302
    assert response["Location"] == reverse("export-detail", args=[ExportFile.objects.get().pk])
    return ExportFile.objects.get()


def test_a_large_export_is_built_by_the_task_into_a_private_file(large_export, director, private_root):
    assert large_export.status == ExportFile.Status.READY
    assert large_export.kind == exports.RESPONSES_EXPORT and large_export.requested_by == director
    assert large_export.row_count == 3
    assert large_export.expires_at > timezone.now()
    path = private_root / large_export.file_path
    assert path.is_file() and not list(path.parent.glob("*.part"))
    assert len(sheet_rows(path.read_bytes())) == 4


def test_the_requester_sees_the_state_and_downloads_the_file(as_user, director, large_export):
    client = as_user(director)
    page = client.get(reverse("export-detail", args=[large_export.pk]))
    assert page.status_code == 200
    assert reverse("export-download", args=[large_export.pk]) in page.content.decode()
    partial = client.get(reverse("export-detail", args=[large_export.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="export-state"')
    download = client.get(reverse("export-download", args=[large_export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="responses-')
    assert len(sheet_rows(b"".join(download.streaming_content))) == 4


def test_a_pending_export_page_polls_until_ready(as_user, director, questionnaire):
    export = ExportFile.objects.create(
        kind=exports.RESPONSES_EXPORT,
        params={"readers": list(SURVEY_READERS), "questionnaire": questionnaire.pk},
        filename="x.xlsx",
        requested_by=director,
    )
    page = as_user(director).get(reverse("export-detail", args=[export.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert reverse("export-download", args=[export.pk]) not in page


def test_another_reader_cannot_download_someone_elses_export(as_user, persona, large_export):
    other = as_user(persona("other-director", Role.DIRECTOR))
    assert other.get(reverse("export-download", args=[large_export.pk])).status_code == 403
    assert other.get(reverse("export-detail", args=[large_export.pk])).status_code == 403


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.OPS_SUPERVISOR])
def test_roles_that_do_not_read_surveys_cannot_download(as_user, director, large_export, role):
    # Even the requester loses the file with the role.
    director.groups.set([Group.objects.get(name=role)])
    assert as_user(director).get(reverse("export-download", args=[large_export.pk])).status_code == 403


def test_an_unknown_export_is_not_found(as_user, director, large_export):
    assert as_user(director).get(reverse("export-download", args=[large_export.pk + 100])).status_code == 404


def test_an_expired_export_is_no_longer_served_and_is_swept(as_user, director, large_export, private_root):
    ExportFile.objects.filter(pk=large_export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    download = as_user(director).get(reverse("export-download", args=[large_export.pk]))
    assert download.status_code == 302
    assert core_services.sweep_exports() == 1
    assert not ExportFile.objects.exists()
    assert not (private_root / large_export.file_path).exists()
    assert core_services.sweep_exports() == 0


def test_a_failing_build_is_recorded_and_raised(director):
    export = ExportFile.objects.create(
        kind=exports.RESPONSES_EXPORT,
        params={"readers": list(SURVEY_READERS), "questionnaire": 999999},
        filename="x.xlsx",
        requested_by=director,
    )
    with pytest.raises(Exception, match="does not exist"):
        core_services.build_export(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportFile.Status.FAILED and export.error
    assert export.expires_at > timezone.now()  # the sweep deletes failed exports too
    # A second run leaves the failed export alone.
    assert core_services.build_export(export_id=export.pk).status == ExportFile.Status.FAILED


def test_the_sweep_builds_an_export_whose_message_was_lost(director, questionnaire, private_root):
    answered(questionnaire, 1)
    export = ExportFile.objects.create(
        kind=exports.RESPONSES_EXPORT,
        params={"readers": list(SURVEY_READERS), "questionnaire": questionnaire.pk},
        filename="lost.xlsx",
        requested_by=director,
    )
    ExportFile.objects.filter(pk=export.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=20))
    core_services.sweep_exports()
    export.refresh_from_db()
    assert export.status == ExportFile.Status.READY and export.row_count == 1
    assert (private_root / export.file_path).is_file()


def test_a_large_export_keeps_the_filters(
    as_user, director, specialist, questionnaire, settings, django_capture_on_commit_callbacks
):
    settings.CX_EXPORT_DIRECT_MAX_ROWS = 1
    answered(questionnaire, 2)
    invitation = InvitationFactory(batch__questionnaire=questionnaire)
    as_user(specialist).post(
        reverse("surveys:invitation-enter", args=[invitation.pk]), {"source": "paper", **good_answers(questionnaire)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        as_user(director).post(export_url(questionnaire) + "?source=web&page=2")
    export = ExportFile.objects.get()
    assert export.params["filters"] == {"source": "web"}
    assert export.row_count == 2
    assert Response.objects.count() == 3
