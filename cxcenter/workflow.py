"""The shared approval mechanism: timeline entries and guarded state transitions."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import TimelineEntry


class InvalidTransition(DomainError):
    """The object is not in a state from which the requested move is allowed."""


class CommentRequired(DomainError):
    """A decision that must say why (returning, completing early) was made without a comment."""


def record(subject, *, actor, action: str, from_status: str = "", to_status: str = "", comment: str = ""):
    """Add one entry to the subject's timeline."""
    return TimelineEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def record_many(subjects, *, actor, action: str) -> None:
    """Add the same entry to many subjects' timelines in one insert (bulk imports)."""
    if not subjects:
        return
    content_type = ContentType.objects.get_for_model(subjects[0])
    TimelineEntry.objects.bulk_create(
        TimelineEntry(content_type=content_type, object_id=subject.pk, actor=actor, action=action)
        for subject in subjects
    )


def lock(model, pk):
    """Load a row for update so two people deciding at once are served one after the other."""
    return model.objects.select_for_update().get(pk=pk)


def ensure_not_submitter(actor, subject) -> None:
    """Segregation of duties: nobody decides on what they submitted themselves."""
    if subject.submitted_by_id is not None and subject.submitted_by_id == actor.pk:
        raise PermissionDenied(_("You cannot decide on your own submission."))


def transition(subject, *, to: str, actor, comment: str = "", comment_required: bool = False):
    """Move a locked row to the state `to`, stamp it and write the timeline entry.

    The subject declares `Status` choices and a `TRANSITIONS` table {from: {to, …}}. Sets the
    `<stamp>_at` / `<stamp>_by` fields where the model has them; the stamp is the state's value unless
    the model's optional `STAMPS` maps the state to another name (in_review → submitted).
    Must run inside transaction.atomic on a row obtained with `lock()`; raises InvalidTransition for
    a move the table does not allow and CommentRequired when a required comment is missing.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("transition() must run inside transaction.atomic on a locked row.")
    from_status = subject.status
    if to not in subject.TRANSITIONS.get(from_status, set()):
        raise InvalidTransition(
            _("This item is now “%(current)s”; it cannot become “%(target)s”.")
            % {"current": subject.Status(from_status).label, "target": subject.Status(to).label}
        )
    if comment_required and not comment.strip():
        raise CommentRequired(_("A comment is required for this decision."))
    subject.status = to
    update_fields = ["status"]
    stamp = getattr(subject, "STAMPS", {}).get(to, to)
    for suffix, value in (("_at", timezone.now()), ("_by", actor)):
        field = f"{stamp}{suffix}"
        if hasattr(subject, field):
            setattr(subject, field, value)
            update_fields.append(field)
    subject.save(update_fields=update_fields)
    record(
        subject,
        actor=actor,
        action=TimelineEntry.Action.TRANSITION,
        from_status=from_status,
        to_status=to,
        comment=comment,
    )
    return subject
