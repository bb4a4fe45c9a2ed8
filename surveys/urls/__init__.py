"""Survey URLs, one module per area, all under the `surveys` namespace (public pages: surveys.urls.public)."""

from . import batches, budgets, index, plans, questionnaires, responses

app_name = "surveys"

urlpatterns = [
    *plans.urlpatterns,
    *budgets.urlpatterns,
    *questionnaires.urlpatterns,
    *index.urlpatterns,
    *batches.urlpatterns,
    *responses.urlpatterns,
]
