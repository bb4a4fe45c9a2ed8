from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role
from .registry import Registry
from .roles import CUSTOMER_READERS, has_role

# (label, url name, roles allowed; empty means every member of staff). Apps add theirs with register().
NAVIGATION = [
    (_("Dashboard"), "dashboard", ()),
    (_("Approvals"), "approvals", ()),
]
CORE_ENTRIES_AFTER_APPS = [
    (_("Customers"), "customer-list", CUSTOMER_READERS),
    (_("Departments"), "department-list", ()),
    (_("Notifications"), "notification-list", (Role.DIRECTOR,)),
]


class MenuEntry(NamedTuple):
    """A page of an app under its menu (a dropdown)."""

    menu: str
    label: str
    url_name: str
    roles: tuple


# Apps add their pages from AppConfig.ready(), in the order the menus should show them.
app_pages: Registry[MenuEntry] = Registry("menu entries")


def register(menu, label, url_name: str, roles: tuple) -> None:
    """Add a page of an app under its menu; apps call this from AppConfig.ready()."""
    app_pages.register(MenuEntry(menu, label, url_name, tuple(roles)))


def navigation(request):
    """The menu the current user may use: top-level links, and app menus with their pages."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = section(request.resolver_match.view_name) if request.resolver_match else ""

    def links(entries):
        return [
            {"label": label, "url": reverse(name), "active": current == section(name)}
            for label, name, roles in entries
            if not roles or has_role(user, *roles)
        ]

    menu = links(NAVIGATION)
    menus: dict = {}
    for entry in app_pages:
        menus.setdefault(entry.menu, []).append(entry[1:])
    for label, entries in menus.items():
        pages = links(entries)
        if pages:
            menu.append({"label": label, "pages": pages, "active": any(page["active"] for page in pages)})
    return {"navigation": menu + links(CORE_ENTRIES_AFTER_APPS)}


def section(view_name: str) -> str:
    """The menu section of a view: the model part of its URL name (`surveys:plan-detail` → `surveys:plan`)."""
    namespace, _colon, name = view_name.rpartition(":")
    return f"{namespace}:{name.split('-')[0]}"
