"""Reads of feedback cases: the list with its filters, one case's page, its SLA clock, the dashboard's breaches."""

import datetime
import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cxcenter.models import Department, User
from cxcenter.roles import ensure_role, has_role
from feedback.models import Attachment, Case, Referral, resolution_overdue, response_overdue
from feedback.permissions import (
    CASE_READERS,
    CASE_RECORDERS,
    CASE_SUPERVISORS,
    IMPROVEMENT_READERS,
    OWN_CASES_ONLY,
    can_change,
    only_own_customers,
)
from feedback.services.closure import customer_email

CASE_NUMBER = re.compile(r"^\s*(?:FB\d{4}-)?0*(\d{1,12})\s*$", re.IGNORECASE)
DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def sees_own_cases_only(user) -> bool:
    """Account managers and service specialists see the cases they own or that concern their customers,
    unless they also hold a role that reads every case."""
    if not has_role(user, *OWN_CASES_ONLY):
        return False
    return not has_role(user, *(role for role in CASE_READERS if role not in OWN_CASES_ONLY))


def visible_cases(user) -> QuerySet[Case]:
    """The cases a reader may see; PermissionDenied for other roles."""
    ensure_role(user, *CASE_READERS)
    queryset = Case.objects.all()
    if sees_own_cases_only(user):
        queryset = queryset.filter(Q(owner=user) | Q(customer__account_manager=user))
    return queryset


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=capfirst(_("kind")), choices=Case.Kind.choices, empty_label=_("All kinds"))
    channel = django_filters.ChoiceFilter(
        label=capfirst(_("channel")), choices=Case.Channel.choices, empty_label=_("All channels")
    )
    severity = django_filters.ChoiceFilter(
        label=capfirst(_("severity")), choices=Case.Severity.choices, empty_label=_("All severities")
    )
    status = django_filters.ChoiceFilter(
        label=capfirst(_("status")), choices=Case.Status.choices, empty_label=_("All states")
    )
    owner = django_filters.ModelChoiceFilter(
        label=capfirst(_("owner")), queryset=User.objects.none(), empty_label=_("All owners")
    )
    department = django_filters.ModelChoiceFilter(
        label=capfirst(_("responsible department")),
        queryset=Department.objects.none(),
        empty_label=_("All departments"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Past a deadline"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Overdue only")), ("false", _("Not overdue"))]),
    )
    received_from = django_filters.DateFilter(
        label=_("Received from"), field_name="received_at", lookup_expr="date__gte", widget=DATE_INPUT
    )
    received_to = django_filters.DateFilter(
        label=_("Received to"), field_name="received_at", lookup_expr="date__lte", widget=DATE_INPUT
    )

    class Meta:
        model = Case
        fields = [
            "q",
            "kind",
            "channel",
            "severity",
            "status",
            "owner",
            "department",
            "overdue",
            "received_from",
            "received_to",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = (
            User.objects.filter(groups__name__in=CASE_RECORDERS, is_active=True).distinct().order_by("username")
        )
        self.filters["department"].queryset = Department.objects.filter(is_active=True)

    def search(self, queryset, name, value):
        number = CASE_NUMBER.match(value)
        text = Q(subject__icontains=value) | Q(contact_name__icontains=value) | Q(contact_phone__icontains=value)
        text |= Q(customer__name__icontains=value) | Q(customer__organisation__icontains=value)
        if number:
            text |= Q(pk=int(number.group(1)))
        return queryset.filter(text)

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        late = response_overdue(now) | resolution_overdue(now)
        return queryset.filter(late) if value else queryset.exclude(late)


def case_filter(user, params) -> CaseFilter:
    """The filtered case list the user may see, newest first (served by the received_at index)."""
    queryset = visible_cases(user).select_related("owner", "customer", "department").order_by("-received_at", "-pk")
    return CaseFilter(params, queryset=queryset)


def case_page(user, params, page_number, per_page: int):
    """One page of the filtered list; the count is one COUNT(*) without the joins the rows need."""
    cases = case_filter(user, params)
    return cases, Paginator(cases.qs, per_page).get_page(page_number)


def get_case_for(user, pk: int) -> Case:
    """A case the user may see with what its page shows, or 404 (also for a case outside an own-cases role)."""
    return get_object_or_404(
        visible_cases(user).select_related(
            "owner", "customer__account_manager", "department", "created_by", "confirmed_by_phone_by"
        ),
        pk=pk,
    )


def case_referrals(case: Case) -> list[Referral]:
    return list(case.referrals.select_related("department", "referred_by"))


def case_attachments(case: Case) -> list[Attachment]:
    return list(case.attachments.select_related("uploaded_by"))


def get_attachment_for(user, pk: int) -> Attachment:
    """An attachment the user may fetch, or 404: a case's to those who may see the case, a progress note's to
    improvement readers and to the action's owner (who may hold no other role, e.g. operations)."""
    attachment = get_object_or_404(Attachment.objects.select_related("progress__action"), pk=pk)
    if attachment.case_id is not None:
        if not visible_cases(user).filter(pk=attachment.case_id).exists():
            raise Http404
    elif attachment.progress.action.owner_id != user.pk:
        ensure_role(user, *IMPROVEMENT_READERS)
    return attachment


@dataclass(frozen=True)
class Deadline:
    """One SLA deadline as the case page shows it."""

    label: str
    hours: int
    due_at: datetime.datetime
    met_at: datetime.datetime | None
    now: datetime.datetime

    @property
    def is_met(self) -> bool:
        return self.met_at is not None

    @property
    def is_breached(self) -> bool:
        return (self.met_at or self.now) > self.due_at

    @property
    def delta(self) -> datetime.timedelta:
        """Time left (not met yet), or how late it was / is."""
        return abs(self.due_at - (self.met_at or self.now))


@dataclass(frozen=True)
class SlaClock:
    response: Deadline
    resolution: Deadline
    is_running: bool


def sla_clock(case: Case, hours: tuple[int, int], now: datetime.datetime | None = None) -> SlaClock:
    """The response and resolution deadlines of a case, in calendar hours, met or running."""
    now = now or timezone.now()
    return SlaClock(
        response=Deadline(_("Response"), hours[0], case.response_due_at, case.acknowledged_at, now),
        resolution=Deadline(_("Resolution"), hours[1], case.resolution_due_at, case.resolved_at, now),
        is_running=case.is_open,
    )


@dataclass
class CaseActions:
    """What the current user may do with a case in its state, for the buttons on its page."""

    user: User
    case: Case

    @cached_property
    def change(self) -> bool:
        return can_change(self.user, self.case)

    @property
    def edit(self) -> bool:
        return self.change and self.case.is_open

    @property
    def take(self) -> bool:
        return (
            self.case.status == Case.Status.NEW
            and has_role(self.user, *CASE_RECORDERS)
            and (self.case.owner_id != self.user.pk)
        )

    @property
    def acknowledge(self) -> bool:
        return self.change and self.case.status == Case.Status.NEW

    @property
    def investigate(self) -> bool:
        return self.change and self.case.status in (Case.Status.ACKNOWLEDGED, Case.Status.ACTION)

    @property
    def start_action(self) -> bool:
        return self.change and self.case.status == Case.Status.INVESTIGATING

    @property
    def send_resolution(self) -> bool:
        return self.change and self.case.status in (Case.Status.INVESTIGATING, Case.Status.ACTION)

    @property
    def close_directly(self) -> bool:
        return self.send_resolution and self.case.kind != Case.Kind.COMPLAINT

    @property
    def record_answer(self) -> bool:
        return self.change and self.case.status == Case.Status.AWAITING_CUSTOMER

    @property
    def reopen(self) -> bool:
        return self.change and self.case.status == Case.Status.CLOSED

    @property
    def hand_over(self) -> bool:
        return self.case.is_open and has_role(self.user, *CASE_SUPERVISORS)

    @property
    def has_email(self) -> bool:
        return bool(customer_email(self.case))


def case_actions(user, case: Case) -> CaseActions:
    return CaseActions(user=user, case=case)


def case_owner_choices():
    """People who may own a case (hand-over)."""
    return User.objects.filter(groups__name__in=CASE_RECORDERS, is_active=True).distinct().order_by("username")


def customer_choices(user):
    """Customers a recorder may link a case to: all, or an account manager's own."""
    from cxcenter.models import Customer

    queryset = Customer.objects.order_by("organisation", "name")
    if only_own_customers(user):
        queryset = queryset.filter(account_manager=user)
    return queryset


def sla_breaches_for(user, limit: int = 5) -> list[Case]:
    """Open cases past a deadline that the user may see, earliest deadline first; one query (dashboard)."""
    if not has_role(user, *CASE_READERS):
        return []
    return list(visible_cases(user).overdue().select_related("owner").order_by("resolution_due_at", "pk")[:limit])


def case_export_rows(queryset):
    """The filtered list as spreadsheet rows, read in chunks (the list can hold 100,000 cases)."""
    now = timezone.now()
    for case in queryset.iterator(chunk_size=2000):
        late = (case.is_open and case.acknowledged_at is None and case.response_due_at < now) or (
            case.is_open and case.resolved_at is None and case.resolution_due_at < now
        )
        yield [
            case.number,
            timezone.localtime(case.received_at).replace(tzinfo=None),
            case.get_kind_display(),
            case.get_channel_display(),
            case.get_severity_display(),
            case.get_status_display(),
            case.subject,
            str(case.customer) if case.customer_id else case.contact_name,
            str(case.owner),
            str(case.department) if case.department_id else "",
            timezone.localtime(case.response_due_at).replace(tzinfo=None),
            timezone.localtime(case.resolution_due_at).replace(tzinfo=None),
            str(_("yes")) if late else "",
            timezone.localtime(case.closed_at).replace(tzinfo=None) if case.closed_at else None,
            case.customer_satisfaction,
        ]


def new_cases_waiting(user) -> int:
    """How many cases wait to be taken (web form), for recorders."""
    if not has_role(user, *CASE_RECORDERS):
        return 0
    return visible_cases(user).filter(status=Case.Status.NEW, channel=Case.Channel.WEB).count()
