"""The survey app's dashboard card, registered in SurveysConfig.ready()."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cxcenter.dashboard import Card
from cxcenter.models import Role
from cxcenter.roles import has_role
from surveys.selectors.plans import open_milestones_for


def milestones_card(user) -> Card | None:
    """The survey nodes the user owns, earliest due first; for the CX office."""
    if not has_role(user, Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR):
        return None
    lines = [
        {
            "label": f"{milestone.plan} · {milestone.get_node_display()}",
            "detail": _("overdue since %(date)s") % {"date": date_format(milestone.due_date, "SHORT_DATE_FORMAT")}
            if milestone.is_overdue
            else _("due %(date)s") % {"date": date_format(milestone.due_date, "SHORT_DATE_FORMAT")},
            "url": milestone.plan.get_absolute_url(),
        }
        for milestone in open_milestones_for(user)
    ]
    return Card(
        title=_("Your survey nodes"),
        empty_text=_("Nodes of approved survey plans that you own will appear here, earliest due first."),
        lines=lines,
    )
