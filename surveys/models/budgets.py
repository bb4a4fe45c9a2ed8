from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cxcenter.models import ApprovalStamps

from .plans import SurveyPlan


class SurveyBudget(ApprovalStamps):
    """The budget of a survey (调研经费), approved by the director separately from the plan."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
    }
    EDITABLE = {Status.DRAFT, Status.RETURNED}

    plan = models.OneToOneField(SurveyPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budget")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("survey budget")
        verbose_name_plural = _("survey budgets")

    def __str__(self):
        return str(self.plan)

    def get_absolute_url(self):
        return reverse("surveys:budget-detail", args=[self.plan_id])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def owner(self):
        """The plan's owner answers for its budget (and hears of its decisions)."""
        return self.plan.owner


class BudgetLine(models.Model):
    """One cost item of a survey budget, estimated before and actual after."""

    class Category(models.TextChoices):
        QUESTIONNAIRE_DESIGN = "questionnaire_design", _("Questionnaire design")
        PLAN_DESIGN = "plan_design", _("Plan design")
        FIELDWORK = "fieldwork", _("Fieldwork")
        ANALYSIS = "analysis", _("Statistics and analysis")
        REPORT = "report", _("Report writing")
        LABOUR = "labour", _("Labour")
        INCENTIVES = "incentives", _("Incentives")

    budget = models.ForeignKey(SurveyBudget, verbose_name=_("budget"), on_delete=models.CASCADE, related_name="lines")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    estimate_amount = models.DecimalField(_("estimate (yuan)"), max_digits=12, decimal_places=2)
    actual_amount = models.DecimalField(_("actual (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["budget", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimate_amount__gte=0), name="budget_line_estimate_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(actual_amount__gte=0) | models.Q(actual_amount__isnull=True),
                name="budget_line_actual_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} {self.estimate_amount}"

    @property
    def variance(self):
        """Actual minus estimate; positive means an overrun."""
        if self.actual_amount is None:
            return None
        return self.actual_amount - self.estimate_amount

    @property
    def is_overrun(self) -> bool:
        return self.variance is not None and self.variance > 0
