from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexSystem(models.Model):
    """A customer satisfaction index system (客户满意度指标体系): a tree of weighted factors."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("index system")
        verbose_name_plural = _("index systems")

    def __str__(self):
        return self.name


class IndexFactor(models.Model):
    """A factor of the index; active siblings' weights sum to 100%. Retired factors keep their history."""

    MAX_LEVEL = 4

    system = models.ForeignKey(
        IndexSystem, verbose_name=_("index system"), on_delete=models.CASCADE, related_name="factors"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent factor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(MAX_LEVEL)], default=1
    )
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_retired = models.BooleanField(_("retired"), default=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["system", "level", "position", "pk"]
        verbose_name = _("index factor")
        verbose_name_plural = _("index factors")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=0) & models.Q(weight__lte=100), name="factor_weight_percent"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1) & models.Q(level__lte=4), name="factor_level_1_4"),
        ]

    def __str__(self):
        return self.name
