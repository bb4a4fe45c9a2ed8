"""Archiving (资料归档, node 10): a completed plan and everything under it filed under an archive number."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.models import User
from cxcenter.roles import ensure_role
from surveys.models import ArchiveSequence, PlanMilestone, SurveyPlan
from surveys.permissions import ARCHIVISTS
from surveys.services.costs import refresh_cost_per_respondent
from surveys.services.plans import mark_node_done

# Node 10 is the specialist's (DOMAIN §1); the supervisor and the director may file a plan too.


class ArchiveError(DomainError):
    """An archiving the rules do not allow; the message says why."""


def format_archive_number(year: int, number: int) -> str:
    return f"{year}-{number:04d}"


def take_archive_number(year: int) -> str:
    """The next archive number of the year (YYYY-NNNN), committed at once.

    The year's row is locked while it moves on, so two people archiving at the same moment get two numbers.
    Called outside the archiving's own transaction: a number once taken is never given again, even when the
    archiving that took it fails afterwards (a gap, never a duplicate).
    """
    with transaction.atomic():
        ArchiveSequence.objects.get_or_create(year=year)
        sequence = ArchiveSequence.objects.select_for_update().get(year=year)
        sequence.last_number += 1
        sequence.save(update_fields=["last_number"])
    return format_archive_number(year, sequence.last_number)


def ensure_can_archive(actor: User, plan: SurveyPlan) -> None:
    """PermissionDenied outside the CX office, ArchiveError unless the plan is completed."""
    ensure_role(actor, *ARCHIVISTS)
    if plan.status == SurveyPlan.Status.ARCHIVED:
        raise ArchiveError(
            _("“%(plan)s” is already archived as %(number)s.") % {"plan": plan, "number": plan.archive_number}
        )
    if plan.status != SurveyPlan.Status.COMPLETED:
        raise ArchiveError(
            _("“%(plan)s” is %(status)s; only a completed plan can be archived.")
            % {"plan": plan, "status": plan.get_status_display()}
        )


def archive_plan(*, plan_id: int, actor: User, note: str = "") -> SurveyPlan:
    """File a completed plan under the next archive number of the year; node 10 is then done.

    From then on the plan, its budget, questionnaires, batches, summaries, reports and nodes are read-only for
    everyone. CX specialists, the supervisor and the director (PermissionDenied otherwise); ArchiveError unless
    the plan is completed, or when the number drawn is already held by another plan (archive again: the next
    number is drawn).
    """
    ensure_can_archive(actor, SurveyPlan.objects.get(pk=plan_id))
    # Checked first and again under the lock below: a plan that cannot be archived does not use up a number.
    number = take_archive_number(timezone.localdate().year)
    try:
        with transaction.atomic():
            plan = workflow.lock(SurveyPlan, plan_id)
            ensure_can_archive(actor, plan)
            plan.cost_per_respondent = refresh_cost_per_respondent(plan_id=plan.pk)
            plan.archive_number = number
            plan.save(update_fields=["archive_number"])
            mark_node_done(
                plan_id=plan.pk,
                node=PlanMilestone.Node.ARCHIVE,
                actor=actor,
                note=_("Archived as %(number)s.") % {"number": number},
            )
            comment = note.strip() or _("Archive number %(number)s") % {"number": number}
            workflow.transition(plan, to=SurveyPlan.Status.ARCHIVED, actor=actor, comment=comment)
    except IntegrityError:
        raise ArchiveError(
            _("The archive number %(number)s is already held by another plan; archive again to draw the next one.")
            % {"number": number}
        ) from None
    return plan
