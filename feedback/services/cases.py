"""Feedback cases (客户反馈/投诉) from first contact to the customer's own confirmation (DOMAIN §5).

The person who records a case owns it until closure (首问负责制); only the owner or a supervisor/director
(CASE_SUPERVISORS) changes it. The closure flow:

1. the owner writes the resolution (for a complaint also the cause and the countermeasure) and sends it to the
   customer: the case is "awaiting the customer" and its resolution deadline is met (resolved_at);
2. a customer with an e-mail address gets a link `/c/<token>/` asking whether they are satisfied (1–5); without
   one, the owner phones and records the answer;
3. a score of 3 or more closes the case; 2 or less reopens it (investigating again, reopened_count + 1, a new link)
   and e-mails the owner.

Suggestions, praise and enquiries need no confirmation: the owner closes them with the answer given.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import outbox, workflow
from cxcenter.errors import DomainError
from cxcenter.models import Customer, Department, Role, TimelineEntry, User
from cxcenter.roles import ensure_role, has_role
from feedback.models import Case, Referral, new_confirmation_token
from feedback.permissions import (
    CASE_RECORDERS,
    CASE_SUPERVISORS,
    ensure_can_change,
    may_choose,
)

Status = Case.Status
# A score at or below this is "not satisfied" and reopens the case.
NOT_SATISFIED_UP_TO = 2
BREACH_EMAIL = "feedback/emails/case_breach"
REOPENED_EMAIL = "feedback/emails/case_reopened"
FOLLOW_UP_EMAIL = "feedback/emails/case_follow_up"
CONFIRMATION_EMAIL = "feedback/emails/confirmation_request"
FOLLOW_UP_JOB = "feedback.open_follow_up_case"


class CaseError(DomainError):
    """A case change the rules do not allow; the message says why."""


# --- who may act ---------------------------------------------------------------------------------------------


def ensure_open(case: Case) -> None:
    if not case.is_open:
        raise CaseError(_("The case is closed; reopen it first."))


def sla_deadlines(severity: str, received_at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """Respond-by and resolve-by, in calendar hours from receipt (CX_CASE_SLA_HOURS)."""
    respond_hours, resolve_hours = settings.CX_CASE_SLA_HOURS[severity]
    return (
        received_at + datetime.timedelta(hours=respond_hours),
        received_at + datetime.timedelta(hours=max(resolve_hours, respond_hours)),
    )


def validate_contact(customer: Customer | None, contact_email: str, contact_phone: str) -> None:
    if customer is None and not (contact_email or contact_phone):
        raise CaseError(_("Choose the customer from the customer file, or give an e-mail address or a phone number."))


# --- intake ---------------------------------------------------------------------------------------------------


@transaction.atomic
def record_case(
    *,
    actor: User,
    kind: str,
    channel: str,
    subject: str,
    description: str,
    severity: str = Case.Severity.MEDIUM,
    customer: Customer | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "",
    received_at: datetime.datetime | None = None,
) -> Case:
    """Record feedback received by phone, letter, visit, e-mail, WeChat or on site; the recorder owns it.

    For CASE_RECORDERS, else PermissionDenied (also for an account manager choosing another's customer).
    Raises CaseError without a customer or a way to reach the person.
    """
    ensure_role(actor, *CASE_RECORDERS)
    if customer is not None and not may_choose(actor, customer):
        raise PermissionDenied(_("Account managers record feedback for their own customers only."))
    validate_contact(customer, contact_email, contact_phone)
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + datetime.timedelta(minutes=5):
        raise CaseError(_("The time received cannot be in the future."))
    response_due_at, resolution_due_at = sla_deadlines(severity, received_at)
    case = Case.objects.create(
        kind=kind,
        channel=channel,
        severity=severity,
        subject=subject,
        description=description,
        customer=customer,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        language=language or settings.LANGUAGE_CODE,
        owner=actor,
        created_by=actor,
        received_at=received_at,
        response_due_at=response_due_at,
        resolution_due_at=resolution_due_at,
    )
    workflow.record(case, actor=actor, action=TimelineEntry.Action.CREATED)
    return case


def intake_owner() -> User:
    """Who owns feedback nobody on the staff received: the supervisor on duty (the first active supervisor),
    else the first active director. Any recorder may take such a case while it is new."""
    for role in (Role.SUPERVISOR, Role.DIRECTOR):
        user = User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()
        if user is not None:
            return user
    raise CaseError(_("Feedback cannot be taken at the moment: no CX supervisor or director is active."))


@transaction.atomic
def submit_public_case(
    *,
    kind: str,
    subject: str,
    description: str,
    contact_name: str,
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "",
) -> Case:
    """Feedback sent by a customer through the public web form (no login), in the form's `language`: channel
    web, owned by the supervisor on duty and listed as new for every recorder to take. Raises CaseError without
    a contact."""
    validate_contact(None, contact_email, contact_phone)
    owner = intake_owner()
    received_at = timezone.now()
    response_due_at, resolution_due_at = sla_deadlines(Case.Severity.MEDIUM, received_at)
    case = Case.objects.create(
        kind=kind,
        channel=Case.Channel.WEB,
        severity=Case.Severity.MEDIUM,
        subject=subject,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        language=language or settings.LANGUAGE_CODE,
        owner=owner,
        created_by=owner,
        received_at=received_at,
        response_due_at=response_due_at,
        resolution_due_at=resolution_due_at,
    )
    workflow.record(
        case, actor=None, action=TimelineEntry.Action.CREATED, comment=_("Sent through the public feedback form.")
    )
    return case


@transaction.atomic
def update_case(*, case_id: int, actor: User, **fields) -> Case:
    """Correct what was recorded (kind, severity, subject, description, customer, contact details).

    A new severity moves the deadlines, counted from receipt. Owner or CASE_SUPERVISORS; open cases only.
    """
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    ensure_open(case)
    customer = fields.get("customer", case.customer)
    if customer is not None and customer.pk != case.customer_id and not may_choose(actor, customer):
        raise PermissionDenied(_("Account managers record feedback for their own customers only."))
    validate_contact(
        customer, fields.get("contact_email", case.contact_email), fields.get("contact_phone", case.contact_phone)
    )
    for name, value in fields.items():
        setattr(case, name, value)
    case.response_due_at, case.resolution_due_at = sla_deadlines(case.severity, case.received_at)
    case.save()
    workflow.record(case, actor=actor, action=TimelineEntry.Action.UPDATED)
    return case


@transaction.atomic
def take_case(*, case_id: int, actor: User) -> Case:
    """A recorder takes a new case (one sent through the web form) and becomes its owner; taking it is the
    response the customer is owed. For CASE_RECORDERS; raises CaseError once the case is no longer new."""
    ensure_role(actor, *CASE_RECORDERS)
    case = workflow.lock(Case, case_id)
    if case.status != Status.NEW:
        raise CaseError(_("This case has already been taken by %(owner)s.") % {"owner": case.owner})
    if case.owner_id != actor.pk:
        previous = case.owner
        case.owner = actor
        case.save(update_fields=["owner", "updated_at"])
        workflow.record(
            case,
            actor=actor,
            action=TimelineEntry.Action.UPDATED,
            comment=_("Took the case over from %(previous)s.") % {"previous": previous},
        )
    return workflow.transition(case, to=Status.ACKNOWLEDGED, actor=actor)


@transaction.atomic
def hand_over_case(*, case_id: int, actor: User, new_owner: User, comment: str = "") -> Case:
    """A supervisor or director hands a case to another recorder (the owner cannot hand it over alone)."""
    ensure_role(actor, *CASE_SUPERVISORS)
    case = workflow.lock(Case, case_id)
    ensure_open(case)
    if not has_role(new_owner, *CASE_RECORDERS):
        raise CaseError(_("%(user)s does not record feedback and cannot own a case.") % {"user": new_owner})
    if new_owner.pk == case.owner_id:
        raise CaseError(_("%(user)s already owns this case.") % {"user": new_owner})
    previous = case.owner
    case.owner = new_owner
    case.save(update_fields=["owner", "updated_at"])
    note = _("Handed over from %(previous)s to %(owner)s.") % {"previous": previous, "owner": new_owner}
    workflow.record(case, actor=actor, action=TimelineEntry.Action.UPDATED, comment=f"{note} {comment}".strip())
    return case


# --- handling -------------------------------------------------------------------------------------------------


def move(case_id: int, actor: User, to: str, comment: str = "") -> Case:
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    return workflow.transition(case, to=to, actor=actor, comment=comment)


@transaction.atomic
def acknowledge_case(*, case_id: int, actor: User, comment: str = "") -> Case:
    """Tell the customer the feedback was received (meets the response deadline). Owner or CASE_SUPERVISORS."""
    return move(case_id, actor, Status.ACKNOWLEDGED, comment)


@transaction.atomic
def start_investigation(*, case_id: int, actor: User, comment: str = "") -> Case:
    """Start finding the cause (原因分析). Owner or CASE_SUPERVISORS; also from "action under way"."""
    return move(case_id, actor, Status.INVESTIGATING, comment)


@transaction.atomic
def start_action(*, case_id: int, actor: User, comment: str = "") -> Case:
    """The countermeasures (改善对策) are being carried out. Owner or CASE_SUPERVISORS."""
    return move(case_id, actor, Status.ACTION, comment)


@transaction.atomic
def record_handling(
    *,
    case_id: int,
    actor: User,
    department: Department | None,
    cause_category: str,
    cause: str,
    countermeasure: str,
    resolution: str,
) -> Case:
    """Record the responsible department (责任归属), the cause analysis, the countermeasures and the
    resolution to tell the customer. Owner or CASE_SUPERVISORS; open cases only."""
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    ensure_open(case)
    changed = []
    for name, value in (
        ("department", department),
        ("cause_category", cause_category),
        ("cause", cause),
        ("countermeasure", countermeasure),
        ("resolution", resolution),
    ):
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(str(Case._meta.get_field(name).verbose_name))
    if not changed:
        return case
    case.save(update_fields=["department", "cause_category", "cause", "countermeasure", "resolution", "updated_at"])
    workflow.record(
        case,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Changed: %(fields)s.") % {"fields": ", ".join(changed)},
    )
    return case


@transaction.atomic
def add_follow_up(*, case_id: int, actor: User, note: str) -> Case:
    """A follow-up note (跟踪记录) on the case's timeline. Owner or CASE_SUPERVISORS."""
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    if not note.strip():
        raise CaseError(_("Write the follow-up note."))
    workflow.record(case, actor=actor, action=TimelineEntry.Action.UPDATED, comment=note.strip())
    return case


@transaction.atomic
def refer_case(*, case_id: int, actor: User, department: Department, note: str) -> Referral:
    """Forward the case to another department (转交) and ask it something. Owner or CASE_SUPERVISORS."""
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    ensure_open(case)
    referral = Referral.objects.create(case=case, department=department, note=note, referred_by=actor)
    workflow.record(
        case,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Referred to %(department)s: %(note)s") % {"department": department, "note": note},
    )
    return referral


@transaction.atomic
def record_referral_reply(*, referral_id: int, actor: User, reply: str, improvement_status: str) -> Referral:
    """Record the department's reply and the state of its improvement. The case's owner or CASE_SUPERVISORS."""
    referral = Referral.objects.select_for_update().select_related("department").get(pk=referral_id)
    case = workflow.lock(Case, referral.case_id)
    ensure_can_change(actor, case)
    referral.reply = reply
    referral.improvement_status = improvement_status
    referral.replied_at = referral.replied_at or timezone.now()
    referral.save(update_fields=["reply", "improvement_status", "replied_at"])
    workflow.record(
        case,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Reply of %(department)s (%(status)s): %(reply)s")
        % {"department": referral.department, "status": referral.get_improvement_status_display(), "reply": reply},
    )
    return referral


# --- closure with the customer --------------------------------------------------------------------------------


def customer_email(case: Case) -> str:
    """Where the confirmation link goes: the contact address given with the case, else the customer file's."""
    if case.contact_email:
        return case.contact_email
    return case.customer.email if case.customer_id else ""


def ensure_ready_to_resolve(case: Case) -> None:
    """The closure rule: a complaint needs its cause and countermeasure; every case needs the resolution."""
    missing = []
    if case.kind == Case.Kind.COMPLAINT:
        if not case.cause_category or not case.cause.strip():
            missing.append(_("the cause analysis"))
        if not case.countermeasure.strip():
            missing.append(_("the countermeasures"))
    if not case.resolution.strip():
        missing.append(_("the resolution told to the customer"))
    if missing:
        raise CaseError(_("Before the customer is asked, record %(missing)s.") % {"missing": ", ".join(missing)})


@transaction.atomic
def send_resolution(*, case_id: int, actor: User) -> Case:
    """Tell the customer the result and ask whether they are satisfied: the case awaits the customer.

    With an e-mail address, the customer gets a link to answer; without one, the owner phones and records the
    answer (record_phone_confirmation). Owner or CASE_SUPERVISORS; raises CaseError while the resolution (and for
    a complaint the cause and countermeasure) are missing, InvalidTransition from other states.
    """
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    ensure_ready_to_resolve(case)
    workflow.transition(case, to=Status.AWAITING_CUSTOMER, actor=actor, comment=case.resolution)
    case.resolved_at = timezone.now()
    case.save(update_fields=["resolved_at", "updated_at"])
    if customer_email(case):
        ask_by_email(case)
    return case


def ask_by_email(case: Case) -> None:
    """Write the e-mail that gives the customer the resolution and the link to confirm it, in the case's language."""
    address = customer_email(case)
    context = {
        "case": case,
        "name": case.contact_name or (case.customer.name if case.customer_id else ""),
        "link": settings.SITE_URL + confirmation_path(case),
    }
    outbox.email_address(CONFIRMATION_EMAIL, address, language=case.language, about=case, context=context)
    case.confirmation_sent_at = timezone.now()
    case.save(update_fields=["confirmation_sent_at"])
    workflow.record(
        case,
        actor=None,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Asked the customer by e-mail whether they are satisfied (%(address)s).") % {"address": address},
    )


@transaction.atomic
def close_without_confirmation(*, case_id: int, actor: User) -> Case:
    """Close a suggestion, praise or enquiry with the answer given; complaints always ask the customer.

    Owner or CASE_SUPERVISORS; raises CaseError for a complaint or without the answer (resolution).
    """
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    if case.kind == Case.Kind.COMPLAINT:
        raise CaseError(_("A complaint is closed only once the customer has said whether they are satisfied."))
    ensure_ready_to_resolve(case)
    workflow.transition(case, to=Status.AWAITING_CUSTOMER, actor=actor, comment=case.resolution)
    case.resolved_at = timezone.now()
    case.save(update_fields=["resolved_at", "updated_at"])
    return workflow.transition(case, to=Status.CLOSED, actor=actor, comment=_("No confirmation needed."))


def confirmation_path(case: Case) -> str:
    from django.urls import reverse

    return reverse("feedback-public:case-confirm", args=[case.confirmation_token])


class ConfirmationClosed(DomainError):
    """The confirmation link was used already, or the case no longer waits for the customer."""


@transaction.atomic
def confirm_resolution(*, token: str, satisfaction: int, comment: str = "") -> Case:
    """The customer says, through their link, whether they are satisfied (1–5); once only.

    Raises Case.DoesNotExist for an unknown token, ConfirmationClosed for a used one.
    """
    case = Case.objects.select_for_update().get(confirmation_token=token)
    if case.status != Status.AWAITING_CUSTOMER or case.confirmed_at is not None:
        raise ConfirmationClosed
    return conclude(case, satisfaction=satisfaction, comment=comment, actor=None)


@transaction.atomic
def record_phone_confirmation(*, case_id: int, actor: User, satisfaction: int, comment: str = "") -> Case:
    """The owner records the customer's answer given by phone (no e-mail, or the customer called back).

    Owner or CASE_SUPERVISORS; raises CaseError unless the case awaits the customer.
    """
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    if case.status != Status.AWAITING_CUSTOMER:
        raise CaseError(_("Send the resolution to the customer before recording their answer."))
    case.confirmed_by_phone_by = actor
    return conclude(case, satisfaction=satisfaction, comment=comment, actor=actor)


def conclude(case: Case, *, satisfaction: int, comment: str, actor: User | None) -> Case:
    """Close the case on a satisfied answer; reopen it on a score of NOT_SATISFIED_UP_TO or less."""
    if not 1 <= satisfaction <= 5:
        raise CaseError(_("Choose a score from 1 to 5."))
    case.confirmed_at = timezone.now()
    case.customer_satisfaction = satisfaction
    case.customer_comment = comment
    case.save(update_fields=["confirmed_at", "customer_satisfaction", "customer_comment", "confirmed_by_phone_by"])
    answer = _("The customer answered %(score)s/5.") % {"score": satisfaction}
    if comment:
        answer = f"{answer} {comment}"
    if satisfaction > NOT_SATISFIED_UP_TO:
        return workflow.transition(case, to=Status.CLOSED, actor=actor, comment=answer)
    reopen(case, actor=actor, comment=_("Not satisfied. %(answer)s") % {"answer": answer})
    # The owner hears of it by e-mail, sent by a worker: the customer's answer never waits on the mail server.
    outbox.email_users(REOPENED_EMAIL, [case.owner], about=case, context={"case": case, "url": case.get_absolute_url()})
    return case


def reopen(case: Case, *, actor: User | None, comment: str) -> None:
    """Back to investigating with a fresh link: the old one is dead, the next resolution asks again."""
    workflow.transition(case, to=Status.INVESTIGATING, actor=actor, comment=comment)
    case.reopened_count += 1
    case.resolved_at = None
    case.closed_at = None
    case.confirmation_sent_at = None
    case.confirmed_at = None
    case.confirmation_token = new_confirmation_token()
    case.save(
        update_fields=[
            "reopened_count",
            "resolved_at",
            "closed_at",
            "confirmation_sent_at",
            "confirmed_at",
            "confirmation_token",
            "updated_at",
        ]
    )


@transaction.atomic
def reopen_case(*, case_id: int, actor: User, comment: str) -> Case:
    """Reopen a closed case: the problem came back. Owner or CASE_SUPERVISORS; a reason is required."""
    case = workflow.lock(Case, case_id)
    ensure_can_change(actor, case)
    if case.status != Status.CLOSED:
        raise CaseError(_("Only a closed case can be reopened."))
    if not comment.strip():
        raise CaseError(_("Say why the case is reopened."))
    reopen(case, actor=actor, comment=comment.strip())
    return case


# --- deadlines ------------------------------------------------------------------------------------------------


def response_breaches(now: datetime.datetime):
    """Open cases nobody answered in time whose breach was not e-mailed yet."""
    return Case.objects.response_overdue(now).filter(response_breach_notified_at=None)


def resolution_breaches(now: datetime.datetime):
    """Open cases without a resolution past their deadline whose breach was not e-mailed yet."""
    return Case.objects.resolution_overdue(now).filter(resolution_breach_notified_at=None)


def flag_sla_breaches() -> int:
    """E-mail the owner and the supervisors once per breached deadline (beat, every ten minutes).

    Each breach is claimed with a conditional update on its stamp, in the transaction that writes its e-mails to
    the outbox, so two sweeps running at once write one set. Returns the number of e-mails written.
    """
    now = timezone.now()
    supervisors = list(User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).distinct())
    written = 0
    for stamp, candidates, deadline in (
        ("response_breach_notified_at", response_breaches(now), "response"),
        ("resolution_breach_notified_at", resolution_breaches(now), "resolution"),
    ):
        for case in candidates.select_related("owner", "customer").order_by("pk"):
            with transaction.atomic():
                if not Case.objects.filter(pk=case.pk, **{stamp: None}).update(**{stamp: now}):
                    continue
                context = {"case": case, "deadline": deadline, "url": case.get_absolute_url()}
                written += len(
                    outbox.email_users(BREACH_EMAIL, [case.owner, *supervisors], about=case, context=context)
                )
                workflow.record(
                    case,
                    actor=None,
                    action=TimelineEntry.Action.REMINDED,
                    comment=_("The response deadline passed; the owner and the supervisors were told.")
                    if deadline == "response"
                    else _("The resolution deadline passed; the owner and the supervisors were told."),
                )
    return written


# --- closed loop with surveys ---------------------------------------------------------------------------------


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
