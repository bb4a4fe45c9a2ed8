"""The feedback app's dashboard card, registered in FeedbackConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _

from cxcenter.dashboard import Card
from cxcenter.roles import has_role
from feedback.permissions import CASE_READERS
from feedback.selectors.cases import sla_breaches_for


def case_breaches_card(user) -> Card | None:
    """Cases past their response or resolution deadline that the user may read."""
    if not has_role(user, *CASE_READERS):
        return None
    lines = [
        {
            "label": f"{case.number} {case.subject}",
            "detail": _("%(owner)s · response overdue") % {"owner": case.owner}
            if case.is_response_overdue
            else _("%(owner)s · resolution overdue") % {"owner": case.owner},
            "url": case.get_absolute_url(),
        }
        for case in sla_breaches_for(user)
    ]
    if lines:
        lines.append({"label": _("All cases past a deadline"), "url": reverse("feedback:case-list") + "?overdue=true"})
    return Card(
        title=_("Feedback past its deadline"),
        empty_text=_("Feedback cases past their response or resolution deadline will appear here."),
        lines=lines,
    )
