"""Reads of the customer pain-point library (客户需求痛点库): the list, one entry, its sources, the export rows."""

from dataclasses import dataclass

import django_filters
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.roles import ensure_role, has_role
from surveys.models import Answer, PainPoint, PainPointSource, Response, SummaryProblem
from surveys.permissions import SURVEY_READERS
from surveys.selectors.responses import answer_columns
from surveys.services.pain_points import PAIN_POINT_EDITORS

# Merged entries are kept (read-only) but leave the list unless asked for: their counts live in their target.
MERGED = "merged"


class PainPointFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    category = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("category")),
        choices=PainPoint.Category.choices,
        empty_label=gettext_lazy("All categories"),
    )
    severity = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("severity")),
        choices=PainPoint.Severity.choices,
        empty_label=gettext_lazy("All severities"),
    )
    status = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("status")),
        choices=[*PainPoint.Status.choices, (MERGED, gettext_lazy("Merged into another entry"))],
        empty_label=gettext_lazy("Open, being improved or solved"),
        method="filter_status",
    )

    class Meta:
        model = PainPoint
        fields = ["q", "category", "severity", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(description__icontains=value.strip())

    def filter_status(self, queryset, name, value):
        if value == MERGED:
            return queryset.filter(merged_into__isnull=False)
        return queryset.filter(status=value, merged_into=None)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(merged_into=None)
        return queryset


def pain_point_queryset() -> QuerySet[PainPoint]:
    """Entries by frequency, most frequent first, with what the list shows loaded in the same query."""
    return PainPoint.objects.select_related("merged_into", "created_by").order_by("-frequency", "-pk")


def pain_point_filter(user, params) -> PainPointFilter:
    """The filtered library; raises PermissionDenied for roles that do not read surveys."""
    ensure_role(user, *SURVEY_READERS)
    return PainPointFilter(params, queryset=pain_point_queryset())


def pain_point_page(user, params, page_number, per_page: int):
    """One page of the filtered library with its filter."""
    pain_points = pain_point_filter(user, params)
    return pain_points, Paginator(pain_points.qs, per_page).get_page(page_number)


def sources_with_links() -> QuerySet[PainPointSource]:
    """Sources with their answer (question, response) or problem (summary, questionnaire) loaded in the same query."""
    return PainPointSource.objects.select_related(
        "answer__question", "answer__response", "problem__summary__questionnaire", "added_by"
    ).order_by("pk")


def get_pain_point_for(user, pk: int) -> PainPoint:
    """An entry with its sources (`source_list`) and the entries merged into it (`merged_list`), or 404.

    PermissionDenied for roles that do not read surveys.
    """
    ensure_role(user, *SURVEY_READERS)
    queryset = PainPoint.objects.select_related("merged_into", "created_by").prefetch_related(
        Prefetch("sources", queryset=sources_with_links(), to_attr="source_list"),
        Prefetch("merged_entries", queryset=PainPoint.objects.order_by("-frequency", "pk"), to_attr="merged_list"),
    )
    return get_object_or_404(queryset, pk=pk)


def get_plain_pain_point_for(user, pk: int) -> PainPoint:
    """An entry row with the entry it was merged into, for forms and state changes, or 404."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(PainPoint.objects.select_related("merged_into"), pk=pk)


def get_text_answer_for(user, pk: int) -> Answer:
    """A free-text answer with its question and response, or 404."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(Answer.objects.select_related("question", "response__questionnaire"), pk=pk)


def get_summary_problem_for(user, pk: int) -> SummaryProblem:
    """A summary problem with its summary and questionnaire, or 404."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(SummaryProblem.objects.select_related("summary__questionnaire"), pk=pk)


def library_entry_of(*, answer: Answer | None = None, problem: SummaryProblem | None = None) -> PainPoint | None:
    """The entry already holding this answer or problem, if any."""
    same = {"answer": answer} if answer else {"problem": problem}
    source = PainPointSource.objects.filter(**same).select_related("pain_point").first()
    return source.pain_point if source else None


def merge_targets(pain_point: PainPoint) -> QuerySet[PainPoint]:
    """The entries an entry can be merged into: every other entry not merged itself, most frequent first."""
    return PainPoint.objects.filter(merged_into=None).exclude(pk=pain_point.pk).order_by("-frequency", "-pk")


def open_entries() -> QuerySet[PainPoint]:
    """Entries that can take a further source (not merged), most frequent first."""
    return PainPoint.objects.filter(merged_into=None).order_by("-frequency", "-pk")


@dataclass(frozen=True)
class PainPointActions:
    """What the current user may do with an entry, for the buttons on its page."""

    edit: bool
    statuses: list


def pain_point_actions(user, pain_point: PainPoint) -> PainPointActions:
    """Editors change entries that were not merged; the statuses offered are the moves the table allows."""
    editable = not pain_point.is_merged and has_role(user, *PAIN_POINT_EDITORS)
    moves = PainPoint.TRANSITIONS.get(pain_point.status, set()) if editable else set()
    return PainPointActions(
        edit=editable,
        statuses=[(value, label) for value, label in PainPoint.Status.choices if value in moves],
    )


@dataclass(frozen=True)
class LibraryAnsweredQuestion:
    """A response page's answer, with the free-text answer's id and its library entry when it has one."""

    number: int
    text: str
    value: object
    answer_id: int | None = None
    pain_point: PainPoint | None = None


def with_library_links(user, response: Response, sections) -> list:
    """The sections of surveys.selectors.responses.response_answers, with the library state of free-text answers.

    Only for library editors (others get the sections unchanged). Two queries, whatever the number of answers;
    needs the response from get_response_for (questionnaire contents loaded).
    """
    if not has_role(user, *PAIN_POINT_EDITORS):
        return sections
    answer_ids = dict(Answer.objects.filter(response=response).values_list("question_id", "pk"))
    sources = PainPointSource.objects.filter(answer_id__in=answer_ids.values()).select_related("pain_point")
    entries = {source.answer_id: source.pain_point for source in sources}
    numbers = {column.number: column.question_id for column in answer_columns(response.questionnaire)}
    linked = []
    for title, items in sections:
        rows = []
        for item in items:
            answer_id = answer_ids.get(numbers.get(item.number))
            rows.append(
                LibraryAnsweredQuestion(item.number, item.text, item.value, answer_id, entries.get(answer_id))
                if answer_id
                else item
            )
        linked.append((title, rows))
    return linked


def source_links(source: PainPointSource) -> dict:
    """How a source reads in the list of sources and the export: its kind, text and where it leads."""
    if source.answer_id:
        answer = source.answer
        return {
            "kind": _("Free-text answer"),
            "text": answer.text,
            "context": answer.question.text,
            "url": reverse("surveys:response-detail", args=[answer.response_id]),
        }
    if source.problem_id:
        problem = source.problem
        return {
            "kind": _("Result summary problem"),
            "text": problem.description,
            "context": str(problem.summary.questionnaire),
            "url": problem.summary.get_absolute_url(),
        }
    return {"kind": _("Entered by hand"), "text": source.note, "context": "", "url": ""}


def source_rows(pain_point: PainPoint) -> list[dict]:
    """The entry's sources (from get_pain_point_for) as the detail page lists them."""
    return [{"source": source, **source_links(source)} for source in pain_point.source_list]


def export_header() -> list[str]:
    return [
        _("Description"),
        _("Category"),
        _("Severity"),
        _("Status"),
        _("Frequency"),
        _("Merged into"),
        _("Created by"),
        _("Created at"),
    ]


def export_rows(pain_points) -> list[list]:
    """The filtered list as spreadsheet rows (one per entry); a fixed number of queries."""
    return [
        [
            pain_point.description,
            pain_point.get_category_display(),
            pain_point.get_severity_display(),
            pain_point.get_status_display(),
            pain_point.frequency,
            str(pain_point.merged_into) if pain_point.merged_into_id else "",
            str(pain_point.created_by),
            timezone.localtime(pain_point.created_at).replace(tzinfo=None),
        ]
        for pain_point in pain_points
    ]
