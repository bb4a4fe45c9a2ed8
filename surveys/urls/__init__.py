"""Survey URLs, one module per area, all under the `surveys` namespace."""

from . import budgets, index, plans, questionnaires

app_name = "surveys"

urlpatterns = [*plans.urlpatterns, *budgets.urlpatterns, *questionnaires.urlpatterns, *index.urlpatterns]
