"""The response and resolution deadlines of feedback cases: a beat task e-mails each breach once."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxcenter import outbox, workflow
from cxcenter.models import Role, TimelineEntry, User
from feedback.models import Case

Status = Case.Status
BREACH_EMAIL = "feedback/emails/case_breach"


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
