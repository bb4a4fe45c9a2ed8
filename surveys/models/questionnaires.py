from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cxcenter.models import ApprovalStamps

from .index import IndexFactor
from .plans import SurveyPlan


class Questionnaire(ApprovalStamps):
    """A customer experience questionnaire (客户体验调研表); frozen once approved, changed by a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW},
        Status.IN_REVIEW: {Status.APPROVED, Status.RETURNED},
        Status.RETURNED: {Status.IN_REVIEW},
    }
    STAMPS = {Status.IN_REVIEW: "submitted"}
    EDITABLE = {Status.DRAFT, Status.RETURNED}

    plan = models.ForeignKey(
        SurveyPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="questionnaires"
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    is_anonymous = models.BooleanField(
        _("anonymous"), default=False, help_text=_("Answers cannot be traced back to a customer.")
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_versions",
    )
    template_key = models.CharField(_("template"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return _("%(title)s (v%(version)s)") % {"title": self.title, "version": self.version}

    def get_absolute_url(self):
        return reverse("surveys:questionnaire-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Section(models.Model):
    """A titled group of questions in a questionnaire."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class Question(models.Model):
    """One question; ratings and recommend scores can feed a leaf factor of the satisfaction index."""

    class Kind(models.TextChoices):
        RATING = "rating", _("5-point rating (good … poor)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TEXT = "text", _("Free text")
        NUMBER = "number", _("Number")
        RECOMMEND = "recommend", _("Likelihood to recommend (0–10)")
        PRICE_BAND = "price_band", _("Price band")

    # Kinds whose answer can be scored on 0–1 for the satisfaction index.
    SCORED_KINDS = {Kind.RATING, Kind.RECOMMEND}
    CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE}

    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    is_required = models.BooleanField(_("required"), default=True)
    factor = models.ForeignKey(
        IndexFactor,
        verbose_name=_("index factor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
    )

    class Meta:
        ordering = ["section", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text


class Choice(models.Model):
    """An option of a single or multiple choice question."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.label
