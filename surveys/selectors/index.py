"""Reads of the satisfaction index system (客户满意度指标体系): the factor tree, leaf factors, weight checks."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from cxcenter.roles import ensure_role

from ..models import IndexFactor, IndexSystem, Question, Questionnaire
from ..permissions import SURVEY_READERS
from ..scoring import FactorNode

FULL_WEIGHT = Decimal("100.00")


@dataclass
class FactorBranch:
    """A factor with its sub-factors for display: questions mapped to it, and its share of the whole index.

    `share` is the percentage of the index the factor carries (its weight times its ancestors' weights);
    None for a retired factor, which no longer counts.
    """

    factor: IndexFactor
    question_count: int
    share: Decimal | None
    children: list["FactorBranch"] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    @property
    def is_leaf(self) -> bool:
        return not any(not child.factor.is_retired for child in self.children)

    @property
    def can_have_children(self) -> bool:
        """Questions map to leaf factors only, so a factor with questions gets no sub-factors."""
        factor = self.factor
        return not factor.is_retired and factor.level < IndexFactor.MAX_LEVEL and not self.question_count

    def walk(self):
        """This branch and every branch below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def active_descendants(self) -> list["FactorBranch"]:
        """The active factors below this one, depth first: what retiring it retires too."""
        return [branch for branch in self.walk() if branch is not self and not branch.factor.is_retired]


@dataclass(frozen=True)
class WeightGroup:
    """The active factors under one parent (None: the top level) and the total of their weights in percent."""

    parent: IndexFactor | None
    factors: list[IndexFactor]
    total: Decimal

    @property
    def adds_up(self) -> bool:
        return self.total == FULL_WEIGHT


def index_systems() -> QuerySet[IndexSystem]:
    """Every index system with its number of active factors and of questions mapped to them."""
    return IndexSystem.objects.annotate(
        factor_count=Count("factors", filter=Q(factors__is_retired=False), distinct=True),
        question_count=Count("factors__questions", filter=Q(factors__is_retired=False), distinct=True),
    ).order_by("name")


def get_index_system_for(user, pk: int) -> IndexSystem:
    """An index system the user may read, or 404; raises PermissionDenied for roles that read no surveys."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(IndexSystem, pk=pk)


def get_factor_for(user, pk: int) -> IndexFactor:
    """A factor, with its system and parent, that the user may read, or 404/PermissionDenied."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(IndexFactor.objects.select_related("system", "parent"), pk=pk)


def factor_tree(system: IndexSystem, *, with_questions: bool = False) -> list[FactorBranch]:
    """The system's factors as a tree of FactorBranch, top level first, siblings in their order.

    One query loads every factor with its question count, retired ones included; `with_questions` adds one
    query for the mapped questions with their questionnaire.
    """
    factors = list(
        IndexFactor.objects.filter(system=system)
        .annotate(question_count=Count("questions"))
        .order_by("level", "position", "pk")
    )
    questions: dict[int, list[Question]] = defaultdict(list)
    if with_questions:
        mapped = (
            Question.objects.filter(factor__system=system)
            .select_related("section__questionnaire")
            .order_by(
                "section__questionnaire__title",
                "section__questionnaire__version",
                "section__position",
                "position",
                "pk",
            )
        )
        for question in mapped:
            questions[question.factor_id].append(question)
    branches: dict[int, FactorBranch] = {}
    roots: list[FactorBranch] = []
    # Ordered by level, so a parent's branch exists before its children's.
    for factor in factors:
        parent = branches.get(factor.parent_id)
        parent_share = FULL_WEIGHT if parent is None else parent.share
        share = None
        if not factor.is_retired and parent_share is not None:
            share = (parent_share * factor.weight / FULL_WEIGHT).quantize(Decimal("0.01"))
        branch = FactorBranch(
            factor=factor, question_count=factor.question_count, share=share, questions=questions[factor.pk]
        )
        branches[factor.pk] = branch
        (roots if parent is None else parent.children).append(branch)
    return roots


def factor_branch(factor: IndexFactor) -> FactorBranch:
    """One factor with everything under it (what retiring it would retire), in one query."""
    branches = (branch for root in factor_tree(factor.system) for branch in root.walk())
    return next(branch for branch in branches if branch.factor.pk == factor.pk)


def sibling_group(system: IndexSystem, parent: IndexFactor | None = None) -> WeightGroup:
    """The active factors under `parent` (the top level when None), in order, with the total of their weights."""
    factors = list(
        IndexFactor.objects.filter(system=system, parent=parent, is_retired=False).order_by("position", "pk")
    )
    return WeightGroup(parent=parent, factors=factors, total=sum((f.weight for f in factors), Decimal("0")))


def weight_problems(system: IndexSystem) -> list[WeightGroup]:
    """The groups of active sibling factors whose weights do not add up to 100%, top level first, in one query."""
    factors = list(
        IndexFactor.objects.filter(system=system, is_retired=False)
        .select_related("parent")
        .order_by("level", "position", "pk")
    )
    groups: dict[int | None, list[IndexFactor]] = defaultdict(list)
    for factor in factors:
        groups[factor.parent_id].append(factor)
    problems = []
    for siblings in groups.values():
        group = WeightGroup(
            parent=siblings[0].parent, factors=siblings, total=sum((f.weight for f in siblings), Decimal("0"))
        )
        if not group.adds_up:
            problems.append(group)
    return problems


def active_leaf_factors(system: IndexSystem | None = None) -> QuerySet[IndexFactor]:
    """Active factors without active sub-factors: the factors a question can be mapped to.

    All systems when `system` is None; ordered by system, then tree position; system and parent loaded.
    """
    active_children = IndexFactor.objects.filter(parent=OuterRef("pk"), is_retired=False)
    queryset = IndexFactor.objects.filter(is_retired=False).exclude(Exists(active_children))
    if system is not None:
        queryset = queryset.filter(system=system)
    return queryset.select_related("system", "parent").order_by(
        "system__name", "parent__position", "parent__pk", "position", "pk"
    )


def scoring_tree_for(questionnaire: Questionnaire, system: IndexSystem | None = None) -> list[FactorNode]:
    """The top-level factors of the index a questionnaire is scored on, as FactorNode trees, in two queries.

    The system is `system`, or else the one the questionnaire's rating and recommend questions map to (the
    one most of them map to, should they map to several). Retired factors are in the tree, marked, so the
    scoring skips them. An empty list when no question maps to a factor.
    """
    mapped = list(
        Question.objects.filter(
            section__questionnaire=questionnaire, factor__isnull=False, kind__in=Question.SCORED_KINDS
        ).values_list("pk", "factor_id", "factor__system_id")
    )
    if system is not None:
        system_id = system.pk
    else:
        counts = Counter(system_id for _question, _factor, system_id in mapped)
        if not counts:
            return []
        system_id = min(counts, key=lambda pk: (-counts[pk], pk))
    question_ids: dict[int, list[int]] = defaultdict(list)
    for question_id, factor_id, _system_id in mapped:
        question_ids[factor_id].append(question_id)
    rows = IndexFactor.objects.filter(system_id=system_id).order_by("level", "position", "pk")
    children: dict[int | None, list[IndexFactor]] = defaultdict(list)
    for factor in rows.only("pk", "parent_id", "weight", "is_retired"):
        children[factor.parent_id].append(factor)

    def node(factor: IndexFactor) -> FactorNode:
        return FactorNode(
            id=factor.pk,
            weight=factor.weight,
            children=tuple(node(child) for child in children[factor.pk]),
            question_ids=tuple(question_ids[factor.pk]),
            is_retired=factor.is_retired,
        )

    return [node(factor) for factor in children[None]]
