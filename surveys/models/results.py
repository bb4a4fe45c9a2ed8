from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cxcenter.models import ApprovalStamps

from .distribution import Answer
from .plans import SurveyPlan
from .questionnaires import Question, Questionnaire


class ReviewStatus(models.TextChoices):
    """The states of a document the director reviews: a result summary or a report."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


REVIEW_TRANSITIONS = {
    ReviewStatus.DRAFT: {ReviewStatus.SUBMITTED},
    ReviewStatus.SUBMITTED: {ReviewStatus.APPROVED, ReviewStatus.RETURNED},
    ReviewStatus.RETURNED: {ReviewStatus.SUBMITTED},
}


class ResultSummary(ApprovalStamps):
    """The result summary table of a questionnaire (客户体验结果汇总表), reviewed by the director."""

    Status = ReviewStatus
    TRANSITIONS = REVIEW_TRANSITIONS
    EDITABLE = {ReviewStatus.DRAFT, ReviewStatus.RETURNED}

    questionnaire = models.OneToOneField(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="summary"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("result summary")
        verbose_name_plural = _("result summaries")

    def __str__(self):
        return str(self.questionnaire)

    def get_absolute_url(self):
        return reverse("surveys:summary-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def owner(self):
        """The author answers for the summary (and hears of its decisions)."""
        return self.created_by


class SummaryProblem(models.Model):
    """A problem the summary classifies as major or minor (主要/次要问题), with the questions or answers behind it."""

    class Severity(models.TextChoices):
        MAJOR = "major", _("Major")
        MINOR = "minor", _("Minor")

    summary = models.ForeignKey(
        ResultSummary, verbose_name=_("summary"), on_delete=models.CASCADE, related_name="problems"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.CharField(_("description"), max_length=500)
    questions = models.ManyToManyField(Question, verbose_name=_("questions"), blank=True, related_name="+")
    answers = models.ManyToManyField(Answer, verbose_name=_("answers"), blank=True, related_name="+")

    class Meta:
        ordering = ["summary", "severity", "pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return self.description


class SurveyReport(ApprovalStamps):
    """A survey report or an analysis report of a plan (调研报告 / 分析报告), reviewed by the director."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Survey report")
        ANALYSIS = "analysis", _("Analysis report")

    Status = ReviewStatus
    TRANSITIONS = REVIEW_TRANSITIONS
    EDITABLE = {ReviewStatus.DRAFT, ReviewStatus.RETURNED}

    plan = models.ForeignKey(SurveyPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    findings = models.TextField(_("findings"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["plan", "kind"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["plan", "kind"], name="report_unique_kind_per_plan")]

    def __str__(self):
        return f"{self.plan} · {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("surveys:report-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def owner(self):
        return self.created_by
