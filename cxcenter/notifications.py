"""E-mails of the approval mechanism: an item was submitted, an item was decided."""

from django.apps import apps

from .mail import send_to_users
from .models import Role, TimelineEntry, User
from .selectors import timeline_for


def load(model_label: str, pk: int):
    return apps.get_model(model_label).objects.get(pk=pk)


def notify_submitted(*, model_label: str, pk: int) -> int:
    """Tell every director (but the submitter) that an item waits for their decision."""
    subject = load(model_label, pk)
    directors = User.objects.filter(groups__name=Role.DIRECTOR, is_active=True).exclude(pk=subject.submitted_by_id)
    return send_to_users("cxcenter/emails/item_submitted", directors, {"item": subject, **describe(subject)})


def notify_decided(*, model_label: str, pk: int) -> int:
    """Tell the submitter (and the owner, where the item has one) what the director decided and why."""
    subject = load(model_label, pk)
    people = {user.pk: user for user in (subject.submitted_by, getattr(subject, "owner", None)) if user}
    decision = next((entry for entry in timeline_for(subject) if entry.action == TimelineEntry.Action.TRANSITION), None)
    context = {"item": subject, "decision": decision, **describe(subject)}
    return send_to_users("cxcenter/emails/item_decided", people.values(), context)


def describe(subject) -> dict:
    return {"kind": subject._meta.verbose_name, "url": subject.get_absolute_url()}
