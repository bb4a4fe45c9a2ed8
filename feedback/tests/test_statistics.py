"""Complaint statistics (客投诉统计表): the page and its workbook agree with cases of known values."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cxcenter.models import Role
from cxcenter.tests.factories import DepartmentFactory
from feedback.models import Case
from feedback.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("feedback:statistics")
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-02-28"}


def at(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


def hours(value: int) -> datetime.timedelta:
    return datetime.timedelta(hours=value)


@pytest.fixture
def known_cases():
    """Three complaints in January–February, a suggestion, and a complaint in March."""
    quality = DepartmentFactory(name="质量部")
    received = at(1, 10)
    CaseFactory(
        channel=Case.Channel.PHONE,
        severity=Case.Severity.HIGH,
        cause_category=Case.CauseCategory.PRODUCT,
        department=quality,
        status=Case.Status.CLOSED,
        received_at=received,
        response_due_at=received + hours(24),
        resolution_due_at=received + hours(120),
        acknowledged_at=received + hours(2),
        resolved_at=received + hours(40),
        closed_at=received + hours(48),
        customer_satisfaction=5,
    )
    received = at(1, 20)
    CaseFactory(
        channel=Case.Channel.EMAIL,
        severity=Case.Severity.MEDIUM,
        cause_category=Case.CauseCategory.SERVICE,
        department=quality,
        status=Case.Status.CLOSED,
        received_at=received,
        response_due_at=received + hours(24),
        resolution_due_at=received + hours(120),
        acknowledged_at=received + hours(30),
        resolved_at=received + hours(200),
        closed_at=received + hours(240),
        customer_satisfaction=3,
    )
    received = at(2, 5)
    CaseFactory(
        channel=Case.Channel.PHONE,
        severity=Case.Severity.HIGH,
        received_at=received,
        response_due_at=received + hours(24),
        resolution_due_at=received + hours(120),
    )
    CaseFactory(kind=Case.Kind.SUGGESTION, channel=Case.Channel.WEB, received_at=at(2, 10))
    CaseFactory(received_at=at(3, 5))
    return quality


def rows_of(response, name: str) -> dict:
    table = next(table for table in response.context["statistics"].tables if table.name == name)
    return {row.label: row for row in table.rows}


def test_page_counts_and_rates_agree_with_the_cases(as_user, supervisor, known_cases):
    response = as_user(supervisor).get(URL, PERIOD)
    assert response.status_code == 200
    total = response.context["statistics"].total
    assert total.count == 3
    assert (total.responded_on_time, total.response_judged) == (1, 3)
    assert (total.resolved_on_time, total.resolution_judged) == (1, 3)
    assert total.response_rate == Decimal("33.3") and total.resolution_rate == Decimal("33.3")
    assert total.closed == 2
    assert total.mean_handling_days == Decimal("6.0")  # (2 days + 10 days) / 2
    assert total.mean_satisfaction == Decimal("4.00")
    assert {label: row.count for label, row in rows_of(response, "month").items()} == {
        "January 2026": 2,
        "February 2026": 1,
    }
    assert {label: row.count for label, row in rows_of(response, "channel").items()} == {"Phone call": 2, "E-mail": 1}
    assert {label: row.count for label, row in rows_of(response, "severity").items()} == {"Serious": 2, "Moderate": 1}
    assert {label: row.count for label, row in rows_of(response, "department").items()} == {
        "质量部": 2,
        "No department assigned": 1,
    }
    causes = rows_of(response, "cause")
    assert {label: row.count for label, row in causes.items()} == {
        "Product quality": 1,
        "Service attitude": 1,
        "Not analysed yet": 1,
    }
    assert causes["Product quality"].response_rate == Decimal("100.0")
    assert causes["Not analysed yet"].mean_satisfaction is None
    page = response.content.decode()
    assert 'data-testid="total-count">3<' in page and "33.3%" in page
    assert page.count("<svg") == 6


def test_all_kinds_counts_the_suggestion_too(as_user, supervisor, known_cases):
    response = as_user(supervisor).get(URL, {**PERIOD, "kind": "all"})
    assert response.context["statistics"].total.count == 4
    assert {label: row.count for label, row in rows_of(response, "kind").items()} == {"Complaint": 3, "Suggestion": 1}


def test_date_filter_keeps_the_period_in_local_time(as_user, supervisor, known_cases):
    # 00:30 on 1 March in Shanghai is still 28 February in UTC: it belongs to March.
    CaseFactory(received_at=timezone.make_aware(datetime.datetime(2026, 3, 1, 0, 30)))
    response = as_user(supervisor).get(URL, {"date_from": "2026-02-01", "date_to": "2026-02-28"})
    assert response.context["statistics"].total.count == 1
    response = as_user(supervisor).get(URL, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.context["statistics"].total.count == 2


def test_rates_with_nothing_to_divide_by_show_a_dash(as_user, supervisor):
    # Received just now: neither deadline has passed, nothing is judged yet.
    CaseFactory()
    response = as_user(supervisor).get(URL)
    total = response.context["statistics"].total
    assert total.count == 1 and total.response_rate is None and total.resolution_rate is None
    page = response.content.decode()
    assert 'data-testid="total-response-rate">—<' in page and 'data-testid="total-handling">—<' in page
    workbook = load_workbook(BytesIO(as_user(supervisor).get(URL, {"export": "xlsx"}).content))
    summary = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert summary[-1] == ("All", 1, "—", "—", 0, "—", "—")


def test_an_empty_period_shows_dashes_and_no_chart(as_user, supervisor):
    response = as_user(supervisor).get(URL, {"date_from": "2020-01-01", "date_to": "2020-03-31"})
    assert response.status_code == 200
    assert response.context["statistics"].total.count == 0
    assert "<svg" not in response.content.decode()
    assert [row.count for row in rows_of(response, "month").values()] == [0, 0, 0]


def test_workbook_has_one_sheet_per_table_with_the_page_figures(as_user, supervisor, known_cases):
    client = as_user(supervisor)
    page = client.get(URL, PERIOD)
    response = client.get(URL, {**PERIOD, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="complaint-statistics-20260101-20260228.xlsx"'
    workbook = load_workbook(BytesIO(response.content))
    statistics = page.context["statistics"]
    assert workbook.sheetnames == ["Summary", *(table.title for table in statistics.tables)]
    summary = list(workbook["Summary"].iter_rows(values_only=True))
    assert summary[-1] == ("All", 3, 33.3, 33.3, 2, 6.0, 4.0)

    def cells(row):
        rates = [float(value) if value is not None else "—" for value in (row.response_rate, row.resolution_rate)]
        handling = float(row.mean_handling_days) if row.mean_handling_days is not None else "—"
        satisfaction = float(row.mean_satisfaction) if row.mean_satisfaction is not None else "—"
        return (row.label, row.count, *rates, row.closed, handling, satisfaction)

    for table in statistics.tables:
        sheet_rows = list(workbook[table.title].iter_rows(values_only=True))
        assert sheet_rows[1:] == [cells(row) for row in table.rows]


def test_workbook_neutralises_formulas_in_labels(as_user, supervisor):
    CaseFactory(department=DepartmentFactory(name="=HYPERLINK(1)"))
    workbook = load_workbook(BytesIO(as_user(supervisor).get(URL, {"export": "xlsx"}).content))
    labels = [row[0] for row in workbook["By responsible department"].iter_rows(values_only=True)]
    assert "'=HYPERLINK(1)" in labels


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-13-01"}, "Enter a valid date."),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "The period must end after it starts."),
        ({"date_from": "1900-01-01", "date_to": "2026-02-01"}, "Choose a period of at most ten years."),
        ({"kind": "nonsense"}, "Select a valid choice."),
    ],
)
def test_a_bad_filter_is_explained_with_a_400(as_user, supervisor, params, message):
    response = as_user(supervisor).get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert as_user(supervisor).get(URL, {**params, "export": "xlsx"}).status_code == 400


@pytest.mark.parametrize("count", [1, 30])
def test_query_count_is_flat_whatever_the_number_of_cases(as_user, supervisor, django_assert_max_num_queries, count):
    departments = DepartmentFactory.create_batch(3)
    for number in range(count):
        CaseFactory(
            department=departments[number % 3],
            channel=Case.Channel.values[number % 8],
            cause_category=Case.CauseCategory.values[number % 10],
            received_at=timezone.now() - datetime.timedelta(days=number * 7),
        )
    client = as_user(supervisor)
    with django_assert_max_num_queries(11):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(URL, {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize(("role", "status"), [(Role.GENERAL_MANAGER, 200), (Role.OPS_SUPERVISOR, 403)])
def test_statistics_by_role(as_user, persona, role, status):
    assert as_user(persona("someone", role)).get(URL).status_code == status
