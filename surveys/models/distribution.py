import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cxcenter.models import Customer

from .questionnaires import Question, Questionnaire


def new_token() -> str:
    """256 random bits, URL-safe: a survey link nobody can guess."""
    return secrets.token_urlsafe(32)


class InvitationBatch(models.Model):
    """One mailing of an approved questionnaire to a set of customers (发放调研表)."""

    class Incentive(models.TextChoices):
        NONE = "", _("No incentive")
        DISCOUNT = "discount", _("Limited-time discount")
        LOTTERY = "lottery", _("Lottery")
        EXTENDED_WARRANTY = "extended_warranty", _("Extended warranty")
        OTHER = "other", _("Other")

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="batches"
    )
    name = models.CharField(_("name"), max_length=200)
    deadline = models.DateTimeField(_("deadline"))
    incentive = models.CharField(_("incentive"), max_length=20, choices=Incentive.choices, blank=True)
    incentive_text = models.CharField(_("incentive details"), max_length=300, blank=True)
    email_subject = models.CharField(_("e-mail subject"), max_length=200)
    email_message = models.TextField(_("e-mail message"))
    reminder_days_before = models.PositiveSmallIntegerField(_("remind this many days before the deadline"), default=3)
    max_reminders = models.PositiveSmallIntegerField(_("at most this many reminders"), default=2)
    # Customers left out when the batch was made, with the reason: [{"customer": id, "name": …, "reason": …}].
    skipped = models.JSONField(_("skipped customers"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation batch")
        verbose_name_plural = _("invitation batches")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:batch-detail", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.deadline <= timezone.now()


class Invitation(models.Model):
    """One customer's unique survey link and what became of its e-mail."""

    class Delivery(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Indexed by the (batch, customer) constraint below. Every index is paid for by each of a campaign's
    # inserts and by each e-mail sent (the delivery changes); answering, which changes no indexed column,
    # updates the row in place (fillfactor, migration 0005).
    batch = models.ForeignKey(
        InvitationBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="invitations", db_index=False
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    # Unique through a constraint: `unique=True` would add a second, pattern-matching index on PostgreSQL.
    token = models.CharField(_("token"), max_length=64, default=new_token, editable=False)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.QUEUED)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(fields=["batch", "customer"], name="invitation_one_per_customer_and_batch"),
            models.UniqueConstraint(fields=["token"], name="invitation_token_unique"),
        ]
        indexes = [
            models.Index(fields=["batch", "delivery"]),
            models.Index(fields=["delivery", "queued_at"]),
        ]

    def __str__(self):
        return f"{self.batch} → {self.email}"

    def get_absolute_url(self):
        return reverse("public:survey-answer", args=[self.token])


class OpenSurvey(models.Model):
    """A questionnaire open to anyone with the link, e.g. from a QR code at an experience centre."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="open_surveys"
    )
    slug = models.SlugField(_("link name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    is_active = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("open survey")
        verbose_name_plural = _("open surveys")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:open-survey", args=[self.slug])


class Response(models.Model):
    """A customer's completed questionnaire (客户体验调研表的回收)."""

    class Source(models.TextChoices):
        WEB = "web", _("Survey link")
        OPEN = "open", _("Open survey (QR code)")
        PAPER = "paper", _("Paper form")
        PHONE = "phone", _("Phone interview")

    # Indexed by (questionnaire, submitted_at) below; every index costs each submission a write. Kept by Django
    # (PROTECT; approved questionnaires are never deleted) rather than a database constraint, whose check would
    # lock the questionnaire's row for every submission arriving at the same time.
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="responses",
        db_index=False,
        db_constraint=False,
    )
    # One response per invitation, enforced here; null for anonymous questionnaires, which keep no link.
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
    )
    # Indexed below for open-survey responses only: the others would fill the index with nulls.
    open_survey = models.ForeignKey(
        OpenSurvey,
        verbose_name=_("open survey"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        db_index=False,
    )
    # A random key kept in the visitor's browser, so the same browser cannot answer an open survey twice.
    browser_key = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    satisfaction_index = models.DecimalField(
        _("satisfaction index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # The choices and numbers given, as one document (surveys.answer_sheets): a 20-question form is stored as
    # one row instead of twenty, and results count them in the database all the same.
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["open_survey", "browser_key"],
                condition=~models.Q(browser_key=""),
                name="response_one_per_browser_and_open_survey",
            ),
        ]
        indexes = [
            models.Index(fields=["questionnaire", "submitted_at"]),
            models.Index(
                fields=["open_survey"], condition=models.Q(open_survey__isnull=False), name="response_open_survey"
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire} #{self.pk}"


class Answer(models.Model):
    """A free-text answer: the customer's own words, kept as a row of its own since result summaries quote it,
    pain points cite it and the results page searches it. Choices and numbers are the response's `answers`.
    """

    # Inserted in the statement that inserts its response (surveys.services.responses), which keeps the links:
    # a database constraint's check would cost every submission and lock the question's row.
    response = models.ForeignKey(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        related_name="text_answers",
        db_constraint=False,
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers", db_constraint=False
    )
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["response", "question", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.question}: {self.text[:30]}"
