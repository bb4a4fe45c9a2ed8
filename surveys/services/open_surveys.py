"""Open surveys (QR codes at the experience centres): an approved questionnaire anyone with the link can answer."""

import secrets

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import ensure_role
from surveys.models import OpenSurvey, Questionnaire
from surveys.permissions import OPEN_SURVEY_KEEPERS

SLUG_MAX_LENGTH = OpenSurvey._meta.get_field("slug").max_length


class OpenSurveyError(DomainError):
    """An open survey change the rules do not allow; the message says why."""


@transaction.atomic
def create_open_survey(*, questionnaire_id: int, actor: User, title: str, slug: str = "") -> OpenSurvey:
    """Open an approved questionnaire to anyone with the link (扫码调研).

    For the CX office and the centres (OPEN_SURVEY_KEEPERS), else PermissionDenied. Raises OpenSurveyError for a
    questionnaire that is not approved or a link name already taken. Without a link name, one is made from the
    title, or drawn at random when the title has no Latin letters or digits.
    """
    ensure_role(actor, *OPEN_SURVEY_KEEPERS)
    questionnaire = Questionnaire.objects.get(pk=questionnaire_id)
    if questionnaire.status != Questionnaire.Status.APPROVED:
        raise OpenSurveyError(
            _("“%(title)s” is not approved; only approved questionnaires can be opened to visitors.")
            % {"title": questionnaire}
        )
    slug = slugify(slug)[:SLUG_MAX_LENGTH] if slug else new_slug(title)
    if not slug:
        raise OpenSurveyError(_("Use Latin letters, digits and hyphens in the link name."))
    if OpenSurvey.objects.filter(slug=slug).exists():
        raise OpenSurveyError(_("The link name “%(slug)s” is already in use; choose another.") % {"slug": slug})
    try:
        with transaction.atomic():
            open_survey = OpenSurvey.objects.create(
                questionnaire=questionnaire, slug=slug, title=title, created_by=actor
            )
    except IntegrityError:
        # Two people choosing the same name at once: the unique index decides.
        raise OpenSurveyError(
            _("The link name “%(slug)s” is already in use; choose another.") % {"slug": slug}
        ) from None
    workflow.record(open_survey, actor=actor, action=TimelineEntry.Action.CREATED)
    return open_survey


def new_slug(title: str) -> str:
    """A link name from the title plus a short random suffix, so names stay unique and hard to guess."""
    suffix = secrets.token_hex(3)
    base = slugify(title)[: SLUG_MAX_LENGTH - len(suffix) - 1].strip("-")
    return f"{base}-{suffix}" if base else f"survey-{suffix}"


@transaction.atomic
def close_open_survey(*, open_survey_id: int, actor: User) -> OpenSurvey:
    """Stop taking answers: visitors with the link or the QR code see the closed page.

    For OPEN_SURVEY_KEEPERS, else PermissionDenied; closing a closed survey changes nothing.
    """
    return set_open(open_survey_id, actor, is_active=False, comment=_("Closed to new answers."))


@transaction.atomic
def reopen_open_survey(*, open_survey_id: int, actor: User) -> OpenSurvey:
    """Take answers again through the same link and QR code.

    For OPEN_SURVEY_KEEPERS, else PermissionDenied. Raises OpenSurveyError if the questionnaire is no longer
    approved; reopening an open survey changes nothing.
    """
    return set_open(open_survey_id, actor, is_active=True, comment=_("Reopened to answers."))


def set_open(open_survey_id: int, actor: User, *, is_active: bool, comment: str) -> OpenSurvey:
    ensure_role(actor, *OPEN_SURVEY_KEEPERS)
    open_survey = workflow.lock(OpenSurvey, open_survey_id)
    if open_survey.is_active == is_active:
        return open_survey
    if (
        is_active
        and not Questionnaire.objects.filter(
            pk=open_survey.questionnaire_id, status=Questionnaire.Status.APPROVED
        ).exists()
    ):
        raise OpenSurveyError(_("The questionnaire of this open survey is no longer approved."))
    open_survey.is_active = is_active
    open_survey.save(update_fields=["is_active"])
    workflow.record(open_survey, actor=actor, action=TimelineEntry.Action.UPDATED, comment=comment)
    return open_survey
