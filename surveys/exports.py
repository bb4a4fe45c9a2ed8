"""Survey exports: plans, budgets and index trees as workbooks, a plan with its budget as a PDF for sign-off,
the raw answers of a questionnaire's responses."""

from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO

import segno
from django.db.models import QuerySet, Sum
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from weasyprint import HTML

from cxcenter.exports import XLSX_TYPE, safe_cell, workbook_response
from cxcenter.models import ExportFile
from surveys.models import Answer, IndexFactor, Question, Questionnaire, Response, SurveyBudget, SurveyPlan
from surveys.selectors.questionnaires import with_contents
from surveys.selectors.responses import answer_columns, join_labels, number_value, response_filter


def plans_workbook(plans) -> HttpResponse:
    """The plans as listed (filters applied), one row per plan."""
    header = [
        _("Title"),
        _("Status"),
        _("Owner"),
        _("Product type"),
        _("Method"),
        _("Period start"),
        _("Period end"),
        _("Report due"),
        _("Nodes done"),
        _("Overdue"),
    ]
    rows = (
        [
            plan.title,
            plan.get_status_display(),
            str(plan.owner),
            plan.get_product_type_display(),
            plan.get_method_display(),
            plan.period_start,
            plan.period_end,
            plan.report_due,
            plan.milestones_done,
            _("yes") if plan.is_overdue else _("no"),
        ]
        for plan in plans
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(f"survey-plans-{stamp}.xlsx", _("Survey plans"), header, rows)


def plan_pdf(plan: SurveyPlan) -> HttpResponse:
    """The plan, its ten nodes and its budget on A4, with signature lines for sign-off."""
    lines = list(plan.budget.lines.all()) if hasattr(plan, "budget") else []
    totals = plan.budget.lines.aggregate(estimate=Sum("estimate_amount"), actual=Sum("actual_amount")) if lines else {}
    html = render_to_string(
        "surveys/pdf/surveyplan.html",
        {
            "plan": plan,
            "milestones": plan.milestones.all(),
            "lines": lines,
            "totals": totals,
            "printed_at": timezone.localtime(),
        },
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-plan-{plan.pk}.pdf"'
    return response


def budget_workbook(budget: SurveyBudget) -> HttpResponse:
    """A budget (调研经费) as a workbook: one row per line, the totals, then the plan and status; amounts stay numbers.

    Takes a budget from surveys.selectors.budgets.get_budget_for (lines and totals already loaded).
    """
    header = [
        _("Category"),
        _("Description"),
        _("Estimate (yuan)"),
        _("Actual (yuan)"),
        _("Variance (yuan)"),
        _("Overrun"),
    ]
    rows = [
        [
            line.get_category_display(),
            line.description,
            line.estimate_amount,
            line.actual_amount,
            line.variance,
            _("yes") if line.is_overrun else "",
        ]
        for line in budget.line_list
    ]
    totals = budget.totals
    rows.append(
        [_("Total"), "", totals.estimate, totals.actual, totals.variance, _("yes") if totals.is_overrun else ""]
    )
    rows += [[], [_("Plan"), budget.plan.title], [_("Status"), budget.get_status_display()]]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # A plan's title may hold characters a sheet name cannot (: / ? * [ ]), so the sheet has a fixed name.
    return workbook_response(f"survey-budget-{budget.plan_id}-{stamp}.xlsx", _("Budget"), header, rows)


def index_systems_workbook(systems) -> HttpResponse:
    """The index systems as listed, one row per system."""
    header = [_("Name"), _("Description"), _("Active factors"), _("Mapped questions"), _("Created at")]
    rows = (
        [
            system.name,
            system.description,
            system.factor_count,
            system.question_count,
            timezone.localtime(system.created_at).replace(tzinfo=None),
        ]
        for system in systems
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(f"index-systems-{stamp}.xlsx", str(_("Index systems")), header, rows)


def factor_tree_workbook(system, tree) -> HttpResponse:
    """One system's factor tree as shown: a column per level, the weights, the share of the index, questions."""
    levels = range(1, IndexFactor.MAX_LEVEL + 1)
    header = [
        *(_("Level %(level)d") % {"level": level} for level in levels),
        _("Weight (%)"),
        _("Share of the index (%)"),
        _("Mapped questions"),
        _("Retired on"),
    ]
    rows = (
        [
            *(branch.factor.name if branch.factor.level == level else "" for level in levels),
            branch.factor.weight,
            branch.share,
            branch.question_count,
            timezone.localdate(branch.factor.retired_at) if branch.factor.is_retired else None,
        ]
        for root in tree
        for branch in root.walk()
    )
    filename = f"index-{slugify(system.name) or system.pk}.xlsx"
    return workbook_response(filename, str(_("Index factors")), header, rows)


# Responses with their answer sheets, and the free-text answers, are streamed from two server-side cursors:
# memory stays flat at any size.
RESPONSE_CHUNK = 2000
TEXT_CHUNK = 20000
LABELLED_BY_NUMBER = {Question.Kind.RATING, Question.Kind.PRICE_BAND}


def responses_filename(questionnaire: Questionnaire) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"responses-{questionnaire.pk}-v{questionnaire.version}-{stamp}.xlsx"


def responses_workbook_rows(
    questionnaire: Questionnaire, responses: QuerySet[Response] | None = None
) -> Iterator[list]:
    """The header, then one row per response, oldest first: its number, when, how, who (unless anonymous), index,
    then one column per question in the customer's order.

    `questionnaire` needs with_contents(); `responses` defaults to all of its responses (pass a filtered queryset
    to export what a list shows). Choices read as their labels (several joined with "; "), ratings and price
    bands as their labels in the questionnaire's language, numbers as numbers; every text through safe_cell.
    Two queries, streamed, whatever the number of responses and questions.
    """
    columns = answer_columns(questionnaire)
    traceable = not questionnaire.is_anonymous
    header = [_("Response"), _("Submitted at"), _("Source")]
    if traceable:
        header += [_("Customer"), _("Organisation")]
    header.append(capfirst(Response._meta.get_field("satisfaction_index").verbose_name))
    first = len(header)
    header += [f"{column.number}. {column.text}" for column in columns]
    yield [safe_cell(str(name)) for name in header]

    # Each question by its key in the answer sheets: its cell, kind, and labels neutralised once, not per cell.
    cells = {
        str(column.question_id): (
            first + index,
            column.kind,
            {key: safe_cell(label) for key, label in column.labels.items()},
            column.positions,
        )
        for index, column in enumerate(columns)
    }
    sources = {value: safe_cell(str(label)) for value, label in Response.Source.choices}
    zone = timezone.get_current_timezone()
    width = first + len(columns)

    fields = ["pk", "submitted_at", "source"]
    if traceable:
        fields += ["customer__name", "customer__organisation"]
    fields += ["satisfaction_index", "answers"]
    queryset = questionnaire.responses.all() if responses is None else responses
    # Two streams in the same order, merged here: the responses by id, and their free-text answers by response
    # id. One pass over each, whatever the size, instead of a query per chunk of responses.
    records = queryset.order_by("pk").values_list(*fields).iterator(chunk_size=RESPONSE_CHUNK)
    texts = (
        Answer.objects.filter(response__in=queryset.order_by().values("pk"))
        .order_by("response_id")
        .values_list("response_id", "question_id", "text")
        .iterator(chunk_size=TEXT_CHUNK)
    )
    pending = next(texts, None)
    for record in records:
        row = [None] * width
        row[0] = record[0]
        row[1] = record[1].astimezone(zone).replace(tzinfo=None)
        row[2] = sources.get(record[2], record[2])
        if traceable:
            row[3] = safe_cell(record[3]) if record[3] is not None else None
            row[4] = safe_cell(record[4]) if record[4] else None
        index, sheet = record[-2], record[-1]
        row[first - 1] = None if index is None else float(index)
        for key, answer in sheet.items():
            if key in cells:
                position, kind, labels, positions = cells[key]
                if kind in Question.CHOICE_KINDS:
                    row[position] = join_labels(answer, positions, labels)
                else:
                    number = Decimal(answer)
                    row[position] = labels.get(number) if kind in LABELLED_BY_NUMBER else number_value(number)
        while pending is not None and pending[0] <= record[0]:
            response_id, question_id, text = pending
            pending = next(texts, None)
            if response_id == record[0] and str(question_id) in cells:
                row[cells[str(question_id)][0]] = safe_cell(text)
        yield row


def write_responses_workbook(
    questionnaire: Questionnaire, path_or_buffer, responses: QuerySet[Response] | None = None
) -> int:
    """Write the raw answers (responses_workbook_rows) to a file path or a binary buffer with a write-only
    workbook; returns the number of responses written. `questionnaire` is loaded with its content here
    unless it already was (with_contents)."""
    if "sections" not in getattr(questionnaire, "_prefetched_objects_cache", {}):
        questionnaire = with_contents(Questionnaire.objects.all()).get(pk=questionnaire.pk)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Responses")))
    sheet.freeze_panes = "B2"
    count = -1
    for row in responses_workbook_rows(questionnaire, responses):
        sheet.append(row)
        count += 1
    workbook.save(path_or_buffer)
    return count


def responses_workbook(questionnaire: Questionnaire, responses: QuerySet[Response]) -> HttpResponse:
    """A small export of responses as a download in the same request."""
    buffer = BytesIO()
    write_responses_workbook(questionnaire, buffer, responses)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{responses_filename(questionnaire)}"'
    return response


# The kind of a large responses export built by a task (registered in SurveysConfig.ready()).
RESPONSES_EXPORT = "survey_responses"


def build_responses_export(export: ExportFile, path) -> int:
    """The task's builder for a large responses export (registered in SurveysConfig.ready()).

    Reads the questionnaire and the list's filters from the export's params; headers and source labels come in
    the requester's language.
    """
    params = export.params
    questionnaire = with_contents(Questionnaire.objects.all()).get(pk=params["questionnaire"])
    with translation.override(params.get("language") or questionnaire.language):
        responses = response_filter(questionnaire, params.get("filters", {})).qs
        return write_responses_workbook(questionnaire, path, responses)


QR_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# About 600 px for a short link: sharp when printed 8 cm wide; the SVG scales to any size.
QR_PNG_SCALE = 16
QR_SVG_SCALE = 10


def qr_code_response(url: str, kind: str, filename: str, *, download: bool = False) -> HttpResponse:
    """A QR code of `url` as an SVG or PNG image (medium error correction: survives a scratched print)."""
    qr = segno.make(url, error="m")
    buffer = BytesIO()
    qr.save(buffer, kind=kind, scale=QR_SVG_SCALE if kind == "svg" else QR_PNG_SCALE, border=4)
    response = HttpResponse(buffer.getvalue(), content_type=QR_TYPES[kind])
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}.{kind}"'
    return response


def report_pdf(report, figures) -> HttpResponse:
    """A survey or analysis report on A4 (调研报告 / 分析报告): a cover page, the figures, tables and charts of the
    plan's data (surveys.selectors.reports.report_figures), the text sections, page numbers."""
    html = render_to_string(
        "surveys/pdf/surveyreport.html",
        {"report": report, "plan": report.plan, "figures": figures, "printed_at": timezone.localtime()},
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="survey-{report.kind}-report-{report.plan_id}.pdf"'
    return response


def report_workbook(report, figures) -> HttpResponse:
    """A report's statistics as a workbook, one sheet per section: overview, invited by industry, by tier,
    per-question statistics, problems, text. Figures stay numbers; every cell goes through safe_cell."""
    workbook = Workbook(write_only=True)

    def sheet(title, header, rows):
        worksheet = workbook.create_sheet(title=str(title)[:31])
        worksheet.append([safe_cell(str(name)) for name in header])
        for row in rows:
            worksheet.append([safe_cell(float(value) if isinstance(value, Decimal) else value) for value in row])

    plan = report.plan
    sheet(
        _("Overview"),
        [_("Item"), _("Value")],
        [
            [_("Report"), report.get_kind_display()],
            [_("Plan"), plan.title],
            [_("Archive number"), plan.archive_number or ""],
            [_("Status"), report.get_status_display()],
            [_("Invitations"), figures.invited],
            [_("Invitations answered"), figures.answered],
            [_("Invited customers"), figures.invited_customers],
            [_("Responses"), figures.responses],
            [_("Response rate (%)"), figures.response_rate],
            [_("Satisfaction index"), figures.satisfaction_index],
            [_("Cost per respondent (yuan)"), figures.cost_per_respondent],
        ],
    )
    group_header = [_("Invited customers"), _("Answered"), _("Response rate (%)")]
    sheet(
        _("By industry"),
        [_("Industry"), *group_header],
        ([row.label, row.invited, row.answered, row.response_rate] for row in figures.by_industry),
    )
    sheet(
        _("By tier"),
        [_("Tier"), *group_header],
        ([row.label, row.invited, row.answered, row.response_rate] for row in figures.by_tier),
    )
    sheet(
        _("Questions"),
        [
            _("Questionnaire"),
            _("No."),
            _("Question"),
            _("Answered"),
            _("Option"),
            _("Count"),
            _("Share (%)"),
            _("Mean"),
        ],
        question_rows(figures),
    )
    sheet(
        _("Problems"),
        [_("Severity"), _("Problem"), _("Questionnaire")],
        ([row.severity_label, row.description, row.questionnaire] for row in figures.problems),
    )
    sheet(
        _("Text"),
        [_("Section"), _("Text")],
        [
            [_("Findings"), report.findings],
            [_("Conclusions"), report.conclusions],
            [_("Recommendations"), report.recommendations],
        ],
    )
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="survey-{report.kind}-report-{report.plan_id}-{stamp}.xlsx"'
    )
    return response


def question_rows(figures) -> Iterator[list]:
    """One row per option of each question (a question without options: one row with its mean or count)."""
    for results in figures.questionnaires:
        title = str(results.questionnaire)
        for result in results.questions:
            head = [title, result.number, result.question.text, result.answered]
            if not result.distribution:
                yield [*head, "", result.texts or None, None, result.mean]
                continue
            for position, row in enumerate(result.distribution):
                yield [*head, row.label, row.count, row.percent, result.mean if position == 0 else None]
