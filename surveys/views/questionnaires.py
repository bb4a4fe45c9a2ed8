import json
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cxcenter.decisions import state_change_view
from cxcenter.errors import DomainError
from cxcenter.roles import role_required
from cxcenter.selectors import return_comment, timeline_for
from surveys.forms import (
    QuestionForm,
    QuestionnaireCopyForm,
    QuestionnaireCreateForm,
    QuestionnaireForm,
    QuestionnaireImportForm,
    SectionForm,
)
from surveys.permissions import DECIDERS, PLAN_AUTHORS, SURVEY_READERS
from surveys.questionnaire_json import (
    QuestionnaireFileError,
    document_from_questionnaire,
    document_to_data,
    read_questionnaire_file,
)
from surveys.selectors import questionnaires as selectors
from surveys.selectors.plans import get_plan_for
from surveys.services import questionnaires as services
from surveys.services.questionnaires import QuestionnaireError


def frozen(request, questionnaire):
    """A redirect with the reason when the questionnaire can no longer change, else None."""
    try:
        services.ensure_editable(questionnaire)
    except QuestionnaireError as error:
        messages.error(request, str(error))
        return redirect(questionnaire)
    return None


def builder_url(questionnaire_id: int, anchor: str = "") -> str:
    url = reverse("surveys:questionnaire-detail", args=[questionnaire_id])
    return f"{url}#{anchor}" if anchor else url


@role_required(*SURVEY_READERS)
def questionnaire_list(request):
    questionnaire_filter, page = selectors.questionnaire_page(
        request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/questionnaire_list.html",
        {
            "filter": questionnaire_filter,
            "page": page,
            "questionnaires": list(page.object_list),
            "query": query.urlencode(),
        },
    )


@role_required(*PLAN_AUTHORS)
def questionnaire_create(request, plan_pk):
    plan = get_plan_for(request.user, plan_pk)
    copying = request.POST.get("start") == "copy"
    create_form = QuestionnaireCreateForm(None if copying else request.POST or None)
    copy_form = QuestionnaireCopyForm(request.POST if copying else None)
    try:
        if copying and copy_form.is_valid():
            source = copy_form.cleaned_data["source"]
            questionnaire = services.copy_questionnaire(
                questionnaire_id=source.pk, plan_id=plan.pk, actor=request.user, title=copy_form.cleaned_data["title"]
            )
            return created(request, questionnaire)
        if not copying and create_form.is_valid():
            questionnaire = services.create_questionnaire(
                plan_id=plan.pk, actor=request.user, **create_form.cleaned_data
            )
            return created(request, questionnaire)
    except QuestionnaireError as error:
        messages.error(request, str(error))
    context = {"plan": plan, "create_form": create_form, "copy_form": copy_form}
    return render(
        request, "surveys/questionnaire_create.html", context, status=400 if request.method == "POST" else 200
    )


def created(request, questionnaire):
    messages.success(request, _("Questionnaire “%(title)s” drafted.") % {"title": questionnaire.title})
    return redirect(questionnaire)


@role_required(*PLAN_AUTHORS)
def questionnaire_import(request, plan_pk):
    plan = get_plan_for(request.user, plan_pk)
    form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
    errors = []
    if form.is_valid():
        try:
            document = read_questionnaire_file(form.cleaned_data["file"])
            questionnaire = services.import_questionnaire(plan_id=plan.pk, actor=request.user, document=document)
        except QuestionnaireFileError as error:
            errors = error.errors
        except QuestionnaireError as error:
            errors = [str(error)]
        else:
            messages.success(request, _("Questionnaire “%(title)s” imported.") % {"title": questionnaire.title})
            return redirect(questionnaire)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "form": form, "errors": errors[:20], "more_errors": max(len(errors) - 20, 0)}
    return render(request, "surveys/questionnaire_import.html", context, status=status)


@role_required(*SURVEY_READERS)
def questionnaire_detail(request, pk):
    questionnaire = selectors.get_questionnaire_for(request.user, pk)
    actions = selectors.questionnaire_actions(request.user, questionnaire)
    timeline = timeline_for(questionnaire)
    return render(
        request,
        "surveys/questionnaire_detail.html",
        {
            "questionnaire": questionnaire,
            "sections": selectors.questionnaire_outline(questionnaire),
            "actions": actions,
            "problems": selectors.questionnaire_problems(questionnaire) if actions.submit else [],
            "next_versions": list(questionnaire.next_versions.all()),
            "return_comment": return_comment(questionnaire, timeline),
            "timeline": timeline,
        },
    )


@role_required(*SURVEY_READERS)
def questionnaire_preview(request, pk):
    questionnaire = selectors.get_questionnaire_for(request.user, pk)
    return render(
        request,
        "surveys/questionnaire_preview.html",
        {"questionnaire": questionnaire, "sections": selectors.questionnaire_outline(questionnaire)},
    )


@role_required(*SURVEY_READERS)
def questionnaire_export(request, pk):
    questionnaire = selectors.get_questionnaire_for(request.user, pk)
    data = document_to_data(document_from_questionnaire(questionnaire))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"questionnaire-{questionnaire.pk}-v{questionnaire.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*PLAN_AUTHORS)
def questionnaire_edit(request, pk):
    questionnaire = selectors.get_questionnaire_for(request.user, pk)
    if refusal := frozen(request, questionnaire):
        return refusal
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    if form.is_valid():
        try:
            services.update_questionnaire(questionnaire_id=questionnaire.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Questionnaire saved."))
        return redirect(questionnaire)
    return render(request, "surveys/questionnaire_form.html", {"form": form, "questionnaire": questionnaire})


questionnaire_action = partial(state_change_view, load=selectors.get_questionnaire_for, id_name="questionnaire_id")


questionnaire_submit = role_required(*PLAN_AUTHORS)(
    questionnaire_action(services.submit_questionnaire, gettext_lazy("Questionnaire sent to the director for review."))
)
questionnaire_approve = role_required(*DECIDERS)(
    questionnaire_action(services.approve_questionnaire, gettext_lazy("Questionnaire approved."), with_comment=True)
)
questionnaire_return = role_required(*DECIDERS)(
    questionnaire_action(
        services.return_questionnaire, gettext_lazy("Questionnaire returned to its author."), with_comment=True
    )
)
questionnaire_new_version = role_required(*PLAN_AUTHORS)(
    questionnaire_action(
        services.new_questionnaire_version, gettext_lazy("New version drafted; change it and submit it again.")
    )
)


@role_required(*PLAN_AUTHORS)
def section_create(request, pk):
    questionnaire = selectors.get_questionnaire_for(request.user, pk)
    if refusal := frozen(request, questionnaire):
        return refusal
    form = SectionForm(request.POST or None)
    if form.is_valid():
        try:
            section = services.add_section(questionnaire_id=questionnaire.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(questionnaire)
        return redirect(builder_url(questionnaire.pk, f"section-{section.pk}"))
    return render(request, "surveys/section_form.html", {"form": form, "questionnaire": questionnaire})


@role_required(*PLAN_AUTHORS)
def section_edit(request, pk):
    section = selectors.get_section_for(request.user, pk)
    if refusal := frozen(request, section.questionnaire):
        return refusal
    form = SectionForm(request.POST or None, instance=section)
    if form.is_valid():
        try:
            services.update_section(section_id=section.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(builder_url(section.questionnaire_id, f"section-{section.pk}"))
    context = {"form": form, "questionnaire": section.questionnaire, "section": section}
    return render(request, "surveys/section_form.html", context)


@role_required(*PLAN_AUTHORS)
@require_POST
def section_move(request, pk):
    section = selectors.get_section_for(request.user, pk)
    try:
        services.move_section(section_id=section.pk, actor=request.user, direction=request.POST.get("direction", ""))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(builder_url(section.questionnaire_id, f"section-{section.pk}"))


@role_required(*PLAN_AUTHORS)
@require_POST
def section_delete(request, pk):
    section = selectors.get_section_for(request.user, pk)
    try:
        services.delete_section(section_id=section.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Section “%(title)s” deleted with its questions.") % {"title": section.title})
    return redirect(section.questionnaire)


@role_required(*PLAN_AUTHORS)
def question_create(request, section_pk):
    section = selectors.get_section_for(request.user, section_pk)
    if refusal := frozen(request, section.questionnaire):
        return refusal
    form = QuestionForm(request.POST or None)
    if form.is_valid():
        try:
            question = services.add_question(section_id=section.pk, actor=request.user, **form.service_fields())
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(section.questionnaire)
        return redirect(builder_url(section.questionnaire_id, f"question-{question.pk}"))
    context = {"form": form, "questionnaire": section.questionnaire, "section": section}
    return render(request, "surveys/question_form.html", context)


@role_required(*PLAN_AUTHORS)
def question_edit(request, pk):
    question = selectors.get_question_for(request.user, pk)
    questionnaire = question.section.questionnaire
    if refusal := frozen(request, questionnaire):
        return refusal
    form = QuestionForm(request.POST or None, instance=question)
    if form.is_valid():
        try:
            services.update_question(question_id=question.pk, actor=request.user, **form.service_fields())
        except DomainError as error:
            messages.error(request, str(error))
        return redirect(builder_url(questionnaire.pk, f"question-{question.pk}"))
    context = {"form": form, "questionnaire": questionnaire, "section": question.section, "question": question}
    return render(request, "surveys/question_form.html", context)


@role_required(*PLAN_AUTHORS)
@require_POST
def question_move(request, pk):
    question = selectors.get_question_for(request.user, pk)
    direction = request.POST.get("direction", "")
    try:
        services.move_question(question_id=question.pk, actor=request.user, direction=direction)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(builder_url(question.section.questionnaire_id, f"question-{question.pk}"))


@role_required(*PLAN_AUTHORS)
@require_POST
def question_delete(request, pk):
    question = selectors.get_question_for(request.user, pk)
    try:
        services.delete_question(question_id=question.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Question deleted."))
    return redirect(question.section.questionnaire)
