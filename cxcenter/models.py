from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The department's posts (岗位); each is a Django group of the same code."""

    SPECIALIST = "specialist", _("CX specialist")
    SUPERVISOR = "supervisor", _("CX supervisor")
    DIRECTOR = "director", _("CX director")
    GENERAL_MANAGER = "general_manager", _("General manager")
    CENTER_DIRECTOR = "center_director", _("Experience centre director")
    OPS_SUPERVISOR = "ops_supervisor", _("Operations supervisor")
    SERVICE_SPECIALIST = "service_specialist", _("Service specialist")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    COMMITTEE = "committee", _("Experience centre committee")


class Department(models.Model):
    """A department (部门) that feedback can be assigned to."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("department-edit", args=[self.pk])


class User(AbstractUser):
    """A member of staff; customers never log in."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    # Blank until the user picks a language: until then the browser's Accept-Language decides.
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username


class Customer(models.Model):
    """A customer file (客户档案表)."""

    class Tier(models.TextChoices):
        KEY = "key", _("Key customer")
        LARGE = "large", _("Large customer")
        ORDINARY = "ordinary", _("Ordinary customer")

    class ContactWay(models.TextChoices):
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        WECHAT = "wechat", _("WeChat")
        FAX = "fax", _("Fax")

    name = models.CharField(_("contact name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.ORDINARY)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact way"), max_length=10, choices=ContactWay.choices, default=ContactWay.PHONE
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_customers",
    )
    consents_to_surveys = models.BooleanField(_("consents to surveys"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            # One customer file per e-mail address, whatever its case; invitations are keyed on it.
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="customer_unique_email"),
        ]
        indexes = [models.Index(fields=["tier", "industry"])]

    def __str__(self):
        if self.organisation:
            return f"{self.name} ({self.organisation})"
        return self.name

    def get_absolute_url(self):
        return reverse("customer-detail", args=[self.pk])


class ApprovalStamps(models.Model):
    """Who submitted, approved or returned an item and when; filled by workflow.transition()."""

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class TimelineEntry(models.Model):
    """One line of an object's history: who did what, from which state to which, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        TRANSITION = "transition", _("changed status")
        CONSENT_GIVEN = "consent_given", _("consent to surveys given")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("consent to surveys withdrawn")
        IMPORTED = "imported", _("imported")
        MILESTONE_DONE = "milestone_done", _("node done")
        REMINDED = "reminded", _("reminder sent")
        NOTIFICATION_FAILED = "notification_failed", _("notification failed")
        NOTIFICATION_RESENT = "notification_resent", _("notification sent again")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from status"), max_length=30, blank=True)
    to_status = models.CharField(_("to status"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.subject}"


def private_storage():
    """Where attachments live: PRIVATE_ROOT, outside the web root, read only through views that check access."""
    return storages["private"]


class ExportFile(models.Model):
    """A large export (导出文件) built by a task into a private file, fetched later from a download link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    # What to build: a kind registered in cxcenter.exports.export_builders, and what it needs (ids, filters).
    kind = models.CharField(_("kind"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    filename = models.CharField(_("file name"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Relative to settings.PRIVATE_ROOT, never served by the web server.
    file_path = models.CharField(_("file"), max_length=300, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True, db_index=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export file")
        verbose_name_plural = _("export files")
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return self.title or self.filename


class OutboxMessage(models.Model):
    """One piece of background work (待发消息), written in the transaction of the change that causes it.

    An e-mail to one recipient (`template` is its trio, rendered in `language` when it is sent) or a job (`job`
    names a function an app registered with cxcenter.outbox). `payload` holds the e-mail's context or the job's
    arguments, with rows referred to by id. A worker claims the row (pending → sending) by a conditional update,
    so it is done once however often it is handed over; the sweep hands over what is still pending.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    template = models.CharField(_("e-mail"), max_length=100, blank=True)
    job = models.CharField(_("job"), max_length=100, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("address"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    # The object whose timeline shows a failure: a plan, a case, an improvement plan.
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweep's question: what is still to do, and since when.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="outbox_to_do",
            ),
            models.Index(fields=["content_type", "object_id"], name="outbox_subject"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(template="") & ~models.Q(email="") & models.Q(job=""))
                | (models.Q(template="") & ~models.Q(job="")),
                name="outbox_email_or_job",
            )
        ]

    def __str__(self):
        return self.title or self.template or self.job
