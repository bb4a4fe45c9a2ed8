"""Benchmark data: an approved 20-question questionnaire, links to it, and responses made in SQL."""

import datetime

from django.db import connection
from django.utils import timezone

KINDS = ["rating"] * 12 + ["single"] * 3 + ["multiple"] * 2 + ["number", "recommend", "text"]


def twenty_question_questionnaire(name: str):
    """An approved questionnaire of 20 questions (ratings, choices, number, 0–10, text) on a running plan."""
    from cxcenter.models import User
    from surveys.models import Choice, Question, Questionnaire, Section, SurveyPlan

    user, _created = User.objects.get_or_create(username="bench")
    today = timezone.localdate()
    plan = SurveyPlan.objects.create(
        title=name,
        goal=name,
        product_type="service",
        method="questionnaire",
        owner=user,
        created_by=user,
        period_start=today,
        period_end=today,
        report_due=today,
        status=SurveyPlan.Status.IN_PROGRESS,
    )
    questionnaire = Questionnaire.objects.create(
        plan=plan, title=name, language="zh-hans", created_by=user, status=Questionnaire.Status.APPROVED
    )
    section = Section.objects.create(questionnaire=questionnaire, title=name)
    for position, kind in enumerate(KINDS):
        question = Question.objects.create(section=section, position=position, text=f"Q{position}", kind=kind)
        if kind in Question.CHOICE_KINDS:
            Choice.objects.bulk_create(Choice(question=question, position=n, label=f"选项{n}") for n in range(4))
    return questionnaire


def invitations(questionnaire, count: int) -> list[str]:
    """`count` customers invited to the questionnaire; their link tokens."""
    from cxcenter.models import Customer
    from surveys.models import Invitation, InvitationBatch

    batch = InvitationBatch.objects.create(
        questionnaire=questionnaire,
        name="bench",
        deadline=timezone.now() + datetime.timedelta(days=7),
        email_subject="bench",
        email_message="bench",
        created_by=questionnaire.created_by,
    )
    customers = Customer.objects.bulk_create(
        (
            Customer(name=f"C{n}", email=f"c{batch.pk}-{n}@bench.example.com", consents_to_surveys=True)
            for n in range(count)
        ),
        batch_size=5000,
    )
    created = Invitation.objects.bulk_create(
        (Invitation(batch=batch, customer=customer, email=customer.email) for customer in customers), batch_size=5000
    )
    return [invitation.token for invitation in created]


def responses(questionnaire, count: int) -> None:
    """`count` web responses with an answer to every question, generated inside PostgreSQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO surveys_response
                   (questionnaire_id, source, browser_key, submitted_at, satisfaction_index, answers)
            SELECT %(questionnaire)s, 'web', '', now() - (n || ' minutes')::interval, 50 + (n %% 50),
                   {answer_sheet_sql("n")}
              FROM generate_series(1, %(count)s) AS n
            """,  # noqa: S608 - the bench's own SQL; values are parameters
            {"questionnaire": questionnaire.pk, "count": count},
        )
        insert_text_answers(cursor, questionnaire)


def answer_sheet_sql(seed: str) -> str:
    """SQL for the answer sheet (surveys.answer_sheets) of a response to the questionnaire %(questionnaire)s
    answering every choice and number question, varied by the integer SQL expression `seed`."""
    questions = "surveys_question q JOIN surveys_section s ON s.id = q.section_id"
    number = f"""CASE q.kind WHEN 'rating' THEN 1 + ({seed} + q.id) %% 5
                        WHEN 'recommend' THEN ({seed} + q.id) %% 11 ELSE {seed} %% 7 END"""
    return f"""(
        (SELECT COALESCE(jsonb_object_agg(q.id::text, ({number})::text), '{{}}')
                      FROM {questions}
                     WHERE s.questionnaire_id = %(questionnaire)s AND q.kind IN ('rating', 'recommend', 'number'))
        || (SELECT COALESCE(jsonb_object_agg(q.id::text, jsonb_build_array(c.id)), '{{}}')
                      FROM {questions} JOIN surveys_choice c ON c.question_id = q.id
                     WHERE s.questionnaire_id = %(questionnaire)s AND c.position = {seed} %% 4))"""  # noqa: S608


def insert_text_answers(cursor, questionnaire) -> None:
    """A comment from every response of the questionnaire to each of its text questions."""
    cursor.execute(
        """
        INSERT INTO surveys_answer (response_id, question_id, text)
        SELECT r.id, q.id, '产品整体不错，希望售后响应更快一些。'
          FROM surveys_response r
          JOIN surveys_question q ON q.kind = 'text'
               AND q.section_id IN (SELECT id FROM surveys_section WHERE questionnaire_id = %(questionnaire)s)
         WHERE r.questionnaire_id = %(questionnaire)s
        """,
        {"questionnaire": questionnaire.pk},
    )
