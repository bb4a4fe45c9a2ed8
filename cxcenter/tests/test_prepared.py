from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from cxcenter.prepared import PreparedStatement, prepared_names

pytestmark = pytest.mark.django_db

DOUBLE = PreparedStatement("test_double", "SELECT %(number)s::int * 2, %(number)s::int + %(other)s::int")


def run(statement, params):
    with connection.cursor() as cursor:
        statement.execute(cursor, params)
        return cursor.fetchone()


def test_named_parameters_become_numbered_ones_in_order_of_first_use():
    assert DOUBLE.parameters == ["number", "other"]
    assert DOUBLE.prepare_sql == "PREPARE test_double AS SELECT $1::int * 2, $1::int + $2::int"
    assert DOUBLE.execute_sql == "EXECUTE test_double (%s, %s)"


def test_a_statement_runs_with_its_parameters_and_is_prepared_once():
    assert run(DOUBLE, {"number": 4, "other": 1}) == (8, 5)
    assert run(DOUBLE, {"number": 5, "other": 2}) == (10, 7)
    assert "test_double" in prepared_names(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_double'")
        assert cursor.fetchone() == (1,)


def test_a_rollback_keeps_the_statement():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert run(DOUBLE, {"number": 1, "other": 1}) == (2, 2)
        raise RuntimeError("roll back")
    assert run(DOUBLE, {"number": 2, "other": 1}) == (4, 3)


def test_a_new_connection_starts_with_nothing_prepared():
    database = SimpleNamespace(connection=object())
    prepared_names(database).add("test_double")
    assert prepared_names(database) == {"test_double"}
    database.connection = object()
    assert prepared_names(database) == set()
