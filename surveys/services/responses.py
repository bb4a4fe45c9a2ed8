"""Responses (调研表回收): a customer's answers stored once, scored on the satisfaction index."""

import json
import time
from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter.errors import DomainError
from cxcenter.models import User
from cxcenter.roles import ensure_role
from surveys import hooks
from surveys.answer_sheets import answer_sheet
from surveys.answers import ParsedAnswer
from surveys.models import Answer, Invitation, OpenSurvey, Questionnaire, Response
from surveys.permissions import MILESTONE_WORKERS
from surveys.scoring import answer_score, satisfaction_index
from surveys.selectors.distribution import survey_link
from surveys.selectors.index import scoring_tree_for
from surveys.sql import CLAIM_AND_STORE


class SurveyClosed(DomainError):
    """The link can no longer take answers: already answered, past its deadline, or the survey is closed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


ANSWERED, EXPIRED, CLOSED = "answered", "expired", "closed"


def mark_opened(*, invitation_id: int) -> None:
    """Stamp the first visit of a link; later visits change nothing."""
    Invitation.objects.filter(pk=invitation_id, opened_at=None).update(opened_at=timezone.now())


def answer_invitation(
    *,
    token: str,
    questionnaire_id: int,
    answers: list[ParsedAnswer],
    source: str = Response.Source.WEB,
    entered_by: User | None = None,
) -> Response:
    """Store the answers to an invitation's questionnaire, once.

    The invitation is claimed with a conditional update, so two tabs or a double click give one response:
    the second waits for the first to commit and then finds the invitation answered. Raises SurveyClosed
    (ANSWERED, or EXPIRED for a customer answering online after the deadline) and Invitation.DoesNotExist
    for a token that is not a link to `questionnaire_id`. An anonymous questionnaire's response keeps no
    link to the invitation or the customer.
    """
    response = Response(
        questionnaire_id=questionnaire_id,
        source=source,
        entered_by=entered_by,
        submitted_at=timezone.now(),
        satisfaction_index=score(questionnaire_id, answers),
        answers=answer_sheet(answers),
    )
    # A customer answers online until the deadline; a specialist may type in a paper form after it.
    before_deadline = source == Response.Source.WEB
    # Closed loop (DOMAIN §5): what the apps above want done about these answers is decided before storing, so
    # that the usual response stays one statement and one that sets work off is stored with it, atomically.
    follow_ups = [hook.follow for hook in hooks.response_stored if hook.wants(response=response, answers=answers)]
    with transaction.atomic() if follow_ups else nullcontext():
        if not claim_and_store(token, response, answers, before_deadline=before_deadline):
            raise why_not_stored(token, questionnaire_id, before_deadline=before_deadline)
        for follow in follow_ups:
            follow(response=response, answers=answers)
    return response


def why_not_stored(token: str, questionnaire_id: int, *, before_deadline: bool) -> Exception:
    """The error for answers that were not stored: read afterwards, so that success needs no lookup."""
    link = survey_link(token)
    if link is None or link.questionnaire_id != questionnaire_id:
        return Invitation.DoesNotExist()
    if before_deadline and link.is_expired and not link.is_answered:
        return SurveyClosed(EXPIRED)
    return SurveyClosed(ANSWERED)


def claim_and_store(token: str, response: Response, answers: list[ParsedAnswer], *, before_deadline: bool) -> bool:
    """Find the link, claim it, insert the response and its answers: one prepared PostgreSQL statement.

    Submissions are the busiest write of the product (an e-mail campaign answered within hours): one round
    trip that commits by itself instead of six. The answer sheet and the free-text answers travel as JSON,
    which costs the driver far less than adapting a list per column. Nothing is written unless `token` is an
    unanswered link to the response's questionnaire (and, `before_deadline`, its batch still open);
    response.invitation and .customer come back from the link, empty for an anonymous questionnaire.
    """
    with connection.cursor() as cursor:
        CLAIM_AND_STORE.execute(
            cursor,
            {
                "token": token,
                "now": response.submitted_at,
                "before_deadline": before_deadline,
                "questionnaire_id": response.questionnaire_id,
                "source": response.source,
                "entered_by_id": response.entered_by_id,
                "satisfaction_index": response.satisfaction_index,
                "answers": json.dumps(response.answers),
                "texts": json.dumps(
                    [{"question_id": answer.question_id, "text": answer.text} for answer in answers if answer.text]
                ),
            },
        )
        row = cursor.fetchone()
    if row is None:
        return False
    response.pk, response.invitation_id, response.customer_id = row
    response._state.adding = False
    return True


@transaction.atomic
def answer_open_survey(*, open_survey: OpenSurvey, browser_key: str, answers: list[ParsedAnswer]) -> Response:
    """Store an anonymous visitor's answers to an open survey; one response per browser (database-enforced).

    Raises SurveyClosed(CLOSED) when the survey was closed, SurveyClosed(ANSWERED) for a browser that answered.
    """
    if not OpenSurvey.objects.filter(pk=open_survey.pk, is_active=True).exists():
        raise SurveyClosed(CLOSED)
    try:
        # The unique constraint decides between two submits of one browser arriving together.
        with transaction.atomic():
            return store_response(
                questionnaire=open_survey.questionnaire,
                answers=answers,
                source=Response.Source.OPEN,
                open_survey=open_survey,
                browser_key=browser_key,
            )
    except IntegrityError:
        raise SurveyClosed(ANSWERED) from None


def record_paper_answers(*, invitation_id: int, answers: list[ParsedAnswer], source: str, actor: User) -> Response:
    """A specialist types in a paper form or a phone interview (上门收取调研表), marked with its source."""
    ensure_role(actor, *MILESTONE_WORKERS)
    if source not in (Response.Source.PAPER, Response.Source.PHONE):
        raise ValueError(_("Paper and phone answers only."))
    invitation = Invitation.objects.select_related("batch").get(pk=invitation_id)
    return answer_invitation(
        token=invitation.token,
        questionnaire_id=invitation.batch.questionnaire_id,
        answers=answers,
        source=source,
        entered_by=actor,
    )


def store_response(*, questionnaire: Questionnaire, answers: list[ParsedAnswer], **fields) -> Response:
    """Score the answers on the index, then write the response and its free-text answers in two inserts."""
    response = Response(
        questionnaire=questionnaire,
        satisfaction_index=score(questionnaire.pk, answers),
        answers=answer_sheet(answers),
        **fields,
    )
    save_with_answers(response, answers)
    return response


def save_with_answers(response: Response, answers: list[ParsedAnswer]) -> None:
    """Insert a response built with its answer sheet, then its free-text answers."""
    response.save(force_insert=True)
    Answer.objects.bulk_create(
        Answer(response=response, question_id=answer.question_id, text=answer.text) for answer in answers if answer.text
    )


def score(questionnaire_id: int, answers: list[ParsedAnswer]):
    """The response's satisfaction index (0–100), or None when no answer maps to the index."""
    factors = scoring_tree(questionnaire_id)
    if not factors:
        return None
    scores = {}
    for answer in answers:
        value = answer_score(answer.kind, answer.number)
        if value is not None:
            scores[answer.question_id] = value
    return satisfaction_index(factors, scores)


SCORING_TREE_SECONDS = 60
_scoring_trees: dict[int, tuple[float, list]] = {}


def scoring_tree(questionnaire_id: int) -> list:
    """The questionnaire's factor tree, kept for a minute: every submission needs it, weights change rarely."""
    now = time.monotonic()
    cached = _scoring_trees.get(questionnaire_id)
    if cached is None or cached[0] < now:
        cached = (now + SCORING_TREE_SECONDS, scoring_tree_for(Questionnaire(pk=questionnaire_id)))
        _scoring_trees[questionnaire_id] = cached
    return cached[1]
