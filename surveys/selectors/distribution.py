"""Reads of invitation batches (发放调研表): who a batch will reach, its progress, failures and invitations."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, CharField, Count, Exists, Min, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.figures import percent
from cxcenter.filters import CustomerFilter
from cxcenter.models import Customer
from cxcenter.roles import ensure_role, has_role
from cxcenter.selectors import customer_industries
from surveys.models import Invitation, InvitationBatch, Questionnaire, SurveyPlan
from surveys.permissions import MILESTONE_WORKERS, SURVEY_READERS
from surveys.sql import SURVEY_LINK

SENDABLE_PLAN_STATES = (SurveyPlan.Status.APPROVED, SurveyPlan.Status.IN_PROGRESS)
WAITING_AFTER = datetime.timedelta(minutes=2)


class SkipReason:
    """Why a selected customer gets no invitation; stored as the code in InvitationBatch.skipped."""

    NO_EMAIL = "no_email"
    NO_CONSENT = "no_consent"
    ALREADY_INVITED = "already_invited"
    LABELS = {
        NO_EMAIL: gettext_lazy("No e-mail address"),
        NO_CONSENT: gettext_lazy("Has not consented to surveys"),
        ALREADY_INVITED: gettext_lazy("Already invited to this questionnaire"),
    }


def can_send(user, questionnaire: Questionnaire) -> bool:
    """Whether to offer "Send to customers": an approved questionnaire, to the staff who run the fieldwork."""
    return questionnaire.status == Questionnaire.Status.APPROVED and has_role(user, *MILESTONE_WORKERS)


def get_questionnaire_to_send(user, pk: int) -> Questionnaire:
    """The questionnaire a batch is made from, with its plan, or 404; PermissionDenied for other roles."""
    ensure_role(user, *MILESTONE_WORKERS)
    return get_object_or_404(Questionnaire.objects.select_related("plan"), pk=pk)


def with_skip_reason(customers: QuerySet[Customer], questionnaire_id: int) -> QuerySet[Customer]:
    """Annotate `skip_reason`: empty for a customer who gets an invitation, else a SkipReason code.

    The one place the rule lives: the page's live count and create_batch() both read it. No e-mail comes first,
    then no consent, then an invitation already made from this questionnaire in another batch.
    """
    invited = Invitation.objects.filter(batch__questionnaire_id=questionnaire_id, customer=OuterRef("pk"))
    return customers.annotate(
        skip_reason=Case(
            When(email="", then=Value(SkipReason.NO_EMAIL)),
            When(consents_to_surveys=False, then=Value(SkipReason.NO_CONSENT)),
            When(Exists(invited), then=Value(SkipReason.ALREADY_INVITED)),
            default=Value(""),
            output_field=CharField(),
        )
    )


def audience_filter(params) -> CustomerFilter:
    """The customer file's own filters (tier, industry, account manager, consent) choosing whom to invite."""
    return CustomerFilter(params, queryset=Customer.objects.order_by("pk"), industries=customer_industries())


@dataclass(frozen=True)
class Audience:
    selected: int
    invited: int
    skipped: dict[str, int]

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def skipped_rows(self) -> list[tuple[str, int]]:
        return [(SkipReason.LABELS[code], count) for code, count in self.skipped.items() if count]


def audience(questionnaire: Questionnaire, customers: QuerySet[Customer]) -> Audience:
    """How many of the selected customers a batch would invite and how many it would skip, by reason (one query)."""
    counts = with_skip_reason(customers.order_by(), questionnaire.pk).aggregate(
        selected=Count("pk"),
        **{code: Count("pk", filter=Q(skip_reason=code)) for code in SkipReason.LABELS},
    )
    skipped = {code: counts[code] for code in SkipReason.LABELS}
    return Audience(selected=counts["selected"], invited=counts["selected"] - sum(skipped.values()), skipped=skipped)


def batch_defaults(questionnaire: Questionnaire) -> dict:
    """Initial values of a new batch; the e-mail texts are in the questionnaire's language, as the customer reads it."""
    with translation.override(questionnaire.language):
        subject = _("Your opinion on %(title)s") % {"title": questionnaire.title}
        message = _(
            "Thank you for choosing our products. We would like to hear about your experience: "
            "the questionnaire takes a few minutes, and every answer helps us improve."
        )
    deadline = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0) + datetime.timedelta(days=14)
    return {
        "name": _("%(title)s, %(date)s") % {"title": questionnaire.title, "date": timezone.localdate().isoformat()},
        "deadline": deadline,
        "email_subject": subject,
        "email_message": message,
        "reminder_days_before": InvitationBatch._meta.get_field("reminder_days_before").default,
        "max_reminders": InvitationBatch._meta.get_field("max_reminders").default,
    }


def batch_queryset() -> QuerySet[InvitationBatch]:
    """Batches with their questionnaire, plan and author, and their counts, in one query, newest first."""
    delivery = Invitation.Delivery
    return (
        InvitationBatch.objects.select_related("questionnaire__plan", "created_by")
        .annotate(
            invited=Count("invitations"),
            sent=Count("invitations", filter=Q(invitations__delivery=delivery.SENT)),
            failed=Count("invitations", filter=Q(invitations__delivery=delivery.FAILED)),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        )
        .order_by("-created_at", "-pk")
    )


def questionnaire_batches(questionnaire: Questionnaire) -> list[InvitationBatch]:
    """The batches made from one questionnaire, with their counts (the page that makes a new one)."""
    return list(batch_queryset().filter(questionnaire=questionnaire))


def plan_batches(plan: SurveyPlan) -> list[InvitationBatch]:
    """The batches of every questionnaire of a plan, with their counts."""
    return list(batch_queryset().filter(questionnaire__plan=plan))


class BatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    questionnaire = django_filters.NumberFilter(field_name="questionnaire_id", widget=forms.HiddenInput)
    plan = django_filters.NumberFilter(field_name="questionnaire__plan_id", widget=forms.HiddenInput)

    class Meta:
        model = InvitationBatch
        fields = ["q", "questionnaire", "plan"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(questionnaire__title__icontains=value)
            | Q(questionnaire__plan__title__icontains=value)
        )


def batch_page(user, params, page_number, per_page: int) -> tuple[BatchFilter, Page]:
    """One page of the batch list, optionally of one questionnaire or plan; PermissionDenied for non-readers."""
    ensure_role(user, *SURVEY_READERS)
    batches = BatchFilter(params, queryset=batch_queryset())
    return batches, Paginator(batches.qs, per_page).get_page(page_number)


def get_batch_for(user, pk: int) -> InvitationBatch:
    """A batch with its questionnaire, plan and author, or 404; PermissionDenied for roles that do not read surveys."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(InvitationBatch.objects.select_related("questionnaire__plan", "created_by"), pk=pk)


@dataclass(frozen=True)
class BatchProgress:
    total: int
    queued: int
    sending: int
    sent: int
    failed: int
    opened: int
    answered: int
    reminded: int
    # Queued e-mails that no worker has taken for a while: the broker or the workers are down (the sweep resends).
    is_waiting: bool = False

    @property
    def is_active(self) -> bool:
        """Still going out: the page keeps polling while this holds."""
        return bool(self.queued or self.sending)

    @property
    def delivered(self) -> int:
        """Invitations whose e-mail is settled, sent or failed."""
        return self.sent + self.failed

    @property
    def response_rate(self) -> Decimal | None:
        """Answered ÷ invited in percent (客户意见反馈率); None for a batch without invitations."""
        return percent(self.answered, self.total)


def batch_progress(batch: InvitationBatch) -> BatchProgress:
    """Where a batch stands, counted in ONE aggregate query whatever its size."""
    delivery = Invitation.Delivery
    counts = Invitation.objects.filter(batch=batch).aggregate(
        total=Count("pk"),
        queued=Count("pk", filter=Q(delivery=delivery.QUEUED)),
        sending=Count("pk", filter=Q(delivery=delivery.SENDING)),
        sent=Count("pk", filter=Q(delivery=delivery.SENT)),
        failed=Count("pk", filter=Q(delivery=delivery.FAILED)),
        opened=Count("pk", filter=Q(opened_at__isnull=False)),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        reminded=Count("pk", filter=Q(reminders_sent__gt=0)),
        oldest_queued_at=Min("queued_at", filter=Q(delivery=delivery.QUEUED)),
    )
    oldest = counts.pop("oldest_queued_at")
    return BatchProgress(**counts, is_waiting=oldest is not None and oldest < timezone.now() - WAITING_AFTER)


def batch_failures(batch: InvitationBatch, page_number, per_page: int) -> Page:
    """The invitations whose e-mail failed, with the error, one page at a time."""
    failures = (
        Invitation.objects.filter(batch=batch, delivery=Invitation.Delivery.FAILED)
        .select_related("customer")
        .order_by("-failed_at", "pk")
    )
    return Paginator(failures, per_page).get_page(page_number)


@dataclass(frozen=True)
class SkippedCustomer:
    customer_id: int
    name: str
    email: str
    reason: str


def skipped_customers(batch: InvitationBatch, page_number, per_page: int) -> Page:
    """The customers left out when the batch was made, with the reason in the reader's language."""
    rows = [
        SkippedCustomer(
            customer_id=row.get("customer"),
            name=row.get("name", ""),
            email=row.get("email", ""),
            reason=str(SkipReason.LABELS.get(row.get("reason"), row.get("reason", ""))),
        )
        for row in batch.skipped
    ]
    return Paginator(rows, per_page).get_page(page_number)


YES_NO = [("", gettext_lazy("Any")), ("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


class InvitationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    delivery = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("delivery")), choices=Invitation.Delivery.choices, empty_label=gettext_lazy("Any")
    )
    opened = django_filters.BooleanFilter(
        label=gettext_lazy("Opened"),
        field_name="opened_at",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=YES_NO),
    )
    answered = django_filters.BooleanFilter(
        label=gettext_lazy("Answered"),
        field_name="answered_at",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=YES_NO),
    )

    class Meta:
        model = Invitation
        fields = ["q", "delivery", "opened", "answered"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(email__icontains=value) | Q(customer__name__icontains=value) | Q(customer__organisation__icontains=value)
        )


def invitation_page(batch: InvitationBatch, params, page_number, per_page: int) -> tuple[InvitationFilter, Page]:
    """One page of a batch's invitations with their customer, filtered by delivery, opened and answered."""
    invitations = Invitation.objects.filter(batch=batch).select_related("customer").order_by("pk")
    invitation_filter = InvitationFilter(params, queryset=invitations)
    return invitation_filter, Paginator(invitation_filter.qs, per_page).get_page(page_number)


def can_retry(user, batch: InvitationBatch, progress: BatchProgress) -> bool:
    """Whether to offer "Retry the failed": failures, a deadline still ahead, and a member of the fieldwork staff."""
    return bool(progress.failed) and not batch.is_expired and has_role(user, *MILESTONE_WORKERS)


@dataclass(frozen=True)
class SurveyLink:
    """What answering an invitation needs to know: the link, its customer, its state and its questionnaire."""

    invitation_id: int
    customer_id: int | None
    is_answered: bool
    is_expired: bool
    questionnaire_id: int
    is_anonymous: bool
    language: str


def survey_link(token: str) -> SurveyLink | None:
    """The link behind a token, or None.

    Every submission starts here, so it is one indexed lookup of seven columns in plain SQL, prepared once per
    connection: loading the invitation, batch and questionnaire through the ORM took longer than storing the
    answers.
    """
    with connection.cursor() as cursor:
        SURVEY_LINK.execute(cursor, {"token": token})
        row = cursor.fetchone()
    return SurveyLink(*row) if row else None
