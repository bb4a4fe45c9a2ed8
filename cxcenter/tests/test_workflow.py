"""The shared transition helper and timeline, proven on a small approvable model made for these tests."""

import threading

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, models, transaction

from cxcenter import workflow
from cxcenter.models import TimelineEntry
from cxcenter.selectors import timeline_for
from cxcenter.workflow import CommentRequired


class Memo(models.Model):
    """An approvable item with the shape every app's approvable models share."""

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        SUBMITTED = "submitted", "submitted"
        APPROVED = "approved", "approved"
        RETURNED = "returned", "returned"

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
    }

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        app_label = "cxcenter"
        db_table = "test_workflow_memo"

    def __str__(self):
        return f"memo {self.pk}"


@pytest.fixture(scope="module", autouse=True)
def memo_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(Memo)
        # Committed once here, so no test caches a content type id that its rollback removed.
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_model(Memo)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(Memo)


def submit(memo, actor):
    with transaction.atomic():
        return workflow.transition(workflow.lock(Memo, memo.pk), to=Memo.Status.SUBMITTED, actor=actor)


def decide(memo_id, actor, to, comment=""):
    with transaction.atomic():
        memo = workflow.lock(Memo, memo_id)
        workflow.ensure_not_submitter(actor, memo)
        return workflow.transition(memo, to=to, actor=actor, comment=comment, comment_required=to == "returned")


@pytest.mark.django_db
def test_transition_stamps_the_row_and_writes_the_timeline(supervisor, director):
    memo = Memo.objects.create()
    submit(memo, supervisor)
    decide(memo.pk, director, Memo.Status.APPROVED, comment="Looks right")

    memo.refresh_from_db()
    assert memo.status == Memo.Status.APPROVED
    assert memo.submitted_by == supervisor and memo.submitted_at is not None
    assert memo.approved_by == director and memo.approved_at >= memo.submitted_at
    entries = timeline_for(memo)
    assert [(e.actor, e.from_status, e.to_status) for e in entries] == [
        (director, "submitted", "approved"),
        (supervisor, "draft", "submitted"),
    ]
    assert entries[0].comment == "Looks right"
    assert entries[0].to_label == "approved"


@pytest.mark.django_db
def test_a_move_the_table_does_not_allow_is_refused(director):
    memo = Memo.objects.create()
    with pytest.raises(workflow.InvalidTransition):
        decide(memo.pk, director, Memo.Status.APPROVED)
    memo.refresh_from_db()
    assert memo.status == Memo.Status.DRAFT
    assert not TimelineEntry.objects.exists()


@pytest.mark.django_db
def test_nobody_decides_on_their_own_submission(persona):
    both = persona("both", "supervisor", "director")
    memo = Memo.objects.create()
    submit(memo, both)
    with pytest.raises(PermissionDenied):
        decide(memo.pk, both, Memo.Status.APPROVED)
    memo.refresh_from_db()
    assert memo.status == Memo.Status.SUBMITTED


@pytest.mark.django_db
def test_returning_needs_a_comment(supervisor, director):
    memo = Memo.objects.create()
    submit(memo, supervisor)
    with pytest.raises(CommentRequired):
        decide(memo.pk, director, Memo.Status.RETURNED, comment="  ")
    decide(memo.pk, director, Memo.Status.RETURNED, comment="Budget missing")
    memo.refresh_from_db()
    assert memo.status == Memo.Status.RETURNED


@pytest.mark.django_db(transaction=True)
def test_transition_outside_a_transaction_is_a_programming_error(supervisor):
    memo = Memo.objects.create()
    with pytest.raises(RuntimeError):
        workflow.transition(memo, to=Memo.Status.SUBMITTED, actor=supervisor)


@pytest.mark.django_db(transaction=True)
def test_two_directors_deciding_at_once_one_wins(supervisor, persona):
    first, second = persona("director1", "director"), persona("director2", "director")
    memo = Memo.objects.create()
    submit(memo, supervisor)
    start = threading.Barrier(2)
    outcomes = {}

    def act(actor, to):
        start.wait()
        try:
            decide(memo.pk, actor, to, comment="decided")
            outcomes[actor.username] = "won"
        except workflow.InvalidTransition:
            outcomes[actor.username] = "refused"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(first, "approved")),
        threading.Thread(target=act, args=(second, "returned")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["refused", "won"]
    assert TimelineEntry.objects.filter(to_status__in=["approved", "returned"]).count() == 1
