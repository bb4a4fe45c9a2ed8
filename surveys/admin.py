"""Survey material in the admin: readable by superusers, but archived material (资料归档) stays read-only there too."""

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
    """No change, deletion or addition through the admin once the object's plan is archived (DOMAIN §4)."""

    def plan_of(self, obj) -> SurveyPlan:
        raise NotImplementedError

    def is_archived(self, obj) -> bool:
        return obj is not None and self.plan_of(obj).is_archived

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

    def plan_of(self, obj):
        return obj


@admin.register(SurveyPlan)
class SurveyPlanAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("title", "status", "owner", "period_start", "report_due", "archive_number")
    list_filter = ("status",)
    search_fields = ("title", "goal", "archive_number")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "created_by", "submitted_by", "approved_by", "returned_by")
    inlines = [PlanMilestoneInline]

    def plan_of(self, obj):
        return obj


class BudgetLineInline(ArchivedReadOnlyInline, admin.TabularInline):
    model = BudgetLine
    extra = 0

    def plan_of(self, obj):
        return obj.plan


@admin.register(SurveyBudget)
class SurveyBudgetAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("plan", "status")
    list_filter = ("status",)
    list_select_related = ("plan",)
    raw_id_fields = ("plan", "submitted_by", "approved_by", "returned_by")
    inlines = [BudgetLineInline]

    def plan_of(self, obj):
        return obj.plan


@admin.register(BudgetLine)
class BudgetLineAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("budget", "category", "estimate_amount", "actual_amount")
    list_select_related = ("budget__plan",)

    def plan_of(self, obj):
        return obj.budget.plan


@admin.register(Questionnaire)
class QuestionnaireAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("title", "version", "status", "plan", "language")
    list_filter = ("status", "language")
    search_fields = ("title",)
    list_select_related = ("plan",)
    raw_id_fields = ("plan", "previous_version", "created_by", "submitted_by", "approved_by", "returned_by")

    def plan_of(self, obj):
        return obj.plan


@admin.register(SurveyReport)
class SurveyReportAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("plan", "kind", "status", "approved_by")
    list_filter = ("kind", "status")
    list_select_related = ("plan", "approved_by")
    raw_id_fields = ("plan", "created_by", "submitted_by", "approved_by", "returned_by")

    def plan_of(self, obj):
        return obj.plan


class SummaryProblemInline(ArchivedReadOnlyInline, admin.TabularInline):
    model = SummaryProblem
    extra = 0
    fields = ("severity", "description")

    def plan_of(self, obj):
        return obj.questionnaire.plan


@admin.register(ResultSummary)
class ResultSummaryAdmin(ArchivedReadOnly, admin.ModelAdmin):
    list_display = ("questionnaire", "status", "created_by")
    list_filter = ("status",)
    list_select_related = ("questionnaire", "created_by")
    raw_id_fields = ("questionnaire", "created_by", "submitted_by", "approved_by", "returned_by")
    inlines = [SummaryProblemInline]

    def plan_of(self, obj):
        return obj.questionnaire.plan
