"""Excel exports: one helper writes every workbook so every cell is neutralised the same way."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .customer_import import COLUMNS, column_label
from .registry import Registry

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportBuilder:
    """A kind of large export built by a task: `build(export_file, path)` writes it and returns its row count."""

    kind: str
    build: Callable


# Apps register their large exports' builders in AppConfig.ready().
export_builders: Registry[ExportBuilder] = Registry("export builders")


def builder_for(kind: str) -> Callable | None:
    return next((entry.build for entry in export_builders if entry.kind == kind), None)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise text a spreadsheet would run as a formula (CSV/formula injection).

    Control characters a worksheet cannot hold (pasted into a free-text answer) are dropped: openpyxl would
    refuse the whole workbook for one of them.
    """
    if isinstance(value, str):
        if ILLEGAL_CHARACTERS_RE.search(value):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            return "'" + value
    return value


def write_workbook(target, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write a one-sheet write-only workbook to a path or a file object; returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([safe_cell(str(name)) for name in header])
    count = 0
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
        count += 1
    workbook.save(target)
    return count


def workbook_response(filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    """A one-sheet write-only workbook as a download."""
    buffer = BytesIO()
    write_workbook(buffer, title, header, rows)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def customers_workbook(customers) -> HttpResponse:
    """The customer list as shown (filters applied)."""
    header = [column_label(column) for column in COLUMNS]
    rows = (
        [
            customer.name,
            customer.organisation,
            customer.industry,
            customer.get_tier_display(),
            customer.email,
            customer.phone,
            customer.wechat,
            customer.get_preferred_contact_display(),
            customer.account_manager.username if customer.account_manager else "",
            _("yes") if customer.consents_to_surveys else _("no"),
        ]
        for customer in customers
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(f"customers-{stamp}.xlsx", str(_("Customers")), header, rows)


def customer_import_template() -> HttpResponse:
    """An empty import file with the expected header and one example row."""
    header = [column_label(column) for column in COLUMNS]
    example = [
        _("Zhang Wei"),
        _("Example Ltd."),
        _("Manufacturing"),
        _("Key customer"),
        "zhang.wei@example.com",
        "13800000000",
        "",
        _("Phone"),
        "",
        _("yes"),
    ]
    return workbook_response("customer-import-template.xlsx", str(_("Customers")), header, [example])
