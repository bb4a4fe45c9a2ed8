"""Who may use what: role checks shared by every view and service."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Role


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of the roles (superusers hold them all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user_roles(user) & set(roles))


def user_roles(user) -> set[str]:
    """The role codes of a user, cached on the user object for the request."""
    if not hasattr(user, "_cx_roles"):
        user._cx_roles = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
    return user._cx_roles


def ensure_role(user, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of the roles."""
    if not has_role(user, *roles):
        raise PermissionDenied


def role_required(*roles: str):
    """View decorator: 403 unless the logged-in user holds one of the roles."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            ensure_role(request.user, *roles)
            return view(request, *args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


ALL_STAFF = tuple(Role.values)
CUSTOMER_READERS = (
    Role.SPECIALIST,
    Role.SUPERVISOR,
    Role.DIRECTOR,
    Role.GENERAL_MANAGER,
    Role.CENTER_DIRECTOR,
    Role.SERVICE_SPECIALIST,
    Role.ACCOUNT_MANAGER,
    Role.COMMITTEE,
)
CUSTOMER_EDITORS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR, Role.ACCOUNT_MANAGER)
# Bulk import and export move the whole customer file; only the CX office does that.
CUSTOMER_FILE_KEEPERS = (Role.SPECIALIST, Role.SUPERVISOR, Role.DIRECTOR)
DEPARTMENT_EDITORS = (Role.DIRECTOR, Role.GENERAL_MANAGER)
