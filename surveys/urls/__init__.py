"""Survey URLs, one module per area, all under the `surveys` namespace (public pages: surveys.urls.public)."""

from . import (
    archive,
    batches,
    budgets,
    index,
    pain_points,
    plans,
    questionnaires,
    reports,
    responses,
    results,
    summaries,
)

app_name = "surveys"

urlpatterns = [
    *plans.urlpatterns,
    *budgets.urlpatterns,
    *questionnaires.urlpatterns,
    *index.urlpatterns,
    *batches.urlpatterns,
    *responses.urlpatterns,
    *results.urlpatterns,
    *reports.urlpatterns,
    *archive.urlpatterns,
    *summaries.urlpatterns,
    *pain_points.urlpatterns,
]
