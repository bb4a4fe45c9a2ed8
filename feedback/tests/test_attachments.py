"""Attachments: checked by content, kept in private storage, served only to staff who may see the case."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cxcenter.models import Role
from feedback.models import Attachment
from feedback.services.attachments import AttachmentError, add_attachment
from feedback.tests.factories import CaseFactory

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def office_file(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_root(monkeypatch, tmp_path):
    """Files go to a temporary private root (the field's storage is resolved once, when the model loads)."""
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path))
    return tmp_path


@pytest.fixture
def case(specialist):
    return CaseFactory(owner=specialist)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("receipt.pdf", PDF),
        ("photo.PNG", PNG),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("figures.xlsx", office_file("xl/workbook.xml")),
        ("letter.docx", office_file("word/document.xml")),
        ("note.txt", "客户来电：加热太慢。".encode()),
    ],
)
def test_accepted_types_are_stored_privately(case, specialist, private_root, name, content):
    attachment = add_attachment(actor=specialist, file=SimpleUploadedFile(name, content), case=case)
    assert attachment.original_name == name and attachment.size == len(content)
    assert (private_root / attachment.file.name).read_bytes() == content
    assert name not in attachment.file.name


def test_an_exe_renamed_pdf_is_refused_with_a_clear_message(case, specialist):
    with pytest.raises(AttachmentError, match="is not really a .pdf file"):
        add_attachment(actor=specialist, file=SimpleUploadedFile("invoice.pdf", EXE), case=case)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", EXE, "not a file type we accept"),
        ("sheet.xlsx", office_file("word/document.xml"), "not really a .xlsx"),
        ("note.txt", EXE, "not really a .txt"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_other_bad_files_are_refused(case, specialist, name, content, message):
    with pytest.raises(AttachmentError, match=message):
        add_attachment(actor=specialist, file=SimpleUploadedFile(name, content), case=case)


def test_files_over_the_limit_are_refused(case, specialist, settings):
    settings.CX_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(AttachmentError, match="files up to"):
        add_attachment(actor=specialist, file=SimpleUploadedFile("a.pdf", PDF), case=case)


def test_only_owner_or_supervisor_attaches(case, persona):
    with pytest.raises(PermissionDenied):
        add_attachment(actor=persona("other", Role.SPECIALIST), file=SimpleUploadedFile("a.pdf", PDF), case=case)


def test_upload_page_refuses_a_fake_pdf_with_400(as_user, case, specialist):
    response = as_user(specialist).post(
        reverse("feedback:case-attach", args=[case.pk]), {"file": SimpleUploadedFile("invoice.pdf", EXE)}
    )
    assert response.status_code == 400
    assert "is not really a .pdf file" in response.content.decode()


def test_download_keeps_the_name_and_is_only_for_those_who_see_the_case(as_user, case, specialist, persona):
    attachment = add_attachment(actor=specialist, file=SimpleUploadedFile("收据 receipt.pdf", PDF), case=case)
    url = reverse("feedback:attachment-download", args=[attachment.pk])
    response = as_user(specialist).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "receipt.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert as_user(persona("account2", Role.ACCOUNT_MANAGER)).get(url).status_code == 404
    assert as_user(persona("ops2", Role.OPS_SUPERVISOR)).get(url).status_code == 403
