"""B5 cases: the case list (filtered, paginated) and the complaint statistics with 100,000 cases, against 100.

Cases are made inside PostgreSQL (INSERT … SELECT generate_series) over the last twelve months, with every
kind, channel, severity, state, cause and department, and timestamps consistent with their state. Pages are
requested in-process through the Django test client (every middleware, the template, the charts) as a CX
supervisor, after a warm-up. Targets: the list's p95 under 150 ms over ~50 requests, the statistics' median under
1 s, and each page making the same number of queries with 100,000 cases as with 100.
"""

import os
import statistics
import time

CASES = int(os.environ.get("B5_CASES", "100000"))
SMALL = 100
LIST_RUNS = int(os.environ.get("B5_LIST_RUNS", "50"))
STATISTICS_RUNS = int(os.environ.get("B5_STATISTICS_RUNS", "7"))
LIST_QUERY = {"status": "investigating", "severity": "high", "page": "3"}


def run(table) -> None:
    client = supervisor_client()
    owner = client.bench_user
    insert_cases(owner, SMALL)
    small = measure_both(client)
    started = time.perf_counter()
    insert_cases(owner, CASES - SMALL)
    print(f"   data: {CASES:,} cases in {time.perf_counter() - started:.0f} s", flush=True)
    large = measure_both(client)

    table.add("B5", f"case list, {SMALL} cases, p95", small["list_p95"] * 1000, "ms", note=query_note(small, "list"))
    table.add(
        "B5",
        f"case list, {CASES:,} cases, p95",
        large["list_p95"] * 1000,
        "ms",
        target="< 150",
        met=large["list_p95"] < 0.150,
        note=f"{LIST_RUNS} requests, ?status=investigating&severity=high&page=3",
    )
    table.add(
        "B5",
        f"case list queries, {CASES:,} vs {SMALL} cases",
        large["list_queries"],
        "queries",
        target=f"= {small['list_queries']}",
        met=large["list_queries"] == small["list_queries"],
    )
    table.add(
        "B5",
        f"statistics, {SMALL} cases, median",
        small["statistics_median"] * 1000,
        "ms",
        note=query_note(small, "statistics"),
    )
    table.add(
        "B5",
        f"statistics, {CASES:,} cases, median",
        large["statistics_median"] * 1000,
        "ms",
        target="< 1000",
        met=large["statistics_median"] < 1,
        note=f"median of {STATISTICS_RUNS}, twelve months, all kinds",
    )
    table.add(
        "B5",
        f"statistics queries, {CASES:,} vs {SMALL} cases",
        large["statistics_queries"],
        "queries",
        target=f"= {small['statistics_queries']}",
        met=large["statistics_queries"] == small["statistics_queries"],
    )


def query_note(figures: dict, page: str) -> str:
    return f"{figures[f'{page}_queries']} queries"


def supervisor_client():
    from django.contrib.auth.models import Group
    from django.test import Client

    from cxcenter.models import Role, User

    user = User.objects.create_user(username="bench-b5-supervisor", display_name="B5")
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    client.bench_user = user
    return client


def insert_cases(owner, count: int) -> None:
    """`count` cases over the last twelve months, states and stamps consistent, made in SQL."""
    from django.db import connection

    from cxcenter.models import Department

    departments = [
        Department.objects.get_or_create(code=f"b5-{n}", defaults={"name": f"B5 部门 {n}"})[0].pk for n in range(8)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM feedback_case")
        offset = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO feedback_case (
                kind, channel, severity, status, subject, description, contact_name, contact_email, contact_phone,
                owner_id, department_id, received_at, response_due_at, resolution_due_at,
                acknowledged_at, resolved_at, closed_at, reopened_count,
                cause_category, cause, countermeasure, resolution, confirmation_token,
                customer_satisfaction, customer_comment, language, created_by_id, created_at, updated_at)
            SELECT
                (ARRAY['complaint', 'complaint', 'complaint', 'complaint', 'complaint', 'complaint', 'complaint',
                       'suggestion', 'praise', 'enquiry'])[1 + n %% 10],
                (ARRAY['phone', 'letter', 'visit', 'email', 'web', 'wechat', 'on_site', 'survey'])[1 + n %% 8],
                (ARRAY['low', 'medium', 'high', 'critical'])[1 + n %% 4],
                s.status,
                '产品加热太慢 ' || n, '客户来电反映加热速度比宣传的慢。', '客户 ' || n, '', '13800000000',
                %(owner)s,
                CASE WHEN n %% 9 = 0 THEN NULL ELSE (%(departments)s::bigint[])[1 + n %% 8] END,
                r.received_at, r.received_at + interval '24 hours', r.received_at + interval '120 hours',
                CASE WHEN s.status <> 'new' THEN r.received_at + ((n %% 36) || ' hours')::interval END,
                CASE WHEN s.status IN ('awaiting_customer', 'closed')
                     THEN r.received_at + ((24 + n %% 150) || ' hours')::interval END,
                CASE WHEN s.status = 'closed' THEN r.received_at + ((48 + n %% 200) || ' hours')::interval END,
                0,
                CASE WHEN s.status = 'new' THEN ''
                     ELSE (ARRAY['product', 'design', 'service', 'process', 'delivery', 'after_sales', 'price',
                                 'facility', 'customer', 'other'])[1 + (n / 3) %% 10] END,
                '', '', '', 'b5-' || n,
                CASE WHEN s.status = 'closed' THEN 1 + n %% 5 END,
                '', (ARRAY['zh-hans', 'en'])[1 + n %% 2], %(owner)s, now(), now()
            FROM generate_series(%(first)s, %(last)s) AS n
            CROSS JOIN LATERAL (
                SELECT (ARRAY['new', 'acknowledged', 'investigating', 'action', 'awaiting_customer', 'closed',
                              'closed', 'closed'])[1 + (n / 11) %% 8] AS status) AS s
            CROSS JOIN LATERAL (
                SELECT now() - ((n * 7919) %% 525000 || ' minutes')::interval AS received_at) AS r
            """,
            {"owner": owner.pk, "departments": departments, "first": offset + 1, "last": offset + count},
        )
        cursor.execute("ANALYZE feedback_case")


def measure_both(client) -> dict:
    from django.urls import reverse

    list_seconds, list_queries = measure(client, reverse("feedback:case-list"), LIST_QUERY, LIST_RUNS)
    statistics_seconds, statistics_queries = measure(
        client, reverse("feedback:statistics"), {"kind": "all"}, STATISTICS_RUNS
    )
    return {
        "list_p95": percentile(list_seconds, 95),
        "list_queries": list_queries,
        "statistics_median": statistics.median(statistics_seconds),
        "statistics_queries": statistics_queries,
    }


def measure(client, url: str, params: dict, runs: int) -> tuple[list[float], int]:
    """The seconds of `runs` requests after a warm-up request that also counts the page's queries."""
    from django.db import connection

    statements = []

    def count(execute, sql, sql_params, many, context):
        # An execute wrapper sees every statement, DEBUG or not, across the reconnects between requests.
        statements.append(sql)
        return execute(sql, sql_params, many, context)

    # Counted on the first page: with 100 cases a later page of a filtered list may not exist, and an empty
    # page skips the rows query.
    with connection.execute_wrapper(count):
        response = client.get(url, {**params, "page": "1"})
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}.")
    client.get(url, params)
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, params)
        seconds.append(time.perf_counter() - started)
    return seconds, len(statements)


def percentile(values: list[float], share: int) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-share * len(ordered) // 100))
    return ordered[rank - 1]
