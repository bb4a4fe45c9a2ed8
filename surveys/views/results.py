"""The results page of a questionnaire (调研结果): figures, charts, the index breakdown and the free-text answers."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from cxcenter.roles import role_required
from surveys.permissions import SURVEY_READERS
from surveys.selectors import results as selectors


@role_required(*SURVEY_READERS)
def questionnaire_results(request, pk):
    questionnaire = selectors.get_questionnaire_for_results(request.user, pk)
    form = selectors.ResultsFilterForm(request.GET, questionnaire=questionnaire)
    filters = form.filters()
    results = selectors.questionnaire_results(questionnaire, date_from=filters["date_from"], date_to=filters["date_to"])
    texts = selectors.free_text_answers(questionnaire, **filters)
    page = Paginator(texts, settings.CX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "questionnaire": questionnaire,
        "results": results,
        "form": form,
        "page": page,
        "texts": list(page.object_list),
        "query": query.urlencode(),
        "crosstab_tables": [
            (_("By customer tier"), results.crosstabs.by_tier),
            (_("By industry"), results.crosstabs.by_industry),
        ],
        "has_text_questions": bool(form.fields["question"].choices[1:]),
    }
    return render(request, "surveys/questionnaire_results.html", context)
