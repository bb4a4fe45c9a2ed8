"""Migrations that move saved answers: nothing a customer answered is lost, either way."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_SHEETS = [("surveys", "0005_lighter_submission_writes")]
WITH_SHEETS = [("surveys", "0006_answer_sheets")]


def migrate(targets):
    """Migrate to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def answered_before_sheets():
    """A response saved as answer rows, before answer sheets: a rating, two options, a number and a comment."""
    apps = migrate(BEFORE_SHEETS)

    def model(name):
        return apps.get_model("surveys", name)

    user = apps.get_model("cxcenter", "User").objects.create(username="author")
    day = "2026-11-01"
    plan = model("SurveyPlan").objects.create(
        title="Plan",
        goal="Goal",
        product_type="service",
        method="questionnaire",
        owner=user,
        created_by=user,
        period_start=day,
        period_end=day,
        report_due=day,
    )
    questionnaire = model("Questionnaire").objects.create(plan=plan, title="Form", created_by=user)
    section = model("Section").objects.create(questionnaire=questionnaire, title="All")
    rating, channels, units, comments = (
        model("Question").objects.create(section=section, position=position, text=kind, kind=kind)
        for position, kind in enumerate(["rating", "multiple", "number", "text"])
    )
    store, online = (model("Choice").objects.create(question=channels, position=n, label=n) for n in range(2))
    response = model("Response").objects.create(questionnaire=questionnaire)
    Answer = model("Answer")
    Answer.objects.bulk_create(
        [
            Answer(response=response, question=rating, number=Decimal("2.00")),
            Answer(response=response, question=channels, choice=store),
            Answer(response=response, question=channels, choice=online),
            Answer(response=response, question=units, number=Decimal("3.50")),
            Answer(response=response, question=comments, text="Too loud."),
        ]
    )
    yield response.pk, {"rating": rating.pk, "channels": channels.pk, "units": units.pk, "comments": comments.pk}
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_answer_rows_become_the_answer_sheet_and_back(answered_before_sheets):
    response_id, ids = answered_before_sheets
    apps = migrate(WITH_SHEETS)
    response = apps.get_model("surveys", "Response").objects.get(pk=response_id)
    chosen = response.answers[str(ids["channels"])]
    assert response.answers == {str(ids["rating"]): "2.00", str(ids["channels"]): chosen, str(ids["units"]): "3.50"}
    assert len(chosen) == 2 and chosen[0] < chosen[1]
    texts = apps.get_model("surveys", "Answer").objects.filter(response_id=response_id)
    assert list(texts.values_list("question_id", "text")) == [(ids["comments"], "Too loud.")]

    apps = migrate(BEFORE_SHEETS)
    rows = apps.get_model("surveys", "Answer").objects.filter(response_id=response_id)
    numbers = {question: number for question, number in rows.values_list("question_id", "number") if number}
    assert numbers == {ids["rating"]: Decimal("2.00"), ids["units"]: Decimal("3.50")}
    assert rows.filter(question_id=ids["channels"]).count() == 2
    assert rows.filter(question_id=ids["comments"]).get().text == "Too loud."
