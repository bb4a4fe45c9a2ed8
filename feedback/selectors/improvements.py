"""Reads of improvement plans (改进方案): the list, one plan's page, and the on-time rate of the KPI scale."""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cxcenter.models import Role, User
from cxcenter.roles import ALL_STAFF, ensure_role, has_role
from feedback.models import Case, ImprovementAction, ImprovementPlan
from feedback.permissions import IMPROVEMENT_DETAILERS, IMPROVEMENT_DRAFTERS, IMPROVEMENT_READERS
from surveys.models import PainPoint, SurveyReport

SOURCES = [
    ("report", _("From a report")),
    ("cases", _("From cases")),
    ("pain_points", _("From pain points")),
]


class ImprovementFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=capfirst(_("status")), choices=ImprovementPlan.Status.choices, empty_label=_("All states")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=SOURCES, empty_label=_("Any source"), method="filter_source"
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue actions"),
        method="filter_overdue",
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("With overdue actions")), ("false", _("None overdue"))]
        ),
    )
    mine = django_filters.BooleanFilter(
        label=_("My actions"),
        method="filter_mine",
        widget=forms.Select(choices=[("", _("Any")), ("true", _("Plans where I own an action"))]),
    )

    class Meta:
        model = ImprovementPlan
        fields = ["q", "status", "source", "overdue", "mine"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(goal__icontains=value))

    def filter_source(self, queryset, name, value):
        if value == "report":
            return queryset.filter(report__isnull=False)
        if value == "cases":
            return queryset.filter(pk__in=ImprovementPlan.cases.through.objects.values("improvementplan_id"))
        return queryset.filter(pk__in=ImprovementPlan.pain_points.through.objects.values("improvementplan_id"))

    def filter_overdue(self, queryset, name, value):
        late = ImprovementAction.objects.overdue().values("plan_id")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)

    def filter_mine(self, queryset, name, value):
        if not value or self.user is None:
            return queryset
        return queryset.filter(pk__in=ImprovementAction.objects.filter(owner=self.user).values("plan_id"))


def improvement_queryset():
    """Plans with what the list shows, counted in the same query (distinct: two to-many joins)."""
    today = timezone.localdate()
    return (
        ImprovementPlan.objects.select_related("drafted_by", "report__plan")
        .order_by("-created_at", "-pk")
        .annotate(
            action_count=Count("actions", distinct=True),
            actions_done=Count("actions", filter=Q(actions__done_on__isnull=False), distinct=True),
            actions_overdue=Count(
                "actions", filter=Q(actions__done_on__isnull=True, actions__due_date__lt=today), distinct=True
            ),
            case_count=Count("cases", distinct=True),
            pain_point_count=Count("pain_points", distinct=True),
        )
    )


def improvement_filter(user, params) -> ImprovementFilter:
    """The filtered list of improvement plans; PermissionDenied for roles that do not read them."""
    ensure_role(user, *IMPROVEMENT_READERS)
    return ImprovementFilter(params, queryset=improvement_queryset(), user=user)


def improvement_page(user, params, page_number, per_page: int):
    plans = improvement_filter(user, params)
    return plans, Paginator(plans.qs, per_page).get_page(page_number)


def may_read(user, plan_id: int) -> bool:
    """Readers of feedback see every plan; anyone else, the plans where they own an action."""
    if has_role(user, *IMPROVEMENT_READERS):
        return True
    return has_role(user, *ALL_STAFF) and ImprovementAction.objects.filter(plan_id=plan_id, owner=user).exists()


def get_improvement_for(user, pk: int) -> ImprovementPlan:
    """A plan with its sources, actions, progress notes with their files, and reviews; 404 or PermissionDenied."""
    plan = get_object_or_404(
        ImprovementPlan.objects.select_related("drafted_by", "detailed_by", "report__plan").prefetch_related(
            "cases",
            "pain_points",
            "actions__owner",
            "actions__progress_notes__written_by",
            "actions__progress_notes__attachments",
            "reviews__reviewed_by",
        ),
        pk=pk,
    )
    if not may_read(user, plan.pk):
        raise PermissionDenied
    return plan


def get_plain_improvement_for(user, pk: int) -> ImprovementPlan:
    """The plan row alone, for forms and actions; 404 or PermissionDenied."""
    plan = get_object_or_404(ImprovementPlan.objects.select_related("report"), pk=pk)
    if not may_read(user, plan.pk):
        raise PermissionDenied
    return plan


def get_action_for(user, pk: int) -> ImprovementAction:
    """An action with its plan; 404, or PermissionDenied for someone who may not read the plan."""
    action = get_object_or_404(ImprovementAction.objects.select_related("plan", "owner"), pk=pk)
    if action.owner_id != user.pk and not has_role(user, *IMPROVEMENT_READERS):
        raise PermissionDenied
    return action


@dataclass(frozen=True)
class ImprovementActions:
    """What the current user may do with a plan in its current state, for the buttons on its page."""

    edit: bool
    send: bool
    detail: bool
    start: bool
    review: bool
    close: bool
    report_progress: bool


def improvement_actions(user, plan: ImprovementPlan) -> ImprovementActions:
    status = plan.status
    drafter = has_role(user, *IMPROVEMENT_DRAFTERS)
    detailer = has_role(user, *IMPROVEMENT_DETAILERS)
    running = status == ImprovementPlan.Status.IN_PROGRESS
    return ImprovementActions(
        edit=drafter and status == ImprovementPlan.Status.DRAFT,
        send=drafter and status == ImprovementPlan.Status.DRAFT,
        detail=detailer and status in (ImprovementPlan.Status.DETAILING, ImprovementPlan.Status.IN_PROGRESS),
        start=detailer and status == ImprovementPlan.Status.DETAILING,
        review=detailer and status in (ImprovementPlan.Status.IN_PROGRESS, ImprovementPlan.Status.CLOSED),
        close=detailer and running,
        report_progress=running,
    )


@dataclass(frozen=True)
class ActionRow:
    """One action on the plan's page: its state (done, late, overdue, open) and whether the user may report."""

    action: ImprovementAction
    state: str
    progress: list
    can_report: bool


def action_state(action: ImprovementAction) -> str:
    if action.is_overdue:
        return "overdue"
    if action.is_done:
        return "done" if action.is_on_time else "late"
    return "open"


def action_rows(user, plan: ImprovementPlan, actions: ImprovementActions) -> list[ActionRow]:
    """The plan's (prefetched) actions for its page."""
    return [
        ActionRow(
            action=action,
            state=action_state(action),
            progress=list(action.progress_notes.all()),
            can_report=actions.report_progress and action.owner_id == user.pk,
        )
        for action in plan.actions.all()
    ]


@dataclass(frozen=True)
class ActionSummary:
    total: int
    done: int
    done_on_time: int
    overdue: int


def action_summary(rows: list[ActionRow]) -> ActionSummary:
    return ActionSummary(
        total=len(rows),
        done=sum(row.action.is_done for row in rows),
        done_on_time=sum(row.state == "done" for row in rows),
        overdue=sum(row.state == "overdue" for row in rows),
    )


def approved_reports():
    """Reports the director approved: what the general manager drafts an improvement plan from."""
    return SurveyReport.objects.filter(status=SurveyReport.Status.APPROVED).select_related("plan").order_by("-pk")


def library_entries():
    """Pain points that are not duplicates, most frequent first."""
    return PainPoint.objects.filter(merged_into=None).order_by("-frequency", "-pk")


def action_owners():
    """People who may own an action: active staff with a role."""
    return User.objects.filter(is_active=True, groups__name__in=Role.values).distinct().order_by("username")


def cases_by_id(ids) -> dict:
    """The cases named on the drafting form, by id, in one query."""
    return Case.objects.in_bulk(ids)


def plans_detailing_for(user) -> list[ImprovementPlan]:
    """Plans waiting for the supervisor or director to detail them (dashboard)."""
    if not has_role(user, *IMPROVEMENT_DETAILERS):
        return []
    return list(ImprovementPlan.objects.filter(status=ImprovementPlan.Status.DETAILING).order_by("created_at"))
