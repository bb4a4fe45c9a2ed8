"""Pages of the satisfaction index system (客户满意度指标体系): systems, their factor tree and weights."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxcenter.roles import has_role, role_required
from cxcenter.selectors import timeline_for
from surveys import exports
from surveys.forms import FactorEditForm, FactorForm, IndexSystemForm, SiblingWeightsForm
from surveys.permissions import PLAN_AUTHORS, SURVEY_READERS
from surveys.selectors import index as selectors
from surveys.services import index as services
from surveys.services.index import FactorTreeError


@role_required(*SURVEY_READERS)
def index_system_list(request):
    systems = list(selectors.index_systems())
    if request.GET.get("export") == "xlsx":
        return exports.index_systems_workbook(systems)
    return render(
        request,
        "surveys/indexsystem_list.html",
        {"systems": systems, "can_edit": has_role(request.user, *PLAN_AUTHORS)},
    )


@role_required(*PLAN_AUTHORS)
def index_system_create(request):
    form = IndexSystemForm(request.POST or None)
    if form.is_valid():
        try:
            system = services.create_index_system(actor=request.user, **form.cleaned_data)
        except FactorTreeError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Index system “%(name)s” created.") % {"name": system.name})
            return redirect("surveys:index-system-detail", system.pk)
    return render(request, "surveys/indexsystem_form.html", {"form": form})


@role_required(*SURVEY_READERS)
def index_system_detail(request, pk):
    system = selectors.get_index_system_for(request.user, pk)
    if request.GET.get("export") == "xlsx":
        return exports.factor_tree_workbook(system, selectors.factor_tree(system))
    return render(
        request,
        "surveys/indexsystem_detail.html",
        {
            "system": system,
            "tree": selectors.factor_tree(system, with_questions=True),
            "problems": selectors.weight_problems(system),
            "timeline": timeline_for(system),
            "can_edit": has_role(request.user, *PLAN_AUTHORS),
        },
    )


@role_required(*PLAN_AUTHORS)
def index_system_edit(request, pk):
    system = selectors.get_index_system_for(request.user, pk)
    form = IndexSystemForm(request.POST or None, initial={"name": system.name, "description": system.description})
    if form.is_valid():
        try:
            services.update_index_system(system_id=system.pk, actor=request.user, **form.cleaned_data)
        except FactorTreeError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Index system saved."))
            return redirect("surveys:index-system-detail", system.pk)
    return render(request, "surveys/indexsystem_form.html", {"form": form, "system": system})


@role_required(*PLAN_AUTHORS)
def factor_create(request, pk):
    """A top-level factor of the system `pk`."""
    return factor_form_page(request, selectors.get_index_system_for(request.user, pk), parent=None)


@role_required(*PLAN_AUTHORS)
def factor_create_child(request, pk):
    """A sub-factor of the factor `pk`."""
    parent = selectors.get_factor_for(request.user, pk)
    return factor_form_page(request, parent.system, parent=parent)


@role_required(*PLAN_AUTHORS)
def factor_edit(request, pk):
    factor = selectors.get_factor_for(request.user, pk)
    form = FactorEditForm(request.POST or None, initial={"name": factor.name, "position": factor.position})
    if form.is_valid():
        try:
            services.update_factor(factor_id=factor.pk, actor=request.user, **form.cleaned_data)
        except FactorTreeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Factor “%(name)s” saved.") % {"name": form.cleaned_data["name"]})
            return redirect("surveys:index-system-detail", factor.system_id)
    return render(request, "surveys/indexfactor_form.html", {"form": form, "factor": factor, "system": factor.system})


@role_required(*PLAN_AUTHORS)
@require_http_methods(["GET", "POST"])
def factor_retire(request, pk):
    """GET asks for confirmation, showing the factors under it that retire too; POST retires."""
    factor = selectors.get_factor_for(request.user, pk)
    if request.method == "POST":
        try:
            services.retire_factor(factor_id=factor.pk, actor=request.user)
        except FactorTreeError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("“%(name)s” retired. Check that the weights of the factors left beside it add up to 100%%.")
                % {"name": factor.name},
            )
        return redirect("surveys:index-system-detail", factor.system_id)
    branch = selectors.factor_branch(factor)
    return render(request, "surveys/indexfactor_retire.html", {"factor": factor, "branch": branch})


@role_required(*PLAN_AUTHORS)
def weights_edit(request, pk):
    """The weights of the system's top-level factors."""
    return weights_page(request, selectors.get_index_system_for(request.user, pk), parent=None)


@role_required(*PLAN_AUTHORS)
def factor_weights_edit(request, pk):
    """The weights of the sub-factors of the factor `pk`."""
    parent = selectors.get_factor_for(request.user, pk)
    return weights_page(request, parent.system, parent=parent)


def factor_form_page(request, system, *, parent):
    form = FactorForm(request.POST or None)
    if form.is_valid():
        try:
            factor = services.add_factor(
                system_id=system.pk, parent_id=parent.pk if parent else None, actor=request.user, **form.cleaned_data
            )
        except FactorTreeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Factor “%(name)s” added.") % {"name": factor.name})
            return redirect("surveys:index-system-detail", system.pk)
    return render(request, "surveys/indexfactor_form.html", {"form": form, "system": system, "parent": parent})


def weights_page(request, system, *, parent):
    """One form for a whole group of siblings; htmx asks for the running total while weights are typed."""
    group = selectors.sibling_group(system, parent)
    if request.htmx:
        form = SiblingWeightsForm(request.GET, factors=group.factors)
        return render(request, "surveys/indexfactor_weights.html#weights-total", {"form": form})
    form = SiblingWeightsForm(request.POST or None, factors=group.factors)
    if form.is_valid():
        try:
            services.set_sibling_weights(
                system_id=system.pk,
                parent_id=parent.pk if parent else None,
                weights=form.weights(),
                actor=request.user,
            )
        except FactorTreeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Weights saved."))
            return redirect("surveys:index-system-detail", system.pk)
    return render(
        request, "surveys/indexfactor_weights.html", {"form": form, "system": system, "parent": parent, "group": group}
    )
