"""Reads of the archive (资料归档): archived plans with their material, searched and filtered by year."""

import django_filters
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy as _

from cxcenter.roles import ensure_role
from surveys.models import ArchiveSequence, Questionnaire, SurveyPlan, SurveyReport
from surveys.permissions import SURVEY_READERS


def archive_years() -> list[tuple[str, str]]:
    """The years that have archive numbers, newest first (one small query)."""
    years = ArchiveSequence.objects.filter(last_number__gt=0).order_by("-year").values_list("year", flat=True)
    return [(str(year), str(year)) for year in years]


class ArchiveFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=archive_years, method="filter_year", empty_label=_("All years")
    )

    class Meta:
        model = SurveyPlan
        fields = ["q", "year"]

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(archive_number__icontains=value) | Q(title__icontains=value) | Q(goal__icontains=value)
        )

    def filter_year(self, queryset, name, value):
        # The number starts with the year of archiving (YYYY-NNNN).
        return queryset.filter(archive_number__startswith=f"{value}-")


def archive_queryset():
    """Archived plans, newest first, with their owner, reports, questionnaires and their result summaries: three
    queries for a page."""
    return (
        SurveyPlan.objects.filter(status=SurveyPlan.Status.ARCHIVED)
        .select_related("owner")
        .prefetch_related(
            Prefetch("reports", queryset=SurveyReport.objects.order_by("kind"), to_attr="report_list"),
            Prefetch(
                "questionnaires",
                queryset=Questionnaire.objects.select_related("summary").order_by("created_at", "pk"),
                to_attr="questionnaire_list",
            ),
        )
        .order_by("-archived_at", "-pk")
    )


def archive_page(user, params, page_number, per_page: int):
    """The filtered archive and the page asked for; PermissionDenied for roles that do not read surveys."""
    ensure_role(user, *SURVEY_READERS)
    archive = ArchiveFilter(params, queryset=archive_queryset())
    return archive, Paginator(archive.qs, per_page).get_page(page_number)
