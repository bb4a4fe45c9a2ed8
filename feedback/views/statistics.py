"""The complaint statistics page (客投诉统计表) and its Excel workbook."""

from django.shortcuts import render

from cxcenter.roles import role_required
from feedback import exports
from feedback.forms import StatisticsFilterForm
from feedback.models import Case
from feedback.permissions import CASE_READERS
from feedback.selectors.statistics import ALL_KINDS, complaint_statistics


@role_required(*CASE_READERS)
def statistics(request):
    form = StatisticsFilterForm.with_defaults(request.GET)
    if not form.is_valid():
        return render(request, "feedback/statistics.html", {"form": form}, status=400)
    period = form.cleaned_data
    kind = period["kind"]
    export = request.GET.get("export") == "xlsx"
    figures = complaint_statistics(
        request.user, start=period["date_from"], end=period["date_to"], kind=kind, with_charts=not export
    )
    kind_label = dict(form.fields["kind"].choices)[kind] if kind != ALL_KINDS else form.fields["kind"].choices[-1][1]
    if export:
        return exports.statistics_workbook(figures, str(kind_label))
    query = form.data.copy()
    query.pop("export", None)
    context = {
        "form": form,
        "statistics": figures,
        "kind_label": kind_label,
        "query": query.urlencode(),
        "is_complaints": kind == Case.Kind.COMPLAINT,
    }
    return render(request, "feedback/statistics.html", context)
