"""E-mails of the approval mechanism: an item was submitted, an item was decided. Written to the outbox."""

from . import outbox
from .models import Role, TimelineEntry, User
from .selectors import timeline_for

SUBMITTED_EMAIL = "cxcenter/emails/item_submitted"
DECIDED_EMAIL = "cxcenter/emails/item_decided"


def notify_submitted(subject) -> list[int]:
    """Tell every director (but the submitter) that an item waits for their decision."""
    directors = User.objects.filter(groups__name=Role.DIRECTOR, is_active=True).exclude(pk=subject.submitted_by_id)
    return outbox.email_users(SUBMITTED_EMAIL, directors, about=subject, context={"item": subject, **describe(subject)})


def notify_decided(subject) -> list[int]:
    """Tell the submitter (and the owner, where the item has one) what the director decided and why."""
    people = [user for user in (subject.submitted_by, getattr(subject, "owner", None)) if user]
    decision = next((entry for entry in timeline_for(subject) if entry.action == TimelineEntry.Action.TRANSITION), None)
    context = {"item": subject, "decision": decision, **describe(subject)}
    return outbox.email_users(DECIDED_EMAIL, people, about=subject, context=context)


def describe(subject) -> dict:
    return {"kind": subject._meta.verbose_name, "url": subject.get_absolute_url()}
