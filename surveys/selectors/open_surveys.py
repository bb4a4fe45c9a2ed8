"""Reads of open surveys: the staff list, one survey with its QR code link, the public page's survey."""

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cxcenter.roles import ensure_role
from surveys.models import OpenSurvey, Questionnaire, Response
from surveys.permissions import OPEN_SURVEY_KEEPERS


def open_survey_queryset() -> QuerySet[OpenSurvey]:
    """Open surveys with their questionnaire, author, number of responses and last answer, in one query."""
    return OpenSurvey.objects.select_related("questionnaire", "created_by").annotate(
        response_count=Count("responses"), last_answered_at=Max("responses__submitted_at")
    )


def open_survey_list(user, questionnaire_id: int | None = None) -> list[OpenSurvey]:
    """Every open survey, newest first, or those of one questionnaire; PermissionDenied for other roles."""
    ensure_role(user, *OPEN_SURVEY_KEEPERS)
    queryset = open_survey_queryset().order_by("-created_at", "-pk")
    if questionnaire_id:
        queryset = queryset.filter(questionnaire_id=questionnaire_id)
    return list(queryset)


def get_open_survey_for(user, pk: int) -> OpenSurvey:
    """One open survey with its figures, or 404; PermissionDenied for other roles."""
    ensure_role(user, *OPEN_SURVEY_KEEPERS)
    return get_object_or_404(open_survey_queryset(), pk=pk)


def open_survey_questionnaires() -> QuerySet[Questionnaire]:
    """The questionnaires that may be opened to visitors: approved ones, newest first."""
    return (
        Questionnaire.objects.filter(status=Questionnaire.Status.APPROVED)
        .select_related("plan")
        .order_by("-created_at", "-pk")
    )


def open_survey_url(open_survey: OpenSurvey) -> str:
    """The absolute link a visitor's phone opens, as printed in the QR code."""
    return settings.SITE_URL + open_survey.get_absolute_url()


def open_survey_for_slug(slug: str) -> OpenSurvey:
    """The open survey of a public link, closed or not, or 404."""
    try:
        return OpenSurvey.objects.select_related("questionnaire").get(slug=slug)
    except OpenSurvey.DoesNotExist:
        raise Http404 from None


def has_answered(open_survey: OpenSurvey, browser_key: str) -> bool:
    """True once this browser has answered this open survey."""
    if not browser_key:
        return False
    # Written like the unique constraint's condition so the partial index serves the lookup.
    return Response.objects.filter(open_survey=open_survey, browser_key=browser_key).exclude(browser_key="").exists()
