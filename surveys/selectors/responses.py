"""Reads of responses (调研表回收): the list per questionnaire, one response's answers, labels for exports."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy

from cxcenter.figures import day_start
from cxcenter.models import Customer
from cxcenter.roles import ensure_role
from surveys.answer_scales import PRICE_BANDS, RATING_SCALE
from surveys.answer_sheets import GivenAnswers
from surveys.models import Answer, Invitation, Question, Questionnaire, Response
from surveys.permissions import MILESTONE_WORKERS, SURVEY_READERS
from surveys.selectors.questionnaires import questionnaire_outline, with_contents

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILTER_NAMES = ("source", "submitted_from", "submitted_to", "tier")


class ResponseFilter(django_filters.FilterSet):
    source = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("source")), choices=Response.Source.choices, empty_label=gettext_lazy("All sources")
    )
    submitted_from = django_filters.DateFilter(
        label=gettext_lazy("Submitted from"), method="filter_from", widget=DATE_INPUT
    )
    submitted_to = django_filters.DateFilter(
        label=gettext_lazy("Submitted until"), method="filter_to", widget=DATE_INPUT
    )
    tier = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("customer tier")),
        field_name="customer__tier",
        choices=Customer.Tier.choices,
        empty_label=gettext_lazy("All tiers"),
    )

    class Meta:
        model = Response
        fields = list(FILTER_NAMES)

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if anonymous:
            # An anonymous questionnaire keeps no customer, so the tier would only filter everything out.
            del self.filters["tier"]

    def filter_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=day_start(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=day_start(value + datetime.timedelta(days=1)))


def get_questionnaire_for_responses(user, pk: int) -> Questionnaire:
    """A questionnaire with its plan, for the pages of its responses, or 404; PermissionDenied for non-readers."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(Questionnaire.objects.select_related("plan"), pk=pk)


def response_queryset(questionnaire: Questionnaire) -> QuerySet[Response]:
    """A questionnaire's responses, newest first, with what the list shows loaded in the same query."""
    return (
        Response.objects.filter(questionnaire=questionnaire)
        .select_related("customer", "entered_by", "open_survey")
        .order_by("-submitted_at", "-pk")
    )


def response_filter(questionnaire: Questionnaire, params) -> ResponseFilter:
    """The filtered responses of a questionnaire; the tier filter only for questionnaires that keep customers."""
    return ResponseFilter(params, queryset=response_queryset(questionnaire), anonymous=questionnaire.is_anonymous)


def response_page(user, questionnaire: Questionnaire, params, page_number, per_page: int):
    """One page of a questionnaire's filtered responses with its filter; PermissionDenied for non-readers."""
    ensure_role(user, *SURVEY_READERS)
    responses = response_filter(questionnaire, params)
    return responses, Paginator(responses.qs, per_page).get_page(page_number)


def export_filters(response_filter_: ResponseFilter) -> dict[str, str]:
    """The filters in use, as plain strings an export task can apply again."""
    data = response_filter_.data
    return {name: data[name] for name in response_filter_.filters if data.get(name)}


def get_response_for(user, pk: int) -> Response:
    """One response with its questionnaire's whole content and its people, or 404; PermissionDenied for non-readers."""
    ensure_role(user, *SURVEY_READERS)
    queryset = Response.objects.select_related(
        "customer", "entered_by", "open_survey", "invitation__batch", "questionnaire"
    )
    response = get_object_or_404(queryset, pk=pk)
    response.questionnaire = with_contents(Questionnaire.objects.all()).get(pk=response.questionnaire_id)
    return response


def get_invitation_for_entry(user, pk: int) -> Invitation:
    """An invitation to type paper or phone answers against, with its questionnaire's content, or 404.

    PermissionDenied for roles that do not enter answers (MILESTONE_WORKERS).
    """
    ensure_role(user, *MILESTONE_WORKERS)
    invitation = get_object_or_404(Invitation.objects.select_related("batch", "customer"), pk=pk)
    invitation.batch.questionnaire = with_contents(Questionnaire.objects.all()).get(
        pk=invitation.batch.questionnaire_id
    )
    return invitation


@dataclass
class AnswerColumn:
    """One question as a column of answers: how a stored answer reads in the questionnaire's language.

    `labels` maps a choice id (choice questions) or a stored number (rating rank, price band position) to its
    label; `positions` orders the chosen options of a multiple choice answer.
    """

    question_id: int
    number: int
    text: str
    kind: str
    labels: dict = field(default_factory=dict)
    positions: dict = field(default_factory=dict)


def answer_columns(questionnaire: Questionnaire) -> list[AnswerColumn]:
    """The questionnaire's questions in the customer's order, with their answer labels; needs with_contents()."""
    with translation.override(questionnaire.language):
        scales = {
            Question.Kind.RATING: {int(value): str(label) for value, label in RATING_SCALE},
            Question.Kind.PRICE_BAND: {
                position: str(label) for position, (_value, label) in enumerate(PRICE_BANDS, start=1)
            },
        }
    columns = []
    for section in questionnaire_outline(questionnaire):
        for question in section.questions.all():
            column = AnswerColumn(question.pk, question.number, question.text, question.kind)
            if question.kind in Question.CHOICE_KINDS:
                choices = question.choices.all()
                column.labels = {choice.pk: choice.label for choice in choices}
                column.positions = {choice.pk: index for index, choice in enumerate(choices)}
            else:
                column.labels = scales.get(question.kind, {})
            columns.append(column)
    return columns


def number_value(number: Decimal) -> int | float:
    """A stored number as a spreadsheet or a page shows it: 3, not 3.00; 3.5 stays 3.5."""
    whole = int(number)
    return whole if whole == number else float(number)


def join_labels(chosen: list[int], positions: dict, labels: dict) -> str:
    """The options chosen in the questionnaire's order, joined with "; "."""
    if len(chosen) > 1:
        chosen = sorted(chosen, key=lambda pk: positions.get(pk, pk))
    return "; ".join(labels.get(pk, "") for pk in chosen)


def answer_value(column: AnswerColumn, given: GivenAnswers):
    """One question's answer as read by a person: a label, labels joined with "; ", a number or the text."""
    kind, question_id = column.kind, column.question_id
    if kind == Question.Kind.TEXT:
        return given.texts.get(question_id)
    if kind in Question.CHOICE_KINDS:
        chosen = given.choices.get(question_id)
        return join_labels(chosen, column.positions, column.labels) if chosen else None
    number = given.numbers.get(question_id)
    if number is None:
        return None
    if kind in (Question.Kind.RATING, Question.Kind.PRICE_BAND):
        return column.labels.get(number, "")
    return number_value(number)


@dataclass(frozen=True)
class AnsweredQuestion:
    number: int
    text: str
    value: object


def response_answers(response: Response) -> list[tuple[str, list[AnsweredQuestion]]]:
    """Every question of a response's questionnaire by section, with the answer given (None if unanswered).

    Takes a response from get_response_for; reads its free-text answers in one query.
    """
    texts = dict(Answer.objects.filter(response=response).values_list("question_id", "text"))
    given = GivenAnswers.of(response.answers, texts)
    columns = {column.question_id: column for column in answer_columns(response.questionnaire)}
    sections = []
    for section in response.questionnaire.sections.all():
        rows = [
            AnsweredQuestion(
                columns[question.pk].number,
                question.text,
                answer_value(columns[question.pk], given),
            )
            for question in section.questions.all()
        ]
        sections.append((section.title, rows))
    return sections
