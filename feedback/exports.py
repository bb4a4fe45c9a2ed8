"""Excel exports of the feedback app: the case list, and the complaint statistics (客投诉统计表)."""

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from cxcenter.exports import XLSX_TYPE, safe_cell, workbook_response, write_workbook
from cxcenter.models import ExportFile
from feedback.selectors.cases import case_export_rows, case_filter

# The kind of a large case-list export built by a task (registered in FeedbackConfig.ready()).
CASES_EXPORT = "feedback_cases"

CASE_COLUMNS = [
    gettext_lazy("Case number"),
    gettext_lazy("received at"),
    gettext_lazy("kind"),
    gettext_lazy("channel"),
    gettext_lazy("severity"),
    gettext_lazy("status"),
    gettext_lazy("subject"),
    gettext_lazy("customer"),
    gettext_lazy("owner"),
    gettext_lazy("responsible department"),
    gettext_lazy("respond by"),
    gettext_lazy("resolve by"),
    gettext_lazy("Past a deadline"),
    gettext_lazy("closed at"),
    gettext_lazy("customer satisfaction (1–5)"),
]


def cases_filename() -> str:
    return f"feedback-cases-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def cases_workbook(cases) -> HttpResponse:
    """A filtered case list small enough to build in the request."""
    return workbook_response(cases_filename(), _("Feedback cases"), CASE_COLUMNS, case_export_rows(cases))


def build_cases_export(export: ExportFile, path) -> int:
    """The task's builder for a large case list: the requester's filters, what they may see, in their language."""
    with translation.override(export.params.get("language")):
        cases = case_filter(export.requested_by, export.params.get("filters", {})).qs
        return write_workbook(path, _("Feedback cases"), CASE_COLUMNS, case_export_rows(cases))


MISSING = "—"


def statistics_header() -> list[str]:
    return [
        _("Group"),
        _("Cases"),
        _("Responded on time (%)"),
        _("Resolved on time (%)"),
        _("Closed"),
        _("Mean handling time (days)"),
        _("Mean satisfaction at closure (1–5)"),
    ]


def statistics_cells(row) -> list:
    """A table row as cells: figures as numbers, a rate with nothing to divide by as “—”, like the page."""
    figures = [row.response_rate, row.resolution_rate]
    return [
        row.label,
        row.count,
        *(float(value) if value is not None else MISSING for value in figures),
        row.closed,
        float(row.mean_handling_days) if row.mean_handling_days is not None else MISSING,
        float(row.mean_satisfaction) if row.mean_satisfaction is not None else MISSING,
    ]


def statistics_workbook(statistics, kind_label: str) -> HttpResponse:
    """The statistics as shown: a summary sheet with the period and totals, then one sheet per table."""
    workbook = Workbook(write_only=True)
    header = [safe_cell(name) for name in statistics_header()]
    summary = workbook.create_sheet(title=_("Summary")[:31])
    summary.append([safe_cell(_("Period")), f"{statistics.start.isoformat()} – {statistics.end.isoformat()}"])
    summary.append([safe_cell(_("Kind")), safe_cell(kind_label)])
    summary.append([])
    summary.append(header)
    summary.append([safe_cell(cell) for cell in statistics_cells(statistics.total)])
    for table in statistics.tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        sheet.append(header)
        for row in table.rows:
            sheet.append([safe_cell(cell) for cell in statistics_cells(row)])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    filename = f"complaint-statistics-{statistics.start:%Y%m%d}-{statistics.end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
