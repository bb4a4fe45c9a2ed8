"""Complaint statistics (客投诉统计表): counts and handling figures of the cases received in a period, by month,
channel, kind, cause category, department and severity. Every figure is aggregated in PostgreSQL: one query per
table, whatever the number of cases."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.figures import figure, percent, period_filter
from cxcenter.roles import ensure_role
from feedback.models import Case
from feedback.permissions import CASE_READERS
from surveys import charts

ALL_KINDS = "all"
NONE_KEY = "none"


@dataclass(frozen=True)
class StatisticsRow:
    """One line of a table: the cases of one group and how they were handled.

    Response is judged once the case was acknowledged or its response deadline passed; resolution once it
    was resolved (or closed) or its resolution deadline passed. Rates are percentages, None when nothing
    was judged yet; the mean handling time runs from receipt to closure, in days.
    """

    key: str
    label: str
    count: int
    response_judged: int
    responded_on_time: int
    resolution_judged: int
    resolved_on_time: int
    closed: int
    mean_handling_days: Decimal | None
    mean_satisfaction: Decimal | None

    @property
    def response_rate(self) -> Decimal | None:
        return percent(self.responded_on_time, self.response_judged)

    @property
    def resolution_rate(self) -> Decimal | None:
        return percent(self.resolved_on_time, self.resolution_judged)


@dataclass(frozen=True)
class StatisticsTable:
    name: str
    title: str
    rows: list[StatisticsRow]
    chart: str = ""


@dataclass
class ComplaintStatistics:
    start: datetime.date
    end: datetime.date
    kind: str
    total: StatisticsRow
    tables: list[StatisticsTable] = field(default_factory=list)


def metrics(now: datetime.datetime) -> dict:
    """The conditional aggregates every table computes per group."""
    finished = Q(resolved_at__isnull=False) | Q(closed_at__isnull=False)
    return {
        "count": Count("pk"),
        "response_judged": Count("pk", filter=Q(acknowledged_at__isnull=False) | Q(response_due_at__lt=now)),
        "responded_on_time": Count("pk", filter=Q(acknowledged_at__lte=F("response_due_at"))),
        "resolution_judged": Count("pk", filter=finished | Q(resolution_due_at__lt=now)),
        # Resolved by the deadline; a case closed without a separate resolution stamp counts by its closure.
        "resolved_on_time": Count(
            "pk",
            filter=Q(resolved_at__lte=F("resolution_due_at"))
            | Q(resolved_at__isnull=True, closed_at__lte=F("resolution_due_at")),
        ),
        "closed": Count("pk", filter=Q(status=Case.Status.CLOSED, closed_at__isnull=False)),
        "mean_handling": Avg(
            ExpressionWrapper(F("closed_at") - F("received_at"), output_field=DurationField()),
            filter=Q(status=Case.Status.CLOSED, closed_at__isnull=False),
        ),
        "mean_satisfaction": Avg("customer_satisfaction"),
    }


def make_row(key, label, figures: dict) -> StatisticsRow:
    handling = figures["mean_handling"]
    satisfaction = figures["mean_satisfaction"]
    return StatisticsRow(
        key=str(key),
        label=str(label),
        count=figures["count"],
        response_judged=figures["response_judged"],
        responded_on_time=figures["responded_on_time"],
        resolution_judged=figures["resolution_judged"],
        resolved_on_time=figures["resolved_on_time"],
        closed=figures["closed"],
        mean_handling_days=figure(Decimal(handling.total_seconds()) / 86400) if handling is not None else None,
        mean_satisfaction=figure(satisfaction),
    )


def cases_in_period(start: datetime.date, end: datetime.date, kind: str):
    """Cases received from the start of `start` to the end of `end`, local time."""
    cases = Case.objects.filter(period_filter("received_at", start, end))
    if kind != ALL_KINDS:
        cases = cases.filter(kind=kind)
    # No default ordering: it would be added to every GROUP BY.
    return cases.order_by()


def grouped(cases, key: str, aggregates: dict) -> list[dict]:
    return list(cases.values(key).annotate(**aggregates).order_by(key))


def by_choice(cases, key: str, choices, aggregates: dict, empty_label: str) -> list[StatisticsRow]:
    """One row per value in use, largest first; a blank value gets `empty_label`."""
    labels = dict(choices)
    rows = [
        make_row(item[key] or NONE_KEY, labels.get(item[key], item[key]) if item[key] else empty_label, item)
        for item in grouped(cases, key, aggregates)
    ]
    return sorted(rows, key=lambda row: (-row.count, row.label))


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    month, months = start.replace(day=1), []
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def by_month(cases, start, end, aggregates: dict) -> list[StatisticsRow]:
    """Every month of the period, those without a case included (the chart keeps its time axis)."""
    found = {
        timezone.localtime(item["month"]).date()
        if isinstance(item["month"], datetime.datetime)
        else item["month"]: item
        for item in cases.annotate(month=TruncMonth("received_at")).values("month").annotate(**aggregates)
    }
    empty = {name: 0 for name in ("count", "response_judged", "responded_on_time", "resolution_judged")}
    empty |= {"resolved_on_time": 0, "closed": 0, "mean_handling": None, "mean_satisfaction": None}
    return [
        make_row(month.isoformat(), date_format(month, "YEAR_MONTH_FORMAT"), found.get(month, empty))
        for month in months_between(start, end)
    ]


def by_department(cases, aggregates: dict) -> list[StatisticsRow]:
    rows = [
        make_row(item["department_id"] or NONE_KEY, item["department__name"] or _("No department assigned"), item)
        for item in cases.values("department_id", "department__name").annotate(**aggregates)
    ]
    return sorted(rows, key=lambda row: (-row.count, row.label))


TABLE_TITLES = {
    "month": gettext_lazy("By month"),
    "channel": gettext_lazy("By channel"),
    "kind": gettext_lazy("By kind"),
    "cause": gettext_lazy("By cause category"),
    "department": gettext_lazy("By responsible department"),
    "severity": gettext_lazy("By severity"),
}


def complaint_statistics(
    user, *, start: datetime.date, end: datetime.date, kind: str = Case.Kind.COMPLAINT, with_charts: bool = True
) -> ComplaintStatistics:
    """The complaint statistics of cases received from `start` to `end` (inclusive), of one kind or all kinds.

    Readers of cases only (PermissionDenied otherwise). Seven queries: the totals and one per table.
    """
    ensure_role(user, *CASE_READERS)
    cases = cases_in_period(start, end, kind)
    aggregates = metrics(timezone.now())
    total = make_row("total", _("All"), cases.aggregate(**aggregates))
    severity_order = list(Case.Severity.values)
    severity_rows = sorted(
        by_choice(cases, "severity", Case.Severity.choices, aggregates, _("Not set")),
        key=lambda row: severity_order.index(row.key) if row.key in severity_order else len(severity_order),
    )
    tables = [
        StatisticsTable("month", str(TABLE_TITLES["month"]), by_month(cases, start, end, aggregates)),
        StatisticsTable(
            "channel",
            str(TABLE_TITLES["channel"]),
            by_choice(cases, "channel", Case.Channel.choices, aggregates, _("Not set")),
        ),
        StatisticsTable(
            "kind", str(TABLE_TITLES["kind"]), by_choice(cases, "kind", Case.Kind.choices, aggregates, _("Not set"))
        ),
        StatisticsTable(
            "cause",
            str(TABLE_TITLES["cause"]),
            by_choice(cases, "cause_category", Case.CauseCategory.choices, aggregates, _("Not analysed yet")),
        ),
        StatisticsTable("department", str(TABLE_TITLES["department"]), by_department(cases, aggregates)),
        StatisticsTable("severity", str(TABLE_TITLES["severity"]), severity_rows),
    ]
    if with_charts and total.count:
        tables = [with_chart(table) for table in tables]
    return ComplaintStatistics(start=start, end=end, kind=kind, total=total, tables=tables)


def with_chart(table: StatisticsTable) -> StatisticsTable:
    """The table's figures drawn by the shared SVG renderer."""
    labels = [row.label for row in table.rows]
    counts = [row.count for row in table.rows]
    if table.name == "month":
        chart = charts.bar_chart(_("Cases received per month"), labels, counts)
    elif table.name == "severity":
        chart = charts.donut_chart(_("Cases by severity"), labels, counts)
    else:
        chart = charts.horizontal_bar_chart(table.title, labels, counts)
    return StatisticsTable(table.name, table.title, table.rows, chart)
