"""Feedback cases (客户反馈/投诉): intake and handling (DOMAIN §5).

The person who records a case owns it until closure (首问负责制); only the owner or a supervisor/director
(CASE_SUPERVISORS) changes it. The closure with the customer is feedback.services.closure, the deadline e-mails
feedback.services.deadlines, the case a poor survey answer opens feedback.services.follow_up.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.models import Customer, Department, Role, TimelineEntry, User
from cxcenter.roles import ensure_role, has_role
from feedback.models import Case, Referral
from feedback.permissions import (
    CASE_RECORDERS,
    CASE_SUPERVISORS,
    ensure_can_change,
    may_choose,
)

Status = Case.Status


class CaseError(DomainError):
    """A case change the rules do not allow; the message says why."""


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
