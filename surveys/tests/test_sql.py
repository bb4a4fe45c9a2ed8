"""The hand-written statements of surveys/sql.py name only columns their tables have."""

import re

import pytest
from django.apps import apps

from surveys import sql

STATEMENTS = [sql.SURVEY_LINK.prepare_sql, sql.CLAIM_AND_STORE.prepare_sql, f"FROM x AS response, {sql.SHEET_ROWS}"]
TABLE_ALIAS = re.compile(r"\b(\w+_\w+) AS (\w+)\b")
INSERT = re.compile(r"INSERT INTO (\w+) \(([^)]*)\)")
SET = re.compile(r"UPDATE (\w+) AS \w+\s+SET (.*?)\s+FROM", re.S)
REFERENCE = re.compile(r"\b([a-z_]+)\.([a-z_]+)\b")


def columns_of_tables() -> dict[str, set[str]]:
    return {
        model._meta.db_table: {field.column for field in model._meta.concrete_fields} for model in apps.get_models()
    }


def unknown_columns(statement: str) -> list[str]:
    tables = columns_of_tables()
    aliases = {alias: table for table, alias in TABLE_ALIAS.findall(statement) if table in tables}
    aliases.setdefault("response", "surveys_response")  # the responses' own SQL, which the sheet rows follow
    unknown = [
        f"{alias}.{column}"
        for alias, column in REFERENCE.findall(statement)
        if alias in aliases and column not in tables[aliases[alias]]
    ]
    for table, columns in INSERT.findall(statement):
        unknown += [f"{table}.{name.strip()}" for name in columns.split(",") if name.strip() not in tables[table]]
    for table, assignments in SET.findall(statement):
        names = re.findall(r"(\w+)\s*=", assignments)
        unknown += [f"{table}.{name}" for name in names if name not in tables[table]]
    return unknown


@pytest.mark.parametrize("statement", STATEMENTS, ids=["survey_link", "claim_and_store", "sheet_rows"])
def test_every_column_a_statement_names_is_one_of_its_table(statement):
    assert unknown_columns(statement) == []


def test_a_renamed_column_is_caught():
    renamed = sql.SURVEY_LINK.prepare_sql.replace("invitation.answered_at", "invitation.answered_on")
    assert unknown_columns(renamed) == ["invitation.answered_on"]
    inserted = sql.CLAIM_AND_STORE.prepare_sql.replace("browser_key, source", "browser, source")
    assert unknown_columns(inserted) == ["surveys_response.browser"]
