"""The closed loop with surveys (DOMAIN §5): a poor survey answer opens a follow-up case by itself.

Registered in FeedbackConfig.ready() as a surveys.hooks.response_stored hook and an outbox job.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import outbox, workflow
from cxcenter.models import TimelineEntry
from feedback.models import Case
from feedback.services.cases import intake_owner, sla_deadlines

Status = Case.Status
FOLLOW_UP_EMAIL = "feedback/emails/case_follow_up"
FOLLOW_UP_JOB = "feedback.open_follow_up_case"


def needs_follow_up(satisfaction_index, answers) -> bool:
    """A response below the index threshold, or with any rating this poor or worse, calls for a case.

    Decided from what is in memory: no query (answering a survey is the busiest path of the product).
    """
    from surveys.models import Question

    if satisfaction_index is not None and satisfaction_index < settings.CX_FOLLOW_UP_INDEX_BELOW:
        return True
    worst = settings.CX_FOLLOW_UP_RATING_FROM
    return any(
        answer.kind == Question.Kind.RATING and answer.number is not None and answer.number >= worst
        for answer in answers
    )


def wants_follow_up(*, response, answers) -> bool:
    """Poor answers call for a follow-up case (decided in memory before the response is stored, no query)."""
    return needs_follow_up(response.satisfaction_index, answers)


def queue_follow_up(*, response, answers) -> None:
    """Write the job that opens the follow-up case, in the transaction that stores the response; an anonymous
    response (no customer once stored) has nobody to follow up."""
    if response.customer_id is not None:
        outbox.run_later(FOLLOW_UP_JOB, response_id=response.pk)


def open_follow_up_case(*, response_id: int) -> Case | None:
    """Open a complaint for a poor survey response (closed loop), owned by the customer's account manager or,
    without one, the supervisor on duty. Never for anonymous responses (no customer); idempotent: a response
    has at most one case (database-enforced). Returns the case, or None for an anonymous response."""
    from surveys.models import Response

    response = Response.objects.select_related("customer__account_manager", "questionnaire").get(pk=response_id)
    if response.customer_id is None:
        return None
    existing = Case.objects.filter(survey_response_id=response_id).first()
    if existing is not None:
        return existing
    manager = response.customer.account_manager
    owner = manager if manager is not None and manager.is_active else intake_owner()
    received_at = response.submitted_at or timezone.now()
    response_due_at, resolution_due_at = sla_deadlines(Case.Severity.MEDIUM, max(received_at, timezone.now()))
    description = follow_up_description(response)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                kind=Case.Kind.COMPLAINT,
                channel=Case.Channel.SURVEY,
                severity=Case.Severity.MEDIUM,
                subject=_("Survey follow-up: %(questionnaire)s") % {"questionnaire": response.questionnaire.title},
                description=description,
                customer=response.customer,
                owner=owner,
                created_by=owner,
                survey_response=response,
                received_at=received_at,
                response_due_at=response_due_at,
                resolution_due_at=resolution_due_at,
            )
            workflow.record(
                case, actor=None, action=TimelineEntry.Action.CREATED, comment=_("Opened by a poor survey answer.")
            )
    except IntegrityError:
        # Two deliveries of the job at once: the one-to-one on survey_response let one case through.
        return Case.objects.get(survey_response_id=response_id)
    outbox.email_users(FOLLOW_UP_EMAIL, [owner], about=case, context={"case": case, "url": case.get_absolute_url()})
    return case


def follow_up_description(response) -> str:
    """What the customer answered poorly, for the owner to follow up."""
    from surveys.answer_sheets import GivenAnswers
    from surveys.models import Question

    worst = settings.CX_FOLLOW_UP_RATING_FROM
    lines = []
    if response.satisfaction_index is not None:
        lines.append(_("Satisfaction index: %(index)s") % {"index": response.satisfaction_index})
    given = GivenAnswers.of(response.answers, dict(response.text_answers.values_list("question_id", "text")))
    questions = Question.objects.filter(
        section__questionnaire_id=response.questionnaire_id, kind__in=[Question.Kind.RATING, Question.Kind.TEXT]
    ).order_by("pk")
    for question in questions:
        text, rank = given.texts.get(question.pk), given.numbers.get(question.pk)
        if text:
            lines.append(f"{question.text}: {text}")
        elif rank is not None and rank >= worst:
            lines.append(
                _("%(question)s: rated %(rank)s of 5 (5 = poor)") % {"question": question.text, "rank": int(rank)}
            )
    return "\n".join(lines) or _("The customer's answers fell below the follow-up threshold.")
