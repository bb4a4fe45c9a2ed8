from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import CUSTOMER_READERS, has_role

# (label, url name, roles allowed; empty means every member of staff). Apps add theirs with register().
NAVIGATION = [
    (_("Dashboard"), "dashboard", ()),
    (_("Approvals"), "approvals", ()),
]
CORE_ENTRIES_AFTER_APPS = [
    (_("Customers"), "customer-list", CUSTOMER_READERS),
    (_("Departments"), "department-list", ()),
]
_app_entries = []


def register(label, url_name: str, roles: tuple) -> None:
    """Add an app's section to the menu; apps call this from AppConfig.ready()."""
    entry = (label, url_name, tuple(roles))
    if entry not in _app_entries:
        _app_entries.append(entry)


def navigation(request):
    """The menu entries the current user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    entries = [
        {"label": label, "url": reverse(name), "active": section(current) == section(name)}
        for label, name, roles in [*NAVIGATION, *_app_entries, *CORE_ENTRIES_AFTER_APPS]
        if not roles or has_role(user, *roles)
    ]
    return {"navigation": entries}


def section(view_name: str) -> str:
    """The menu section of a view: the model part of its URL name (`surveys:plan-detail` → `surveys:plan`)."""
    namespace, _colon, name = view_name.rpartition(":")
    return f"{namespace}:{name.split('-')[0]}"
