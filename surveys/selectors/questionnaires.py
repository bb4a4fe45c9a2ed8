"""Reads of questionnaires (客户体验调研表): the list, the builder, the preview, what is ready for review."""

from dataclasses import dataclass

import django_filters
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.approvals import PendingApproval
from cxcenter.roles import ensure_role, has_role
from surveys.answer_scales import answer_options, recommend_ends
from surveys.models import Question, Questionnaire, Section, SurveyPlan
from surveys.permissions import DECIDERS, PLAN_AUTHORS, SURVEY_READERS


class QuestionnaireFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=gettext_lazy("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("status")),
        choices=Questionnaire.Status.choices,
        empty_label=gettext_lazy("All states"),
    )
    language = django_filters.ChoiceFilter(
        label=capfirst(gettext_lazy("language")),
        choices=Questionnaire._meta.get_field("language").choices,
        empty_label=gettext_lazy("All languages"),
    )

    class Meta:
        model = Questionnaire
        fields = ["q", "status", "language"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(plan__title__icontains=value))


def questionnaire_queryset() -> QuerySet[Questionnaire]:
    """Questionnaires with their plan, author and number of questions, in one query, newest first."""
    return (
        Questionnaire.objects.select_related("plan", "created_by")
        .annotate(question_count=Count("sections__questions"))
        .order_by("-created_at", "-pk")
    )


def questionnaire_page(user, params, page_number, per_page: int):
    """One page of the filtered questionnaire list with its filter; PermissionDenied for non-readers."""
    ensure_role(user, *SURVEY_READERS)
    questionnaires = QuestionnaireFilter(params, queryset=questionnaire_queryset())
    return questionnaires, Paginator(questionnaires.qs, per_page).get_page(page_number)


def plan_questionnaires(plan: SurveyPlan) -> list[Questionnaire]:
    """The questionnaires of one plan, newest first, with their number of questions (plan page)."""
    return list(questionnaire_queryset().filter(plan=plan))


def with_contents(queryset: QuerySet[Questionnaire]) -> QuerySet[Questionnaire]:
    """Sections, questions (with their factor) and choices loaded in three more queries, whatever their number."""
    questions = Question.objects.select_related("factor").prefetch_related("choices")
    sections = Section.objects.prefetch_related(Prefetch("questions", queryset=questions))
    return queryset.prefetch_related(Prefetch("sections", queryset=sections))


def get_questionnaire_for(user, pk: int) -> Questionnaire:
    """A questionnaire with its plan, people, previous version and whole content, or 404.

    PermissionDenied for roles that do not read surveys.
    """
    ensure_role(user, *SURVEY_READERS)
    queryset = Questionnaire.objects.select_related(
        "plan", "created_by", "submitted_by", "approved_by", "returned_by", "previous_version"
    ).prefetch_related("next_versions")
    return get_object_or_404(with_contents(queryset), pk=pk)


def get_section_for(user, pk: int) -> Section:
    """A section with its questionnaire, or 404; PermissionDenied for roles that do not read surveys."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(Section.objects.select_related("questionnaire"), pk=pk)


def get_question_for(user, pk: int) -> Question:
    """A question with its section, questionnaire and choices, or 404; PermissionDenied for non-readers."""
    ensure_role(user, *SURVEY_READERS)
    queryset = Question.objects.select_related("section__questionnaire", "factor").prefetch_related("choices")
    return get_object_or_404(queryset, pk=pk)


def copy_sources() -> QuerySet[Questionnaire]:
    """Every questionnaire an author may start a new one from, newest first, with its plan."""
    return Questionnaire.objects.select_related("plan").order_by("-created_at", "-pk")


def questionnaire_problems(questionnaire: Questionnaire) -> list[str]:
    """What keeps a questionnaire from going to review: no question, or a choice question with too few choices.

    Reads `sections`, `questions` and `choices` through the manager, so prefetch them (with_contents).
    """
    problems = []
    questions = [question for section in questionnaire.sections.all() for question in section.questions.all()]
    if not questions:
        problems.append(_("The questionnaire has no question yet."))
    for question in questions:
        if question.kind in Question.CHOICE_KINDS and len(question.choices.all()) < 2:
            problems.append(
                _("“%(question)s” is a choice question with fewer than two choices.") % {"question": question.text}
            )
    return problems


def questionnaire_outline(questionnaire: Questionnaire, language: str | None = None) -> list[Section]:
    """The sections as the customer sees them: every question numbered and given its options.

    Each question gets `number` (1, 2, … across sections) and `options` (surveys.answer_scales), labelled in
    `language` (default: the questionnaire's); recommend questions also get `scale_ends`. Needs with_contents().
    """
    language = language or questionnaire.language
    sections = list(questionnaire.sections.all())
    number = 0
    ends = recommend_ends(language)
    for section in sections:
        for question in section.questions.all():
            number += 1
            question.number = number
            question.options = answer_options(question, language)
            question.scale_ends = ends
    return sections


@dataclass(frozen=True)
class QuestionnaireActions:
    """What the current user may do with a questionnaire in its current state, for the buttons on its page."""

    edit: bool
    submit: bool
    decide: bool
    new_version: bool


def questionnaire_actions(user, questionnaire: Questionnaire) -> QuestionnaireActions:
    """The buttons to show; the services check the same rules again when a button is used.

    Nothing changes once the plan is archived (needs the questionnaire's plan loaded).
    """
    if questionnaire.plan.is_archived:
        return QuestionnaireActions(edit=False, submit=False, decide=False, new_version=False)
    is_author = has_role(user, *PLAN_AUTHORS)
    is_latest = not questionnaire.next_versions.all()
    return QuestionnaireActions(
        edit=is_author and questionnaire.is_editable,
        submit=is_author and questionnaire.is_editable,
        decide=has_role(user, *DECIDERS)
        and questionnaire.status == Questionnaire.Status.IN_REVIEW
        and questionnaire.submitted_by_id != user.pk,
        new_version=is_author and questionnaire.status == Questionnaire.Status.APPROVED and is_latest,
    )


def questionnaires_awaiting_decision(user) -> list[PendingApproval]:
    """Questionnaires in review for a director to decide, not those they submitted themselves."""
    if not has_role(user, *DECIDERS):
        return []
    questionnaires = (
        Questionnaire.objects.filter(status=Questionnaire.Status.IN_REVIEW)
        .exclude(submitted_by=user)
        .select_related("submitted_by")
    )
    return [
        PendingApproval(
            kind=str(Questionnaire._meta.verbose_name),
            title=str(questionnaire),
            url=questionnaire.get_absolute_url(),
            submitted_by=str(questionnaire.submitted_by),
            submitted_at=questionnaire.submitted_at,
        )
        for questionnaire in questionnaires
    ]
