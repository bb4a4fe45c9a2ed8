"""Attachments (附件) of cases and of improvement actions' progress notes: checked, then kept outside the web root.

A file is accepted by what it is, not by what it is called: its first bytes (magic numbers) must match the kind
its extension claims, so an .exe renamed .pdf is refused. Stored under a random name in private storage
(PRIVATE_ROOT); the original name is kept in the row for the download.
"""

import os
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import has_role
from feedback.models import ActionProgress, Attachment, Case
from feedback.permissions import IMPROVEMENT_DETAILERS, can_change

PDF, PNG, JPEG, XLSX, DOCX, TEXT = "pdf", "png", "jpeg", "xlsx", "docx", "text"
# extension → (kind, content type served)
ALLOWED_EXTENSIONS = {
    ".pdf": (PDF, "application/pdf"),
    ".png": (PNG, "image/png"),
    ".jpg": (JPEG, "image/jpeg"),
    ".jpeg": (JPEG, "image/jpeg"),
    ".xlsx": (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".docx": (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".txt": (TEXT, "text/plain; charset=utf-8"),
}
MAGIC = {
    PDF: (b"%PDF-",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    JPEG: (b"\xff\xd8\xff",),
    XLSX: (b"PK\x03\x04",),
    DOCX: (b"PK\x03\x04",),
}
# The part every Office Open XML package of that kind holds.
OFFICE_PARTS = {XLSX: "xl/workbook.xml", DOCX: "word/document.xml"}
# Executables and archives renamed to something harmless start like this.
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
HEAD_BYTES = 8192


class AttachmentError(DomainError):
    """A file the rules do not accept; the message says why, in words the uploader understands."""


def allowed_types_text() -> str:
    return _("PDF, PNG, JPEG, Excel (.xlsx), Word (.docx) or plain text (.txt)")


def clean_name(name: str) -> str:
    """The customer's file name without folders or control characters, for the row and the download only."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip()
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension)] + extension
    return name


def sniff(file, kind: str) -> bool:
    """True when the file's content is what its extension says."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if kind == TEXT:
        return is_plain_text(head)
    if not head.startswith(MAGIC[kind]):
        return False
    if kind in OFFICE_PARTS:
        try:
            with zipfile.ZipFile(file) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            file.seek(0)
        return "[Content_Types].xml" in names and OFFICE_PARTS[kind] in names
    return True


def is_plain_text(head: bytes) -> bool:
    """Text in UTF-8 or GB18030 without NUL bytes, not an executable renamed .txt."""
    if b"\x00" in head or head.startswith(EXECUTABLE_MAGIC):
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            # The first bytes may end inside a character: only a fault before the last few bytes counts.
            if error.start >= len(head) - 3 and len(head) == HEAD_BYTES:
                return True
    return False


def validate_file(file) -> tuple[str, str]:
    """Check size, extension and content; return (clean original name, content type) or raise AttachmentError."""
    name = clean_name(getattr(file, "name", ""))
    if not name:
        raise AttachmentError(_("The file has no name."))
    size = file.size or 0
    if size == 0:
        raise AttachmentError(_("“%(name)s” is empty.") % {"name": name})
    if size > settings.CX_ATTACHMENT_MAX_BYTES:
        raise AttachmentError(
            _("“%(name)s” is %(size)s; files up to %(limit)s are accepted.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(settings.CX_ATTACHMENT_MAX_BYTES)}
        )
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise AttachmentError(
            _("“%(name)s” is not a file type we accept. Attach %(types)s.")
            % {"name": name, "types": allowed_types_text()}
        )
    kind, content_type = ALLOWED_EXTENSIONS[extension]
    if not sniff(file, kind):
        raise AttachmentError(
            _("“%(name)s” is not really a %(extension)s file: its content does not match its name. Attach %(types)s.")
            % {"name": name, "extension": extension, "types": allowed_types_text()}
        )
    return name, content_type


def ensure_can_attach(actor: User, case: Case | None, progress: ActionProgress | None) -> None:
    """Case files: the owner or a supervisor/director. Progress evidence: the note's writer, the action's owner
    or an improvement detailer (supervisor, director)."""
    if case is not None:
        if not can_change(actor, case):
            raise PermissionDenied(_("Only the case's owner or a CX supervisor or director may attach files."))
        return
    if actor.pk in (progress.written_by_id, progress.action.owner_id) or has_role(actor, *IMPROVEMENT_DETAILERS):
        return
    raise PermissionDenied(_("Only the action's owner or the supervisor may attach evidence to this progress note."))


@transaction.atomic
def add_attachment(
    *, actor: User, file, case: Case | None = None, progress: ActionProgress | None = None
) -> Attachment:
    """Attach an uploaded file to a case or to a progress note (exactly one of them).

    Raises PermissionDenied (see ensure_can_attach), AttachmentError for a file too large, empty, of a type not
    accepted, or whose content does not match its extension; ValueError unless exactly one target is given.
    """
    if (case is None) == (progress is None):
        raise ValueError("Attach the file to a case or to a progress note, not both or neither.")
    ensure_can_attach(actor, case, progress)
    name, content_type = validate_file(file)
    file.seek(0)
    attachment = Attachment(
        case=case,
        progress=progress,
        original_name=name,
        content_type=content_type,
        size=file.size,
        uploaded_by=actor,
    )
    attachment.file.save(name, file, save=False)
    # The file is on disk before the row is saved: a failed insert must not leave it orphaned.
    stored = attachment.file.name
    try:
        attachment.save()
        if case is not None:
            workflow.record(
                case,
                actor=actor,
                action=TimelineEntry.Action.UPDATED,
                comment=_("Attached “%(name)s”.") % {"name": name},
            )
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    return attachment
