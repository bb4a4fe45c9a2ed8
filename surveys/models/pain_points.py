from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .distribution import Answer
from .results import SummaryProblem


class PainPoint(models.Model):
    """An entry of the customer pain-point library (客户需求痛点库): a recurring need or problem."""

    class Category(models.TextChoices):
        PRODUCT = "product", _("Product")
        FUNCTION = "function", _("Functions")
        QUALITY = "quality", _("Quality")
        PRICE = "price", _("Price")
        SERVICE = "service", _("Service")
        DELIVERY = "delivery", _("Delivery")
        AFTER_SALES = "after_sales", _("After-sales")
        EXPERIENCE_CENTRE = "experience_centre", _("Experience centre")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IMPROVING = "improving", _("Being improved")
        SOLVED = "solved", _("Solved")

    # open → being improved → solved; a need that comes back is opened again.
    TRANSITIONS = {
        Status.OPEN: {Status.IMPROVING},
        Status.IMPROVING: {Status.SOLVED, Status.OPEN},
        Status.SOLVED: {Status.OPEN},
    }

    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # How often the need was met: one per source, plus the counts of the entries merged into this one.
    frequency = models.PositiveIntegerField(_("frequency"), default=1)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_entries",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-frequency", "-pk"]
        verbose_name = _("pain point")
        verbose_name_plural = _("pain points")
        indexes = [models.Index(fields=["status", "frequency"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="pain_point_not_merged_into_itself"
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse("surveys:painpoint-detail", args=[self.pk])

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class PainPointSource(models.Model):
    """Where a pain point was met: a free-text answer, a summary problem, or a note (the link is kept)."""

    pain_point = models.ForeignKey(
        PainPoint, verbose_name=_("pain point"), on_delete=models.CASCADE, related_name="sources"
    )
    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    problem = models.ForeignKey(
        SummaryProblem, verbose_name=_("problem"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["pain_point", "pk"]
        verbose_name = _("pain point source")
        verbose_name_plural = _("pain point sources")
        constraints = [
            # One answer or one problem counts once in the library.
            models.UniqueConstraint(fields=["answer"], name="pain_point_source_unique_answer"),
            models.UniqueConstraint(fields=["problem"], name="pain_point_source_unique_problem"),
        ]

    def __str__(self):
        return str(self.pain_point)
