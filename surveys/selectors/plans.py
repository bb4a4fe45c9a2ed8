"""Reads of survey plans: the list, one plan's page, the schedule, the rates the KPI scale uses."""

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cxcenter.approvals import PendingApproval
from cxcenter.models import Role, User
from cxcenter.roles import ensure_role, has_role
from surveys.models import PlanMilestone, SurveyPlan
from surveys.models.plans import FINISHED_STATES, plan_overdue
from surveys.permissions import DECIDERS, MILESTONE_WORKERS, SURVEY_READERS, can_edit_plan

CLOSED_STATES = FINISHED_STATES


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=capfirst(_("status")), choices=SurveyPlan.Status.choices, empty_label=_("All states")
    )
    owner = django_filters.ModelChoiceFilter(
        label=capfirst(_("owner")), queryset=User.objects.none(), empty_label=_("All owners")
    )
    period_from = django_filters.DateFilter(
        label=_("Period from"),
        field_name="period_end",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_to = django_filters.DateFilter(
        label=_("Period to"),
        field_name="period_start",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Overdue only")), ("false", _("Not overdue"))]),
    )

    class Meta:
        model = SurveyPlan
        fields = ["q", "status", "owner", "period_from", "period_to", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = (
            User.objects.filter(groups__name__in=[Role.SUPERVISOR, Role.DIRECTOR]).distinct().order_by("username")
        )

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(goal__icontains=value))

    def filter_overdue(self, queryset, name, value):
        late = plan_overdue(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


def plan_queryset():
    """Plans with what the list shows, annotated in the same query."""
    today = timezone.localdate()
    # Meta.ordering does not apply to aggregated querysets: order explicitly for stable pages.
    return (
        SurveyPlan.objects.select_related("owner")
        .order_by("-period_start", "-pk")
        .annotate(
            milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False)),
            milestones_overdue=Count(
                "milestones", filter=Q(milestones__done_on__isnull=True, milestones__due_date__lt=today)
            ),
        )
    )


def plan_filter(user, params) -> PlanFilter:
    """The filtered plan list; raises PermissionDenied for roles that do not read surveys."""
    ensure_role(user, *SURVEY_READERS)
    return PlanFilter(params, queryset=plan_queryset())


def plan_page(user, params, page_number, per_page: int):
    plans = plan_filter(user, params)
    return plans, Paginator(plans.qs, per_page).get_page(page_number)


def get_plan_for(user, pk: int) -> SurveyPlan:
    """A plan with its owner, staff and milestones loaded, or 404; PermissionDenied for other roles."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(
        SurveyPlan.objects.select_related("owner", "submitted_by", "approved_by").prefetch_related(
            "staff", "milestones__owner", "milestones__done_by"
        ),
        pk=pk,
    )


def get_milestone_for(user, pk: int) -> PlanMilestone:
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(PlanMilestone.objects.select_related("plan", "owner"), pk=pk)


@dataclass(frozen=True)
class PlanActions:
    """What the current user may do with a plan in its current state, for the buttons on its page."""

    edit: bool
    submit: bool
    decide: bool
    start: bool
    complete: bool
    work_on_milestones: bool


def plan_actions(user, plan: SurveyPlan) -> PlanActions:
    """The plan page's buttons, by the same rules the services enforce (surveys.permissions)."""
    is_author = can_edit_plan(user, plan)
    status = plan.status
    return PlanActions(
        edit=is_author and plan.is_editable,
        submit=is_author and plan.is_editable,
        decide=has_role(user, *DECIDERS) and status == SurveyPlan.Status.SUBMITTED and plan.submitted_by_id != user.pk,
        start=is_author and status == SurveyPlan.Status.APPROVED,
        complete=is_author and status == SurveyPlan.Status.IN_PROGRESS,
        work_on_milestones=status in (SurveyPlan.Status.APPROVED, SurveyPlan.Status.IN_PROGRESS)
        and has_role(user, *MILESTONE_WORKERS),
    )


@dataclass(frozen=True)
class MilestoneProgress:
    total: int
    done: int
    done_on_time: int
    overdue: int

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def milestone_progress(milestones) -> MilestoneProgress:
    """Figures of a plan's nodes from its (prefetched) milestones."""
    milestones = list(milestones)
    return MilestoneProgress(
        total=len(milestones),
        done=sum(m.is_done for m in milestones),
        done_on_time=sum(m.is_done and not m.is_late for m in milestones),
        overdue=sum(m.is_overdue for m in milestones),
    )


def plans_awaiting_decision(user) -> list[PendingApproval]:
    """Submitted plans for a director to decide, not their own."""
    if not has_role(user, Role.DIRECTOR):
        return []
    plans = SurveyPlan.objects.filter(status=SurveyPlan.Status.SUBMITTED).exclude(submitted_by=user)
    return [
        PendingApproval(
            kind=str(SurveyPlan._meta.verbose_name),
            title=plan.title,
            url=plan.get_absolute_url(),
            submitted_by=str(plan.submitted_by),
            submitted_at=plan.submitted_at,
        )
        for plan in plans.select_related("submitted_by")
    ]


def open_milestones_for(user, limit: int = 5):
    """The user's own nodes still to do on running plans, earliest first (dashboard)."""
    running = SurveyPlan.objects.filter(pk=OuterRef("plan_id"), status__in=SurveyPlan.EXECUTED).exclude(
        status__in=CLOSED_STATES
    )
    return list(
        PlanMilestone.objects.filter(owner=user, done_on=None)
        .filter(Exists(running))
        .select_related("plan")
        .order_by("due_date")[:limit]
    )


@dataclass(frozen=True)
class ScheduleRow:
    milestone: PlanMilestone
    due_x: float
    done_x: float | None
    y: int
    state: str  # done, late, overdue, open


def schedule_chart(plan: SurveyPlan, milestones, width: int = 640, row_height: int = 28) -> dict:
    """Positions for the schedule SVG: each node's due date, its done date, and its state."""
    milestones = list(milestones)
    today = timezone.localdate()
    dates = [plan.period_start, plan.report_due, today, *(m.due_date for m in milestones)]
    dates += [m.done_on for m in milestones if m.done_on]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def x(day: datetime.date) -> float:
        return round(width * (day - first).days / span, 1)

    rows = []
    for index, milestone in enumerate(milestones):
        if milestone.is_overdue:
            state = "overdue"
        elif milestone.is_late:
            state = "late"
        elif milestone.is_done:
            state = "done"
        else:
            state = "open"
        rows.append(
            ScheduleRow(
                milestone=milestone,
                due_x=x(milestone.due_date),
                done_x=x(milestone.done_on) if milestone.done_on else None,
                y=index * row_height + row_height // 2,
                state=state,
            )
        )
    return {
        "rows": rows,
        "width": width,
        "height": len(rows) * row_height,
        "today_x": x(today),
        "first": first,
        "last": last,
    }
