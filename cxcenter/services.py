"""Every write of the core app: customers, departments, users' preferences, export files."""

import datetime
import logging
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import workflow
from .exports import builder_for
from .models import Customer, Department, ExportFile, Role, TimelineEntry, User
from .queue import enqueue
from .roles import CUSTOMER_EDITORS, DEPARTMENT_EDITORS, ensure_role, has_role


def ensure_can_edit_customer(actor, customer: Customer) -> None:
    """Account managers edit only their own customers; the CX office edits any.

    Raises PermissionDenied otherwise.
    """
    ensure_role(actor, *CUSTOMER_EDITORS)
    office_roles = set(CUSTOMER_EDITORS) - {Role.ACCOUNT_MANAGER}
    if not has_role(actor, *office_roles) and customer.account_manager_id != actor.pk:
        raise PermissionDenied(_("Only the customer's own account manager may change this customer."))


@transaction.atomic
def create_customer(*, actor: User, **fields) -> Customer:
    """Open a customer file (客户档案). Any customer editor may call it."""
    ensure_role(actor, *CUSTOMER_EDITORS)
    customer = Customer.objects.create(**fields)
    workflow.record(customer, actor=actor, action=TimelineEntry.Action.CREATED)
    return customer


@transaction.atomic
def update_customer(*, customer_id: int, actor: User, **fields) -> Customer:
    """Change a customer file; the change and any consent change go on its timeline.

    Raises PermissionDenied for an account manager who does not manage the customer.
    """
    customer = workflow.lock(Customer, customer_id)
    ensure_can_edit_customer(actor, customer)
    changed = [name for name, value in fields.items() if getattr(customer, name) != value]
    if not changed:
        return customer
    consent_before = customer.consents_to_surveys
    for name in changed:
        setattr(customer, name, fields[name])
    customer.save()
    labels = ", ".join(str(Customer._meta.get_field(name).verbose_name) for name in changed)
    workflow.record(customer, actor=actor, action=TimelineEntry.Action.UPDATED, comment=labels)
    if customer.consents_to_surveys != consent_before:
        action = (
            TimelineEntry.Action.CONSENT_GIVEN
            if customer.consents_to_surveys
            else TimelineEntry.Action.CONSENT_WITHDRAWN
        )
        workflow.record(customer, actor=actor, action=action)
    return customer


@transaction.atomic
def import_customers(*, rows: list[dict], actor: User) -> list[Customer]:
    """Create customers from validated import rows, all or none, each with an 'imported' timeline entry."""
    ensure_role(actor, *CUSTOMER_EDITORS)
    customers = Customer.objects.bulk_create([Customer(**row) for row in rows])
    workflow.record_many(customers, actor=actor, action=TimelineEntry.Action.IMPORTED)
    return customers


@transaction.atomic
def save_department(*, actor: User, department: Department | None = None, **fields) -> Department:
    """Create a department, or change one when `department` is given. Directors and the GM only."""
    ensure_role(actor, *DEPARTMENT_EDITORS)
    department = department or Department()
    for name, value in fields.items():
        setattr(department, name, value)
    department.save()
    return department


def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language a logged-in user chose, for pages and for the e-mails sent to them."""
    if user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


logger = logging.getLogger(__name__)
EXPORT_FOLDER = "exports"
# A pending export this old lost its message (broker down when it was asked for): the sweep queues it again.
EXPORT_REQUEUE_AFTER = datetime.timedelta(minutes=15)
# A pending export older than this was lost with its worker; it is marked failed so the user can ask again.
EXPORT_GIVE_UP_AFTER = datetime.timedelta(hours=6)


@transaction.atomic
def request_export(
    *, actor: User, kind: str, params: dict, filename: str, readers: tuple[str, ...], title: str = ""
) -> ExportFile:
    """Queue a large export for a task; the requester fetches the file from its page when it is ready.

    The caller checks that the actor may read what is exported; `readers` are the roles that may, kept with
    the export so the file is refused to a requester who lost them since. Raises ValueError for a kind no app
    registered (cxcenter.exports.export_builders).
    """
    if builder_for(kind) is None:
        raise ValueError(f"No export builder for {kind!r}.")
    export = ExportFile.objects.create(
        kind=kind, params={**params, "readers": list(readers)}, filename=filename, title=title[:200], requested_by=actor
    )
    # The export row is the job's record: while the broker is down it stays pending for the sweep.
    transaction.on_commit(lambda: enqueue("cxcenter.tasks.build_export_task", export.pk))
    return export


def build_export(*, export_id: int) -> ExportFile:
    """Build a pending export into a file under PRIVATE_ROOT with its kind's builder; a ready or failed one stays.

    The file is written under a temporary name and renamed when complete, so a download never sees half a
    workbook. A builder's error marks the export failed and is raised again for the worker's log.
    """
    export = ExportFile.objects.get(pk=export_id)
    if export.status != ExportFile.Status.PENDING:
        return export
    builder = builder_for(export.kind)
    relative = Path(EXPORT_FOLDER) / f"{export.pk}-{secrets.token_hex(8)}{Path(export.filename).suffix}"
    target = Path(settings.PRIVATE_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        row_count = builder(export, partial)
        partial.replace(target)
    except Exception as error:
        partial.unlink(missing_ok=True)
        now = timezone.now()
        ExportFile.objects.filter(pk=export.pk, status=ExportFile.Status.PENDING).update(
            status=ExportFile.Status.FAILED, finished_at=now, expires_at=export_expiry(now), error=str(error)[:500]
        )
        raise
    now = timezone.now()
    finished = ExportFile.objects.filter(pk=export.pk, status=ExportFile.Status.PENDING).update(
        status=ExportFile.Status.READY,
        file_path=str(relative),
        row_count=row_count,
        finished_at=now,
        expires_at=export_expiry(now),
    )
    if not finished:
        # Another run of the same task finished first; its file is the one served.
        target.unlink(missing_ok=True)
    export.refresh_from_db()
    return export


def export_expiry(now: datetime.datetime) -> datetime.datetime:
    """Until when an export, ready or failed, is kept before the sweep deletes it."""
    return now + datetime.timedelta(days=settings.CX_EXPORT_KEEP_DAYS)


def export_file_path(export: ExportFile) -> Path | None:
    """Where a ready export's file lies, or None when it is not ready, has expired or was removed."""
    if export.status != ExportFile.Status.READY or not export.file_path:
        return None
    if export.expires_at and export.expires_at <= timezone.now():
        return None
    path = Path(settings.PRIVATE_ROOT) / export.file_path
    return path if path.is_file() else None


def sweep_exports() -> int:
    """Delete expired exports with their files, queue again the pending ones whose message was lost and give up
    on those pending for hours; returns the number of exports deleted. Safe to run twice: a build run twice
    serves one file."""
    now = timezone.now()
    pending = ExportFile.objects.filter(status=ExportFile.Status.PENDING)
    pending.filter(created_at__lt=now - EXPORT_GIVE_UP_AFTER).update(
        status=ExportFile.Status.FAILED, finished_at=now, expires_at=export_expiry(now), error="interrupted"
    )
    for export_id in pending.filter(created_at__lt=now - EXPORT_REQUEUE_AFTER).values_list("pk", flat=True):
        if not enqueue("cxcenter.tasks.build_export_task", export_id):
            break
    expired = list(ExportFile.objects.filter(expires_at__lte=now))
    for export in expired:
        if export.file_path:
            (Path(settings.PRIVATE_ROOT) / export.file_path).unlink(missing_ok=True)
    ExportFile.objects.filter(pk__in=[export.pk for export in expired]).delete()
    if expired:
        logger.info("Deleted %d expired export files.", len(expired))
    return len(expired)
