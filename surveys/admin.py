"""Survey material in the admin: readable by superusers, but archived material (资料归档) stays read-only there too."""

from operator import attrgetter

from django.contrib import admin

from .models import (
    BudgetLine,
    PlanMilestone,
    Questionnaire,
    ResultSummary,
    SummaryProblem,
    SurveyBudget,
    SurveyPlan,
    SurveyReport,
)


class ArchivedReadOnly:
    """No change, deletion or addition through the admin once the object's plan is archived (DOMAIN §4).

    `plan_path` leads from the object (for inlines: the parent row) to its plan, e.g. "questionnaire.plan";
    empty for the plan itself.
    """

    plan_path = "plan"

    def is_archived(self, obj) -> bool:
        if obj is None:
            return False
        plan = attrgetter(self.plan_path)(obj) if self.plan_path else obj
        return plan.is_archived

    def has_change_permission(self, request, obj=None):
        return not self.is_archived(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_archived(obj) and super().has_delete_permission(request, obj)


class ArchivedReadOnlyInline(ArchivedReadOnly):
    """For inlines `obj` is the parent row."""

    def has_add_permission(self, request, obj=None):
        return not self.is_archived(obj) and super().has_add_permission(request, obj)


class PlanMilestoneInline(ArchivedReadOnlyInline, admin.TabularInline):
    model = PlanMilestone
    extra = 0
    raw_id_fields = ("owner", "done_by")

    plan_path = ""


@admin.register(SurveyPlan)
class SurveyPlanAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("title", "status", "owner", "period_start", "report_due", "archive_number")
    list_filter = ("status",)
    search_fields = ("title", "goal", "archive_number")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "created_by", "submitted_by", "approved_by", "returned_by")
    inlines = [PlanMilestoneInline]

    plan_path = ""


class BudgetLineInline(ArchivedReadOnlyInline, admin.TabularInline):
    model = BudgetLine
    extra = 0


@admin.register(SurveyBudget)
class SurveyBudgetAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("plan", "status")
    list_filter = ("status",)
    list_select_related = ("plan",)
    raw_id_fields = ("plan", "submitted_by", "approved_by", "returned_by")
    inlines = [BudgetLineInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("budget", "category", "estimate_amount", "actual_amount")
    list_select_related = ("budget__plan",)

    plan_path = "budget.plan"


@admin.register(Questionnaire)
class QuestionnaireAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("title", "version", "status", "plan", "language")
    list_filter = ("status", "language")
    search_fields = ("title",)
    list_select_related = ("plan",)
    raw_id_fields = ("plan", "previous_version", "created_by", "submitted_by", "approved_by", "returned_by")


@admin.register(SurveyReport)
class SurveyReportAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("plan", "kind", "status", "approved_by")
    list_filter = ("kind", "status")
    list_select_related = ("plan", "approved_by")
    raw_id_fields = ("plan", "created_by", "submitted_by", "approved_by", "returned_by")


class SummaryProblemInline(ArchivedReadOnlyInline, admin.TabularInline):
    model = SummaryProblem
    extra = 0
    fields = ("severity", "description")

    plan_path = "questionnaire.plan"


@admin.register(ResultSummary)
class ResultSummaryAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("questionnaire", "status", "created_by")
    list_filter = ("status",)
    list_select_related = ("questionnaire", "created_by")
    raw_id_fields = ("questionnaire", "created_by", "submitted_by", "approved_by", "returned_by")
    inlines = [SummaryProblemInline]

    plan_path = "questionnaire.plan"
