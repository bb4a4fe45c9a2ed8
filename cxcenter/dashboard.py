"""The dashboard: for each role, what is waiting for the user, gathered through the apps' own selectors."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from feedback.permissions import CASE_READERS
from feedback.selectors.cases import sla_breaches_for
from surveys.selectors.plans import open_milestones_for

from . import selectors
from .approvals import pending_approvals_for
from .models import Role
from .roles import CUSTOMER_FILE_KEEPERS, has_role


@dataclass
class Card:
    """One dashboard card: a title, lines with a figure and a link, and what appears when empty."""

    title: str
    empty_text: str
    lines: list[dict] = field(default_factory=list)


def dashboard_for(user) -> list[Card]:
    """The cards this user's roles call for, each with an explanation when there is nothing yet."""
    approvals = pending_approvals_for(user)
    cards = [
        Card(
            title=_("Waiting for your decision"),
            empty_text=_("Plans, budgets, questionnaires and reports submitted to you will appear here."),
            lines=[{"label": item.title, "detail": item.kind, "url": item.url} for item in approvals[:5]],
        )
    ]
    if has_role(user, Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR):
        cards.append(milestones_card(user))
    if has_role(user, *CASE_READERS):
        cards.append(case_breaches_card(user))
    figures = selectors.customer_file_figures(user)
    if has_role(user, Role.ACCOUNT_MANAGER):
        cards.append(account_manager_card(figures))
    if has_role(user, *CUSTOMER_FILE_KEEPERS):
        cards.append(customer_file_card(figures))
    return cards


def milestones_card(user) -> Card:
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


def case_breaches_card(user) -> Card:
    lines = [
        {
            "label": f"{case.number} {case.subject}",
            "detail": _("%(owner)s · response overdue") % {"owner": case.owner}
            if case.acknowledged_at is None and case.response_due_at < timezone.now()
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


def account_manager_card(figures: dict) -> Card:
    url = reverse("customer-list")
    lines = []
    if figures["mine"]:
        lines.append({"label": _("Customers you manage"), "figure": figures["mine"], "url": url})
    if figures["mine_without_consent"]:
        lines.append(
            {
                "label": _("Of which without consent to surveys"),
                "figure": figures["mine_without_consent"],
                "url": f"{url}?consents_to_surveys=false",
            }
        )
    return Card(
        title=_("Your customers"),
        empty_text=_("Customers assigned to you as account manager will appear here."),
        lines=lines,
    )


def customer_file_card(figures: dict) -> Card:
    url = reverse("customer-list")
    lines = []
    if figures["without_contact"]:
        lines.append(
            {"label": _("Customers with neither e-mail nor phone"), "figure": figures["without_contact"], "url": url}
        )
    if figures["without_consent"]:
        lines.append(
            {
                "label": _("Customers who have not consented to surveys"),
                "figure": figures["without_consent"],
                "url": f"{url}?consents_to_surveys=false",
            }
        )
    return Card(
        title=_("Customer file"),
        empty_text=_("Gaps in the customer file (missing contact details, missing consent) will appear here."),
        lines=lines,
    )
