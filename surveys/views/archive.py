from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxcenter.roles import role_required
from cxcenter.workflow import InvalidTransition
from surveys.forms import ArchiveForm
from surveys.permissions import ARCHIVISTS, SURVEY_READERS
from surveys.selectors import archive as selectors
from surveys.selectors.plans import get_plan_for
from surveys.services import archive as services
from surveys.services.archive import ArchiveError


@role_required(*SURVEY_READERS)
def archive_list(request):
    archive, page = selectors.archive_page(request.user, request.GET, request.GET.get("page"), settings.CX_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "surveys/archive_list.html",
        {"filter": archive, "page": page, "plans": list(page.object_list), "query": query.urlencode()},
    )


@role_required(*ARCHIVISTS)
@require_POST
def plan_archive(request, pk):
    plan = get_plan_for(request.user, pk)
    form = ArchiveForm(request.POST)
    form.is_valid()
    try:
        plan = services.archive_plan(plan_id=plan.pk, actor=request.user, note=form.cleaned_data.get("note", ""))
    except (ArchiveError, InvalidTransition) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Plan archived as %(number)s.") % {"number": plan.archive_number})
    return redirect(plan)
