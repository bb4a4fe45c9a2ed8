from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxcenter.models import ApprovalStamps
from cxcenter.rules import DueTaskQuerySet, holds, not_done_by

# Completed or archived: the plan's work is finished.
FINISHED_STATES = ("completed", "archived")


def plan_overdue(today) -> Q:
    """The report is due and the plan is not completed yet."""
    return Q(report_due__lt=today) & ~Q(status__in=FINISHED_STATES)


class SurveyPlanQuerySet(models.QuerySet):
    def overdue(self, today=None):
        return self.filter(plan_overdue(today or timezone.localdate()))


class SurveyPlan(ApprovalStamps):
    """A survey plan (调研计划), drafted by the supervisor and approved by the director."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.APPROVED: {Status.IN_PROGRESS},
        Status.IN_PROGRESS: {Status.COMPLETED},
        Status.COMPLETED: {Status.ARCHIVED},
    }
    EDITABLE = {Status.DRAFT, Status.RETURNED}
    # From approval on, the plan counts as executed for the KPI scale (调研计划执行率).
    EXECUTED = {Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED, Status.ARCHIVED}

    class ProductType(models.TextChoices):
        PHYSICAL = "physical", _("Physical product")
        SERVICE = "service", _("Service")

    class Method(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("Questionnaire (direct)")
        INTERVIEW = "interview", _("Interview (direct)")
        FEEDBACK = "feedback", _("Feedback collection (direct)")
        DOCUMENTS = "documents", _("Documents (indirect)")
        RECORDS = "records", _("Records (indirect)")
        BUSINESS_DATA = "business_data", _("Business data (indirect)")

    DIRECT_METHODS = {Method.QUESTIONNAIRE, Method.INTERVIEW, Method.FEEDBACK}

    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"))
    content = models.TextField(_("content"), blank=True)
    product_type = models.CharField(_("product type"), max_length=10, choices=ProductType.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="owned_plans"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="staffed_plans"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    report_due = models.DateField(_("report due"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    in_progress_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archive_number = models.CharField(_("archive number"), max_length=20, unique=True, null=True, blank=True)
    # Actual cost ÷ responses (单位客户需求调研成本), refreshed when actual costs or responses change;
    # the KPI scale reads it.
    cost_per_respondent = models.DecimalField(
        _("cost per respondent (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SurveyPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = _("survey plan")
        verbose_name_plural = _("survey plans")
        indexes = [models.Index(fields=["status", "period_end"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:plan-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    @property
    def is_direct(self) -> bool:
        return self.method in self.DIRECT_METHODS

    @property
    def is_overdue(self) -> bool:
        return holds(plan_overdue(timezone.localdate()), self)


class PlanMilestone(models.Model):
    """One of the ten nodes of a survey (调研节点计划)."""

    class Node(models.IntegerChoices):
        GOAL = 1, _("Set the goal")
        PLAN = 2, _("Draft the plan")
        SCHEDULE = 3, _("Schedule the work")
        BUDGET = 4, _("Estimate the budget")
        METHOD = 5, _("Choose the method")
        COLLECT = 6, _("Collect experience information")
        SCREEN = 7, _("Screen the information")
        ANALYSE = 8, _("Analyse the data")
        REPORT = 9, _("Write the survey and analysis reports")
        ARCHIVE = 10, _("Archive the material")

    plan = models.ForeignKey(SurveyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="milestones")
    node = models.PositiveSmallIntegerField(_("node"), choices=Node.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="milestones"
    )
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = DueTaskQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "node"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["plan", "node"], name="milestone_unique_node")]
        indexes = [models.Index(fields=["due_date", "done_on"])]

    def __str__(self):
        return f"{self.node}. {self.get_node_display()}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_overdue(self) -> bool:
        return holds(not_done_by(timezone.localdate()), self)

    @property
    def is_late(self) -> bool:
        """Done, but after its due date."""
        return self.is_done and self.done_on > self.due_date


class ArchiveSequence(models.Model):
    """The last archive number given in a year; numbers are never reused, even if an archiving rolls back."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("archive sequence")
        verbose_name_plural = _("archive sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"
