from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import CUSTOMER_READERS, has_role

# (label, url name, roles allowed; empty means every member of staff)
NAVIGATION = [
    (_("Dashboard"), "dashboard", ()),
    (_("Approvals"), "approvals", ()),
    (_("Customers"), "customer-list", CUSTOMER_READERS),
    (_("Departments"), "department-list", ()),
]


def navigation(request):
    """The menu entries the current user may use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    current = request.resolver_match.url_name if request.resolver_match else ""
    entries = [
        {"label": label, "url": reverse(name), "active": current.split("-")[0] == name.split("-")[0]}
        for label, name, roles in NAVIGATION
        if not roles or has_role(user, *roles)
    ]
    return {"navigation": entries}
