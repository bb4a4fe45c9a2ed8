"""Reads of the core app: lists, details and the dashboard's figures."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from .filters import CustomerFilter
from .models import Customer, Department, ExportFile, OutboxMessage, Role, TimelineEntry
from .roles import CUSTOMER_READERS, ensure_role, has_role


def customer_industries() -> list[str]:
    """The industries in use, for the filter."""
    return list(
        Customer.objects.exclude(industry="").order_by("industry").values_list("industry", flat=True).distinct()
    )


def customer_filter(user, params) -> CustomerFilter:
    """The filtered customer list a reader may see; raises PermissionDenied for other roles."""
    ensure_role(user, *CUSTOMER_READERS)
    queryset = Customer.objects.select_related("account_manager")
    return CustomerFilter(params, queryset=queryset, industries=customer_industries())


def customer_page(user, params, page_number, per_page: int):
    """One page of the filtered customer list with the filter form."""
    customer_filter_ = customer_filter(user, params)
    page = Paginator(customer_filter_.qs, per_page).get_page(page_number)
    return customer_filter_, page


def get_customer_for(user, pk: int) -> Customer:
    """A customer the user may read, or 404/403."""
    ensure_role(user, *CUSTOMER_READERS)
    return get_object_or_404(Customer.objects.select_related("account_manager"), pk=pk)


def timeline_for(subject) -> list[TimelineEntry]:
    """The subject's history, newest first, with the actor loaded and state labels resolved."""
    entries = list(
        TimelineEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
        ).select_related("actor")
    )
    status_choices = getattr(type(subject), "Status", None)
    status_labels = dict(status_choices.choices) if status_choices else {}
    for entry in entries:
        entry.from_label = status_labels.get(entry.from_status, entry.from_status)
        entry.to_label = status_labels.get(entry.to_status, entry.to_status)
    return entries


def departments_with_counts():
    """Departments with their number of members."""
    return Department.objects.annotate(member_count=Count("members"))


def customer_file_figures(user) -> dict:
    """Dashboard figures on the customer file, in one query: gaps in the file and the user's own customers."""
    queryset = Customer.objects.all()
    return queryset.aggregate(
        total=Count("pk"),
        without_contact=Count("pk", filter=Q(email="", phone="")),
        without_consent=Count("pk", filter=Q(consents_to_surveys=False)),
        mine=Count("pk", filter=Q(account_manager=user)),
        mine_without_consent=Count("pk", filter=Q(account_manager=user, consents_to_surveys=False)),
    )


def return_comment(subject, timeline) -> str:
    """The director's reason, shown on a returned item until it is resubmitted."""
    returned = type(subject).Status.RETURNED
    if subject.status != returned:
        return ""
    return next((entry.comment for entry in timeline if entry.to_status == returned), "")


def get_export_for(user, pk: int) -> ExportFile:
    """An export, or 404; PermissionDenied unless the user asked for it and still holds a role that may read it."""
    export = get_object_or_404(ExportFile.objects.select_related("requested_by"), pk=pk)
    if export.requested_by_id != user.pk or not has_role(user, *export.params.get("readers", ())):
        raise PermissionDenied
    return export


# What the director's list of notifications shows: those that failed, and those still waiting after a failure.
NOTIFICATION_VIEWS = {
    "failed": Q(state=OutboxMessage.State.FAILED),
    "waiting": Q(state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.SENDING], attempts__gt=0),
}


def notification_page(user, view: str, page_number, per_page: int):
    """One page of the notifications that failed (or, `view` "waiting", that wait for another try), newest first,
    with the object each is about. Directors only (PermissionDenied)."""
    ensure_role(user, Role.DIRECTOR)
    messages = (
        OutboxMessage.objects.filter(NOTIFICATION_VIEWS.get(view, NOTIFICATION_VIEWS["failed"]))
        .select_related("recipient")
        .prefetch_related("subject")
    )
    return Paginator(messages, per_page).get_page(page_number)


def notification_counts() -> dict[str, int]:
    """How many notifications failed and how many wait for another try, in one query."""
    return OutboxMessage.objects.aggregate(
        **{view: Count("pk", filter=condition) for view, condition in NOTIFICATION_VIEWS.items()}
    )
