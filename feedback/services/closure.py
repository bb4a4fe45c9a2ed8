"""Closing a feedback case with the customer (DOMAIN §5): the customer says whether they are satisfied.

1. the owner writes the resolution (for a complaint also the cause and the countermeasure) and sends it to the
   customer: the case is "awaiting the customer" and its resolution deadline is met (resolved_at);
2. a customer with an e-mail address gets a link `/c/<token>/` asking whether they are satisfied (1–5); without
   one, the owner phones and records the answer;
3. a score of 3 or more closes the case; 2 or less reopens it (investigating again, reopened_count + 1, a new link)
   and e-mails the owner.

Suggestions, praise and enquiries need no confirmation: the owner closes them with the answer given.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import outbox, workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from feedback.models import Case, new_confirmation_token
from feedback.permissions import ensure_can_change
from feedback.services.cases import CaseError

Status = Case.Status
# A score at or below this is "not satisfied" and reopens the case.
NOT_SATISFIED_UP_TO = 2
REOPENED_EMAIL = "feedback/emails/case_reopened"
CONFIRMATION_EMAIL = "feedback/emails/confirmation_request"


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
