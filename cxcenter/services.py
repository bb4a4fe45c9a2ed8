"""Every write of the core app: customers, departments, users' preferences."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from . import workflow
from .models import Customer, Department, Role, TimelineEntry, User
from .roles import CUSTOMER_EDITORS, DEPARTMENT_EDITORS, ensure_role, has_role


def ensure_can_edit_customer(actor, customer: Customer) -> None:
    """Account managers edit only their own customers; the CX office edits any.

    Raises PermissionDenied otherwise.
    """
    ensure_role(actor, *CUSTOMER_EDITORS)
    office_roles = set(CUSTOMER_EDITORS) - {Role.ACCOUNT_MANAGER}
    if not has_role(actor, *office_roles) and customer.account_manager_id != actor.pk:
        raise PermissionDenied(_("Only the customer's own account manager may change this customer."))


@transaction.atomic
def create_customer(*, actor: User, **fields) -> Customer:
    """Open a customer file (客户档案). Any customer editor may call it."""
    ensure_role(actor, *CUSTOMER_EDITORS)
    customer = Customer.objects.create(**fields)
    workflow.record(customer, actor=actor, action=TimelineEntry.Action.CREATED)
    return customer


@transaction.atomic
def update_customer(*, customer_id: int, actor: User, **fields) -> Customer:
    """Change a customer file; the change and any consent change go on its timeline.

    Raises PermissionDenied for an account manager who does not manage the customer.
    """
    customer = workflow.lock(Customer, customer_id)
    ensure_can_edit_customer(actor, customer)
    changed = [name for name, value in fields.items() if getattr(customer, name) != value]
    if not changed:
        return customer
    consent_before = customer.consents_to_surveys
    for name in changed:
        setattr(customer, name, fields[name])
    customer.save()
    labels = ", ".join(str(Customer._meta.get_field(name).verbose_name) for name in changed)
    workflow.record(customer, actor=actor, action=TimelineEntry.Action.UPDATED, comment=labels)
    if customer.consents_to_surveys != consent_before:
        action = (
            TimelineEntry.Action.CONSENT_GIVEN
            if customer.consents_to_surveys
            else TimelineEntry.Action.CONSENT_WITHDRAWN
        )
        workflow.record(customer, actor=actor, action=action)
    return customer


@transaction.atomic
def import_customers(*, rows: list[dict], actor: User) -> list[Customer]:
    """Create customers from validated import rows, all or none, each with an 'imported' timeline entry."""
    ensure_role(actor, *CUSTOMER_EDITORS)
    customers = Customer.objects.bulk_create([Customer(**row) for row in rows])
    workflow.record_many(customers, actor=actor, action=TimelineEntry.Action.IMPORTED)
    return customers


@transaction.atomic
def save_department(*, actor: User, department: Department | None = None, **fields) -> Department:
    """Create a department, or change one when `department` is given. Directors and the GM only."""
    ensure_role(actor, *DEPARTMENT_EDITORS)
    department = department or Department()
    for name, value in fields.items():
        setattr(department, name, value)
    department.save()
    return department


def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language a logged-in user chose, for pages and for the e-mails sent to them."""
    if user.is_authenticated and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
