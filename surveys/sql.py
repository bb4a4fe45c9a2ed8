"""The survey app's hand-written SQL: the few statements on the busiest paths, where the ORM costs more than the
database's own work (a submission, the look-up of a link, the answer counts of the results).

Gathered here so that a schema change finds them in one place; surveys/tests/test_sql.py checks that every
column they name is a column of its table.
"""

from cxcenter.prepared import PreparedStatement

# The link behind a token (surveys.selectors.distribution.survey_link): seven columns in one indexed look-up.
SURVEY_LINK = PreparedStatement(
    "survey_link",
    """
    SELECT invitation.id, invitation.customer_id, invitation.answered_at IS NOT NULL,
           batch.deadline <= CURRENT_TIMESTAMP, batch.questionnaire_id,
           questionnaire.is_anonymous, questionnaire.language
    FROM surveys_invitation AS invitation
    JOIN surveys_invitationbatch AS batch ON batch.id = invitation.batch_id
    JOIN surveys_questionnaire AS questionnaire ON questionnaire.id = batch.questionnaire_id
    WHERE invitation.token = %(token)s
    """,
)

# A submission in one round trip (surveys.services.responses.claim_and_store): find the link, claim it, store the
# response and its free-text answers.
CLAIM_AND_STORE = PreparedStatement(
    "claim_and_store_response",
    """
    WITH link AS (
        SELECT invitation.id, questionnaire.is_anonymous
        FROM surveys_invitation AS invitation
        JOIN surveys_invitationbatch AS batch ON batch.id = invitation.batch_id
        JOIN surveys_questionnaire AS questionnaire ON questionnaire.id = batch.questionnaire_id
        WHERE invitation.token = %(token)s AND batch.questionnaire_id = %(questionnaire_id)s::bigint
            AND (batch.deadline > %(now)s OR NOT %(before_deadline)s::boolean)
    ), claimed AS (
        UPDATE surveys_invitation AS invitation
        SET answered_at = %(now)s, opened_at = COALESCE(invitation.opened_at, %(now)s)
        FROM link
        WHERE invitation.id = link.id AND invitation.answered_at IS NULL
        RETURNING CASE WHEN link.is_anonymous THEN NULL ELSE invitation.id END AS invitation_id,
            CASE WHEN link.is_anonymous THEN NULL ELSE invitation.customer_id END AS customer_id
    ), response AS (
        INSERT INTO surveys_response (questionnaire_id, invitation_id, customer_id, open_survey_id,
            browser_key, source, entered_by_id, submitted_at, satisfaction_index, answers)
        SELECT %(questionnaire_id)s::bigint, claimed.invitation_id, claimed.customer_id, NULL,
            '', %(source)s::varchar, %(entered_by_id)s::bigint, %(now)s, %(satisfaction_index)s::numeric,
            %(answers)s::jsonb
        FROM claimed
        RETURNING id, invitation_id, customer_id
    ), text_answers AS (
        INSERT INTO surveys_answer (response_id, question_id, text)
        SELECT response.id, answer.question_id, answer.text
        FROM response, jsonb_to_recordset(%(texts)s::jsonb) AS answer (question_id bigint, text text)
    )
    SELECT id, invitation_id, customer_id FROM response
    """,
)

# What follows `FROM <responses> AS response, ` to read their sheets as rows.
SHEET_ROWS = "jsonb_each_text(response.answers) AS item"
