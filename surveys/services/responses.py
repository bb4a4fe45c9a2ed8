"""Responses (调研表回收): a customer's answers stored once, scored on the satisfaction index."""

import time

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter.models import User
from cxcenter.roles import ensure_role
from surveys.answers import ParsedAnswer
from surveys.models import Answer, Invitation, OpenSurvey, Questionnaire, Response
from surveys.permissions import MILESTONE_WORKERS
from surveys.scoring import answer_score, satisfaction_index
from surveys.selectors.index import scoring_tree_for


class SurveyClosed(Exception):
    """The link can no longer take answers: already answered, past its deadline, or the survey is closed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


ANSWERED, EXPIRED, CLOSED = "answered", "expired", "closed"


def mark_opened(*, invitation: Invitation) -> None:
    """Stamp the first visit of a link; later visits change nothing."""
    Invitation.objects.filter(pk=invitation.pk, opened_at=None).update(opened_at=timezone.now())


@transaction.atomic
def answer_invitation(
    *,
    invitation: Invitation,
    answers: list[ParsedAnswer],
    source: str = Response.Source.WEB,
    entered_by: User | None = None,
) -> Response:
    """Store the answers to an invitation (loaded with its batch and questionnaire), once.

    The invitation is claimed with a conditional update, so two tabs or a double click give one response:
    the second waits for the first to commit and then finds the invitation answered. Raises SurveyClosed
    (ANSWERED, or EXPIRED for a customer answering online after the deadline). An anonymous questionnaire's
    response keeps no link to the invitation or the customer.
    """
    now = timezone.now()
    if source == Response.Source.WEB and invitation.batch.is_expired:
        raise SurveyClosed(EXPIRED)
    claimed = Invitation.objects.filter(pk=invitation.pk, answered_at=None).update(
        answered_at=now, opened_at=Coalesce("opened_at", Value(now))
    )
    if not claimed:
        raise SurveyClosed(ANSWERED)
    questionnaire = invitation.batch.questionnaire
    traceable = not questionnaire.is_anonymous
    return store_response(
        questionnaire=questionnaire,
        answers=answers,
        source=source,
        entered_by=entered_by,
        invitation=invitation if traceable else None,
        customer_id=invitation.customer_id if traceable else None,
        submitted_at=now,
    )


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
    invitation = Invitation.objects.select_related("batch__questionnaire").get(pk=invitation_id)
    return answer_invitation(invitation=invitation, answers=answers, source=source, entered_by=actor)


def store_response(*, questionnaire: Questionnaire, answers: list[ParsedAnswer], **fields) -> Response:
    """Score the answers on the index, then write the response and its answers in two inserts."""
    response = Response.objects.create(
        questionnaire=questionnaire, satisfaction_index=score(questionnaire.pk, answers), **fields
    )
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question_id=answer.question_id,
            choice_id=answer.choice_id,
            number=answer.number,
            text=answer.text,
        )
        for answer in answers
    )
    return response


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
