import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cxcenter.models import Customer, Department, private_storage
from cxcenter.rules import DueTaskQuerySet, holds, not_done_by


def new_confirmation_token() -> str:
    """256 random bits: the customer's link to confirm a resolution cannot be guessed."""
    return secrets.token_urlsafe(32)


def response_overdue(now) -> Q:
    """The response deadline (响应时限) passed on an open case that nobody acknowledged."""
    return Q(status__in=Case.OPEN_STATES, acknowledged_at__isnull=True, response_due_at__lt=now)


def resolution_overdue(now) -> Q:
    """The resolution deadline passed on an open case whose resolution was not sent to the customer."""
    return Q(status__in=Case.OPEN_STATES, resolved_at__isnull=True, resolution_due_at__lt=now)


class CaseQuerySet(models.QuerySet):
    """The deadline rules, written once: the lists, the dashboard, the breach sweep, the exports and the case's own
    properties all use them."""

    def response_overdue(self, now=None):
        return self.filter(response_overdue(now or timezone.now()))

    def resolution_overdue(self, now=None):
        return self.filter(resolution_overdue(now or timezone.now()))

    def overdue(self, now=None):
        now = now or timezone.now()
        return self.filter(response_overdue(now) | resolution_overdue(now))


class Case(models.Model):
    """A piece of customer feedback (客户反馈): a complaint (投诉), suggestion, praise or enquiry.

    The staff member who records it owns it until closure (首问负责制).
    """

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        SUGGESTION = "suggestion", _("Suggestion")
        PRAISE = "praise", _("Praise")
        ENQUIRY = "enquiry", _("Enquiry")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")
        WEB = "web", _("Web form")
        WECHAT = "wechat", _("WeChat")
        ON_SITE = "on_site", _("On site at an experience centre")
        SURVEY = "survey", _("Survey follow-up")

    class Severity(models.TextChoices):
        # Contexts: summaries and pain points use the same English words on other scales.
        LOW = "low", pgettext_lazy("case severity", "Minor")
        MEDIUM = "medium", pgettext_lazy("case severity", "Moderate")
        HIGH = "high", pgettext_lazy("case severity", "Serious")
        CRITICAL = "critical", pgettext_lazy("case severity", "Critical")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INVESTIGATING = "investigating", _("Investigating")
        ACTION = "action", _("Action under way")
        AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting the customer")
        CLOSED = "closed", pgettext_lazy("case status", "Closed")

    TRANSITIONS = {
        Status.NEW: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.INVESTIGATING},
        Status.INVESTIGATING: {Status.ACTION, Status.AWAITING_CUSTOMER},
        Status.ACTION: {Status.AWAITING_CUSTOMER, Status.INVESTIGATING},
        Status.AWAITING_CUSTOMER: {Status.CLOSED, Status.INVESTIGATING},
        # Reopened: the customer was not satisfied, or the problem came back.
        Status.CLOSED: {Status.INVESTIGATING},
    }
    OPEN_STATES = {
        Status.NEW,
        Status.ACKNOWLEDGED,
        Status.INVESTIGATING,
        Status.ACTION,
        Status.AWAITING_CUSTOMER,
    }

    class CauseCategory(models.TextChoices):
        PRODUCT = "product", _("Product quality")
        DESIGN = "design", _("Design or function")
        SERVICE = "service", _("Service attitude")
        PROCESS = "process", _("Process or rules")
        DELIVERY = "delivery", _("Delivery or installation")
        AFTER_SALES = "after_sales", _("After-sales")
        PRICE = "price", _("Price or billing")
        FACILITY = "facility", _("Experience centre facilities")
        CUSTOMER = "customer", _("Customer misunderstanding")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    # Who to answer when the customer is not (yet) in the customer file.
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    # The resolution and the link to confirm it are e-mailed in the customer's language.
    language = models.CharField(
        _("customer's language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_cases"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    # A survey answer below the threshold opens a case by itself (closed loop); never for anonymous surveys.
    survey_response = models.OneToOneField(
        "surveys.Response",
        verbose_name=_("survey response"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_case",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    response_due_at = models.DateTimeField(_("respond by"))
    resolution_due_at = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # Each breach is e-mailed once: the sweep claims these stamps with a conditional update.
    response_breach_notified_at = models.DateTimeField(null=True, blank=True)
    resolution_breach_notified_at = models.DateTimeField(null=True, blank=True)

    cause_category = models.CharField(_("cause category"), max_length=20, choices=CauseCategory.choices, blank=True)
    cause = models.TextField(_("cause analysis"), blank=True)
    countermeasure = models.TextField(_("countermeasures"), blank=True)
    resolution = models.TextField(_("resolution told to the customer"), blank=True)

    confirmation_token = models.CharField(max_length=64, unique=True, default=new_confirmation_token, editable=False)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    customer_satisfaction = models.PositiveSmallIntegerField(_("customer satisfaction (1–5)"), null=True, blank=True)
    customer_comment = models.TextField(_("customer's comment"), blank=True)
    # Set when the owner recorded the customer's answer given by phone (no e-mail to send the link to).
    confirmed_by_phone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by phone by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("feedback case")
        verbose_name_plural = _("feedback cases")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["kind", "received_at"]),
            models.Index(fields=["received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer_satisfaction__isnull=True)
                | models.Q(customer_satisfaction__gte=1, customer_satisfaction__lte=5),
                name="case_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_due_at__gte=models.F("response_due_at")),
                name="case_resolution_after_response",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def get_absolute_url(self):
        return reverse("feedback:case-detail", args=[self.pk])

    @property
    def number(self) -> str:
        """The case number staff quote on the phone: year and id."""
        return f"FB{self.received_at:%Y}-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_response_overdue(self) -> bool:
        return holds(response_overdue(timezone.now()), self)

    @property
    def is_resolution_overdue(self) -> bool:
        return holds(resolution_overdue(timezone.now()), self)


class Referral(models.Model):
    """Feedback forwarded to another department (转交), with its reply and the state of its improvement."""

    class ImprovementStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="referrals"
    )
    note = models.TextField(_("what is asked"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("referred by"), on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    reply = models.TextField(_("department's reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    improvement_status = models.CharField(
        _("improvement status"),
        max_length=20,
        choices=ImprovementStatus.choices,
        default=ImprovementStatus.NOT_STARTED,
    )

    class Meta:
        ordering = ["case", "referred_at", "pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self):
        return f"{self.case.number} → {self.department}"


class ImprovementPlan(models.Model):
    """An improvement plan (客户满意度改进方案) drafted by the general manager, detailed by the supervisor into
    an implementation plan (改进实施方案) and reviewed periodically (改进方案实施情况表)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        DETAILING = "detailing", _("Being detailed")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.DRAFT: {Status.DETAILING},
        Status.DETAILING: {Status.IN_PROGRESS},
        Status.IN_PROGRESS: {Status.CLOSED},
    }

    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    report = models.ForeignKey(
        "surveys.SurveyReport",
        verbose_name=_("from the report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_plans",
    )
    cases = models.ManyToManyField(Case, verbose_name=_("from the cases"), blank=True, related_name="+")
    pain_points = models.ManyToManyField(
        "surveys.PainPoint", verbose_name=_("from the pain points"), blank=True, related_name="improvement_plans"
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    detailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("detailed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback:improvement-detail", args=[self.pk])


class ImprovementAction(models.Model):
    """One action of an implementation plan: an owner, a due date and the effect expected."""

    plan = models.ForeignKey(
        ImprovementPlan, verbose_name=_("improvement plan"), on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("improvement action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="improvement_actions"
    )
    due_date = models.DateField(_("due date"))
    expected_effect = models.TextField(_("expected effect"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = DueTaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "due_date", "pk"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [models.Index(fields=["due_date", "done_on"])]

    def __str__(self):
        return self.description[:80]

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_on_time(self) -> bool:
        return self.is_done and self.done_on <= self.due_date

    @property
    def is_overdue(self) -> bool:
        return holds(not_done_by(timezone.localdate()), self)


class ActionProgress(models.Model):
    """A progress note on an improvement action, with its evidence files."""

    action = models.ForeignKey(
        ImprovementAction, verbose_name=_("improvement action"), on_delete=models.CASCADE, related_name="progress_notes"
    )
    note = models.TextField(_("progress"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["action", "written_at", "pk"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self):
        return self.note[:80]


class ImprovementReview(models.Model):
    """A periodic review of an improvement plan (改进方案实施情况表) with its verdict on effectiveness."""

    class Verdict(models.TextChoices):
        EFFECTIVE = "effective", _("Effective")
        PARTLY = "partly", _("Partly effective")
        NOT_EFFECTIVE = "not_effective", _("Not effective")

    plan = models.ForeignKey(
        ImprovementPlan, verbose_name=_("improvement plan"), on_delete=models.CASCADE, related_name="reviews"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    findings = models.TextField(_("findings"))
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    # Actions done on time ÷ actions due in the period, stored with the review for the KPI scale (流程改进目标达成率).
    on_time_rate = models.DecimalField(_("actions done on time (%)"), max_digits=4, decimal_places=1, null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-period_end", "-pk"]
        verbose_name = _("improvement review")
        verbose_name_plural = _("improvement reviews")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="review_period_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.period_start}–{self.period_end}"


def attachment_path(attachment, filename: str) -> str:
    """A random name under the month: the customer's file name is kept in the row, never trusted on disk."""
    return f"feedback/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A file attached to a case or to an improvement action's progress; served only to staff who may see it."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    progress = models.ForeignKey(
        ActionProgress,
        verbose_name=_("progress note"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, progress__isnull=True)
                | models.Q(case__isnull=True, progress__isnull=False),
                name="attachment_belongs_to_one_thing",
            ),
        ]

    def __str__(self):
        return self.original_name
