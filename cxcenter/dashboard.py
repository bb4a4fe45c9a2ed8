"""The dashboard: for each role, what is waiting for the user. The apps add their cards through `app_cards`."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .approvals import pending_approvals_for
from .models import Role
from .registry import Registry
from .roles import CUSTOMER_FILE_KEEPERS, has_role


@dataclass
class Card:
    """One dashboard card: a title, lines with a figure and a link, and what appears when empty."""

    title: str
    empty_text: str
    lines: list[dict] = field(default_factory=list)


# Functions user → Card, or None for a user whose roles do not call for the card; apps register them in ready().
app_cards: Registry[Callable[[object], Card | None]] = Registry("dashboard cards")


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
    cards += [card for card in (make_card(user) for make_card in app_cards) if card is not None]
    figures = selectors.customer_file_figures(user)
    if has_role(user, Role.ACCOUNT_MANAGER):
        cards.append(account_manager_card(figures))
    if has_role(user, *CUSTOMER_FILE_KEEPERS):
        cards.append(customer_file_card(figures))
    return cards


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
