"""Questionnaires (客户体验调研表): building them, review by the director, new versions, templates and files.

A questionnaire changes only while it is a draft or returned; once approved it is frozen and a new version is made
to change it (seed 000 §1: the questionnaire is submitted to the superior for review before it is sent).
"""

from collections.abc import Collection, Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cxcenter import notifications, workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import ensure_role
from surveys import questionnaire_templates
from surveys.models import Choice, Question, Questionnaire, Section, SurveyPlan
from surveys.permissions import DECIDERS, PLAN_AUTHORS, ensure_plan_not_archived
from surveys.questionnaire_json import QuestionnaireDocument, SectionDocument, document_from_questionnaire
from surveys.selectors.index import active_leaf_factors
from surveys.selectors.questionnaires import questionnaire_problems, with_contents

UP = "up"
DOWN = "down"
CLOSED_PLAN_STATES = (SurveyPlan.Status.COMPLETED, SurveyPlan.Status.ARCHIVED)


class QuestionnaireError(DomainError):
    """A questionnaire change the rules do not allow; the message says why."""


def ensure_editable(questionnaire: Questionnaire) -> None:
    """Raise QuestionnaireError unless the questionnaire is a draft or was returned."""
    if questionnaire.is_editable:
        return
    if questionnaire.status == Questionnaire.Status.APPROVED:
        message = _("“%(title)s” is approved and frozen; make a new version to change it.")
    else:
        message = _("“%(title)s” is in review; it can be changed again only if the director returns it.")
    raise QuestionnaireError(message % {"title": questionnaire})


def lock_editable(actor: User, questionnaire_id: int) -> Questionnaire:
    """Lock a questionnaire for a change of its content: plan authors only, drafts and returned ones only, never
    once its plan is archived."""
    ensure_role(actor, *PLAN_AUTHORS)
    questionnaire = workflow.lock(Questionnaire, questionnaire_id)
    ensure_plan_not_archived(questionnaire.plan)
    ensure_editable(questionnaire)
    return questionnaire


def open_plan(plan_id: int) -> SurveyPlan:
    """The plan a new questionnaire goes to; QuestionnaireError once the plan is completed or archived."""
    plan = SurveyPlan.objects.get(pk=plan_id)
    ensure_plan_not_archived(plan)
    if plan.status in CLOSED_PLAN_STATES:
        raise QuestionnaireError(
            _("The plan “%(plan)s” is %(status)s; it takes no new questionnaire.")
            % {"plan": plan, "status": plan.get_status_display()}
        )
    return plan


def ensure_language(language: str) -> None:
    """QuestionnaireError unless customers can be surveyed in this language."""
    if language not in dict(settings.LANGUAGES):
        raise QuestionnaireError(_("“%(language)s” is not a language of CX Center.") % {"language": language})


@transaction.atomic
def create_questionnaire(
    *,
    plan_id: int,
    actor: User,
    title: str,
    language: str,
    is_anonymous: bool,
    introduction: str,
    template_key: str | None = None,
) -> Questionnaire:
    """Draft a questionnaire for a plan, empty or from a template of the library in its language.

    A blank title or introduction takes the template's. Plan authors only (PermissionDenied); QuestionnaireError
    for a completed or archived plan, an unknown template or language, or no title at all.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    ensure_language(language)
    plan = open_plan(plan_id)
    template = None
    if template_key:
        try:
            template = questionnaire_templates.load_template(template_key, language)
        except questionnaire_templates.UnknownTemplate:
            raise QuestionnaireError(_("There is no template “%(key)s”.") % {"key": template_key}) from None
    title = title.strip() or (template.title if template else "")
    if not title:
        raise QuestionnaireError(_("Give the questionnaire a title."))
    questionnaire = Questionnaire.objects.create(
        plan=plan,
        title=title,
        language=language,
        is_anonymous=is_anonymous,
        introduction=introduction.strip() or (template.introduction if template else ""),
        template_key=template_key or "",
        created_by=actor,
    )
    comment = ""
    if template:
        build_contents(questionnaire, template.sections)
        comment = _("From the template “%(template)s”.") % {"template": questionnaire_templates.TEMPLATES[template_key]}
    workflow.record(questionnaire, actor=actor, action=TimelineEntry.Action.CREATED, comment=comment)
    return questionnaire


@transaction.atomic
def import_questionnaire(*, plan_id: int, actor: User, document: QuestionnaireDocument) -> Questionnaire:
    """Draft a questionnaire for a plan from a checked file (surveys.questionnaire_json.read_questionnaire_file).

    All or nothing. Plan authors only (PermissionDenied); QuestionnaireError for a closed plan.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    ensure_language(document.language)
    plan = open_plan(plan_id)
    questionnaire = Questionnaire.objects.create(
        plan=plan,
        title=document.title,
        language=document.language,
        is_anonymous=document.is_anonymous,
        introduction=document.introduction,
        created_by=actor,
    )
    build_contents(questionnaire, document.sections)
    workflow.record(questionnaire, actor=actor, action=TimelineEntry.Action.IMPORTED)
    return questionnaire


@transaction.atomic
def copy_questionnaire(*, questionnaire_id: int, plan_id: int, actor: User, title: str = "") -> Questionnaire:
    """Start a draft for a plan from an earlier questionnaire of any plan: same settings, sections and questions.

    A blank title keeps the earlier one's. Index factors that are no longer active leaves are dropped.
    Plan authors only (PermissionDenied); QuestionnaireError for a closed plan.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    plan = open_plan(plan_id)
    source = with_contents(Questionnaire.objects.all()).get(pk=questionnaire_id)
    copy = copy_of(source, plan=plan, actor=actor, title=title.strip() or source.title)
    comment = _("Copied from “%(source)s” of the plan “%(plan)s”.") % {"source": source, "plan": source.plan}
    workflow.record(copy, actor=actor, action=TimelineEntry.Action.CREATED, comment=comment)
    return copy


@transaction.atomic
def new_questionnaire_version(*, questionnaire_id: int, actor: User) -> Questionnaire:
    """Start the next version of an approved questionnaire: a draft copy with version + 1, linked to it.

    Plan authors only (PermissionDenied). QuestionnaireError unless the questionnaire is approved and no newer
    version exists, or when its plan is closed.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    # The lock makes two authors asking at once get one new version, not two with the same number.
    source = workflow.lock(Questionnaire, questionnaire_id)
    ensure_plan_not_archived(source.plan)
    if source.status != Questionnaire.Status.APPROVED:
        raise QuestionnaireError(_("Only an approved questionnaire gets a new version; change this one directly."))
    newer = Questionnaire.objects.filter(previous_version=source).first()
    if newer:
        raise QuestionnaireError(
            _("Version %(version)d already follows this one; change that version instead.") % {"version": newer.version}
        )
    open_plan(source.plan_id)
    source = with_contents(Questionnaire.objects.select_related("plan")).get(pk=source.pk)
    version = copy_of(
        source,
        plan=source.plan,
        actor=actor,
        title=source.title,
        version=source.version + 1,
        previous_version=source,
    )
    comment = _("New version of version %(version)d.") % {"version": source.version}
    workflow.record(version, actor=actor, action=TimelineEntry.Action.CREATED, comment=comment)
    return version


def copy_of(source: Questionnaire, *, plan: SurveyPlan, actor: User, title: str, **fields) -> Questionnaire:
    """A new draft with the source's settings and content (source loaded with_contents)."""
    document = document_from_questionnaire(source)
    copy = Questionnaire.objects.create(
        plan=plan,
        title=title,
        language=source.language,
        is_anonymous=source.is_anonymous,
        introduction=source.introduction,
        template_key=source.template_key,
        created_by=actor,
        **fields,
    )
    mapped = {question.factor_id for section in document.sections for question in section.questions}
    active = set(active_leaf_factors().filter(pk__in=mapped - {None}).values_list("pk", flat=True))
    build_contents(copy, document.sections, active_factors=active)
    return copy


def build_contents(
    questionnaire: Questionnaire, sections: Sequence[SectionDocument], *, active_factors: Collection[int] = ()
) -> None:
    """Write sections, questions and choices in three inserts, whatever their number."""
    section_rows = Section.objects.bulk_create(
        Section(questionnaire=questionnaire, title=section.title, position=position)
        for position, section in enumerate(sections)
    )
    pairs = [
        (section_row, position, question)
        for section_row, section in zip(section_rows, sections, strict=True)
        for position, question in enumerate(section.questions)
    ]
    question_rows = Question.objects.bulk_create(
        Question(
            section=section_row,
            position=position,
            text=question.text,
            help_text=question.help_text,
            kind=question.kind,
            is_required=question.is_required,
            factor_id=question.factor_id if question.factor_id in active_factors else None,
        )
        for section_row, position, question in pairs
    )
    Choice.objects.bulk_create(
        Choice(question=question_row, position=position, label=label)
        for question_row, (_section, _position, question) in zip(question_rows, pairs, strict=True)
        for position, label in enumerate(question.choices)
    )


@transaction.atomic
def update_questionnaire(
    *, questionnaire_id: int, actor: User, title: str, language: str, is_anonymous: bool, introduction: str
) -> Questionnaire:
    """Change a questionnaire's title, language, anonymity or introduction while it is editable.

    Plan authors only (PermissionDenied); QuestionnaireError once it is in review or approved.
    """
    questionnaire = lock_editable(actor, questionnaire_id)
    ensure_language(language)
    if not title.strip():
        raise QuestionnaireError(_("Give the questionnaire a title."))
    questionnaire.title = title.strip()
    questionnaire.language = language
    questionnaire.is_anonymous = is_anonymous
    questionnaire.introduction = introduction.strip()
    questionnaire.save(update_fields=["title", "language", "is_anonymous", "introduction"])
    workflow.record(questionnaire, actor=actor, action=TimelineEntry.Action.UPDATED)
    return questionnaire


@transaction.atomic
def add_section(*, questionnaire_id: int, actor: User, title: str) -> Section:
    """Add a section at the end of an editable questionnaire. Plan authors only; QuestionnaireError when frozen."""
    questionnaire = lock_editable(actor, questionnaire_id)
    last = questionnaire.sections.aggregate(last=Max("position"))["last"]
    return Section.objects.create(
        questionnaire=questionnaire, title=required_text(title), position=0 if last is None else last + 1
    )


@transaction.atomic
def update_section(*, section_id: int, actor: User, title: str) -> Section:
    """Rename a section of an editable questionnaire. Plan authors only; QuestionnaireError when frozen."""
    section = locked_section(actor, section_id)
    section.title = required_text(title)
    section.save(update_fields=["title"])
    return section


@transaction.atomic
def move_section(*, section_id: int, actor: User, direction: str) -> Section:
    """Move a section one place up or down. Plan authors only; QuestionnaireError when frozen."""
    section = locked_section(actor, section_id)
    sections = list(section.questionnaire.sections.all())
    index = next(i for i, row in enumerate(sections) if row.pk == section.pk)
    target = index + step(direction)
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]
    renumber(Section, sections)
    return section


@transaction.atomic
def delete_section(*, section_id: int, actor: User) -> None:
    """Delete a section with its questions. Plan authors only; QuestionnaireError when frozen."""
    section = locked_section(actor, section_id)
    questionnaire = section.questionnaire
    section.delete()
    renumber(Section, list(questionnaire.sections.all()))


@transaction.atomic
def add_question(
    *,
    section_id: int,
    actor: User,
    text: str,
    kind: str,
    help_text: str = "",
    is_required: bool = True,
    factor_id: int | None = None,
    choices: Sequence[str] = (),
) -> Question:
    """Add a question at the end of a section; choices are for single and multiple choice questions only.

    Plan authors only (PermissionDenied); QuestionnaireError when the questionnaire is frozen, for choices on
    another kind of question, or a factor that is not an active leaf or not on a rating or recommend question.
    """
    section = locked_section(actor, section_id)
    labels = checked_question(kind=kind, factor_id=factor_id, choices=choices)
    last = section.questions.aggregate(last=Max("position"))["last"]
    question = Question.objects.create(
        section=section,
        position=0 if last is None else last + 1,
        text=required_text(text),
        help_text=help_text.strip(),
        kind=kind,
        is_required=is_required,
        factor_id=factor_id,
    )
    Choice.objects.bulk_create(
        Choice(question=question, position=position, label=label) for position, label in enumerate(labels)
    )
    return question


@transaction.atomic
def update_question(
    *,
    question_id: int,
    actor: User,
    text: str,
    kind: str,
    help_text: str = "",
    is_required: bool = True,
    factor_id: int | None = None,
    choices: Sequence[str] = (),
) -> Question:
    """Change a question and its choices; same rules as add_question.

    Choices keep their rows where a label stays at its place, so nothing pointing at them breaks.
    """
    question = locked_question(actor, question_id)
    labels = checked_question(kind=kind, factor_id=factor_id, choices=choices)
    question.text = required_text(text)
    question.help_text = help_text.strip()
    question.kind = kind
    question.is_required = is_required
    question.factor_id = factor_id
    question.save(update_fields=["text", "help_text", "kind", "is_required", "factor"])
    rows = list(question.choices.all())
    for position, (row, label) in enumerate(zip(rows, labels, strict=False)):
        row.position, row.label = position, label
    Choice.objects.bulk_update(rows[: len(labels)], ["position", "label"])
    Choice.objects.filter(pk__in=[row.pk for row in rows[len(labels) :]]).delete()
    Choice.objects.bulk_create(
        Choice(question=question, position=position, label=label)
        for position, label in enumerate(labels)
        if position >= len(rows)
    )
    return question


@transaction.atomic
def move_question(*, question_id: int, actor: User, direction: str) -> Question:
    """Move a question one place up or down; past the first or last place it goes to the next section.

    Plan authors only; QuestionnaireError when the questionnaire is frozen.
    """
    question = locked_question(actor, question_id)
    sections = list(question.section.questionnaire.sections.prefetch_related("questions"))
    section_index = next(i for i, section in enumerate(sections) if section.pk == question.section_id)
    questions = list(sections[section_index].questions.all())
    index = next(i for i, row in enumerate(questions) if row.pk == question.pk)
    target = index + step(direction)
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        renumber(Question, questions)
        return question
    neighbour_index = section_index + step(direction)
    if not 0 <= neighbour_index < len(sections):
        return question
    neighbour = sections[neighbour_index]
    others = list(neighbour.questions.all())
    moved = [*others, question] if direction == UP else [question, *others]
    question.section = neighbour
    question.save(update_fields=["section"])
    renumber(Question, moved)
    renumber(Question, [row for row in questions if row.pk != question.pk])
    return question


@transaction.atomic
def delete_question(*, question_id: int, actor: User) -> None:
    """Delete a question with its choices. Plan authors only; QuestionnaireError when frozen."""
    question = locked_question(actor, question_id)
    section = question.section
    question.delete()
    renumber(Question, list(section.questions.all()))


def locked_section(actor: User, section_id: int) -> Section:
    """A section whose questionnaire is locked and editable by the actor (lock_editable)."""
    questionnaire_id = Section.objects.values_list("questionnaire_id", flat=True).get(pk=section_id)
    questionnaire = lock_editable(actor, questionnaire_id)
    section = Section.objects.get(pk=section_id)
    section.questionnaire = questionnaire
    return section


def locked_question(actor: User, question_id: int) -> Question:
    """A question whose questionnaire is locked and editable by the actor (lock_editable)."""
    questionnaire_id = Question.objects.values_list("section__questionnaire_id", flat=True).get(pk=question_id)
    questionnaire = lock_editable(actor, questionnaire_id)
    question = Question.objects.select_related("section").get(pk=question_id)
    question.section.questionnaire = questionnaire
    return question


def checked_question(*, kind: str, factor_id: int | None, choices: Sequence[str]) -> list[str]:
    """The cleaned choice labels of a question, or QuestionnaireError saying what is wrong."""
    if kind not in Question.Kind.values:
        raise QuestionnaireError(_("“%(kind)s” is not a question type.") % {"kind": kind})
    labels = [label.strip() for label in choices if label.strip()]
    if labels and kind not in Question.CHOICE_KINDS:
        raise QuestionnaireError(_("Only single and multiple choice questions have choices."))
    if len(set(labels)) != len(labels):
        raise QuestionnaireError(_("Each choice may appear only once."))
    if factor_id is not None:
        if kind not in Question.SCORED_KINDS:
            raise QuestionnaireError(_("Only rating and recommend questions feed the satisfaction index."))
        if not active_leaf_factors().filter(pk=factor_id).exists():
            raise QuestionnaireError(_("Questions map only to active factors without sub-factors."))
    return labels


def required_text(text: str) -> str:
    """The stripped text; QuestionnaireError when nothing is left."""
    if not text.strip():
        raise QuestionnaireError(_("The text cannot be empty."))
    return text.strip()


def step(direction: str) -> int:
    """-1 for up, +1 for down; QuestionnaireError for anything else."""
    if direction not in (UP, DOWN):
        raise QuestionnaireError(_("Move up or down."))
    return -1 if direction == UP else 1


def renumber(model, rows: list) -> None:
    """Positions 0, 1, 2 … in the given order, so gaps and ties left by deletions or imports disappear."""
    for position, row in enumerate(rows):
        row.position = position
    model.objects.bulk_update(rows, ["position"])


@transaction.atomic
def submit_questionnaire(*, questionnaire_id: int, actor: User) -> Questionnaire:
    """Send a draft or returned questionnaire to the director for review (提交上级领导审核).

    Plan authors only (PermissionDenied). QuestionnaireError when it has no question or a choice question with
    fewer than two choices; InvalidTransition when it is already in review or approved.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    questionnaire = workflow.lock(Questionnaire, questionnaire_id)
    ensure_plan_not_archived(questionnaire.plan)
    if questionnaire.is_editable:
        problems = questionnaire_problems(with_contents(Questionnaire.objects.all()).get(pk=questionnaire.pk))
        if problems:
            raise QuestionnaireError(_("It cannot go to review yet: %(problems)s") % {"problems": " ".join(problems)})
    workflow.transition(questionnaire, to=Questionnaire.Status.IN_REVIEW, actor=actor)
    notifications.notify_submitted(questionnaire)
    return questionnaire


@transaction.atomic
def approve_questionnaire(*, questionnaire_id: int, actor: User, comment: str = "") -> Questionnaire:
    """Director approves a questionnaire in review; from then on it is frozen and can be sent to customers.

    Raises PermissionDenied for a non-director or the submitter, InvalidTransition unless it is in review.
    """
    return decide(questionnaire_id, actor, to=Questionnaire.Status.APPROVED, comment=comment)


@transaction.atomic
def return_questionnaire(*, questionnaire_id: int, actor: User, comment: str) -> Questionnaire:
    """Director returns a questionnaire in review to its author with a comment saying what to change.

    Raises PermissionDenied for a non-director or the submitter, InvalidTransition unless it is in review,
    ValueError without a comment.
    """
    return decide(questionnaire_id, actor, to=Questionnaire.Status.RETURNED, comment=comment, comment_required=True)


def decide(questionnaire_id: int, actor: User, *, to: str, comment: str, comment_required: bool = False):
    """The director's decision on a questionnaire in review, never on their own submission; mails the submitter."""
    ensure_role(actor, *DECIDERS)
    questionnaire = workflow.lock(Questionnaire, questionnaire_id)
    ensure_plan_not_archived(questionnaire.plan)
    workflow.ensure_not_submitter(actor, questionnaire)
    workflow.transition(questionnaire, to=to, actor=actor, comment=comment, comment_required=comment_required)
    notifications.notify_decided(questionnaire)
    return questionnaire
