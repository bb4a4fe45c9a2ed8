"""Every write of the satisfaction index system (客户满意度指标体系): systems, factors and their weights.

Each change of a tree locks its system's row first, so two people editing the same tree are served one after
the other and a group's weights are checked against the factors as they are when saved.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cxcenter import workflow
from cxcenter.errors import DomainError
from cxcenter.models import TimelineEntry, User
from cxcenter.roles import ensure_role

from ..models import IndexFactor, IndexSystem
from ..permissions import PLAN_AUTHORS

FULL_WEIGHT = Decimal("100.00")
CENT = Decimal("0.01")
# The largest value the position column holds (a PositiveSmallIntegerField on every database).
MAX_POSITION = 32767


class FactorTreeError(DomainError):
    """A change the index tree refuses: too deep, weights that do not add up to 100%, a retired factor…"""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def create_index_system(*, name: str, description: str = "", actor: User) -> IndexSystem:
    """Start an empty satisfaction index system. Supervisor or director.

    Raises PermissionDenied for other roles, FactorTreeError when the name is taken.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    name = checked_system_name(name)
    if IndexSystem.objects.filter(name=name).exists():
        raise FactorTreeError(_("An index system named “%(name)s” already exists.") % {"name": name})
    system = IndexSystem.objects.create(name=name, description=description)
    workflow.record(system, actor=actor, action=TimelineEntry.Action.CREATED)
    return system


@transaction.atomic
def update_index_system(*, system_id: int, name: str, description: str = "", actor: User) -> IndexSystem:
    """Rename an index system or change its description. Supervisor or director.

    Raises PermissionDenied for other roles, FactorTreeError when the name is taken by another system.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    system = workflow.lock(IndexSystem, system_id)
    name = checked_system_name(name)
    if IndexSystem.objects.filter(name=name).exclude(pk=system.pk).exists():
        raise FactorTreeError(_("An index system named “%(name)s” already exists.") % {"name": name})
    if (system.name, system.description) == (name, description):
        return system
    system.name, system.description = name, description
    system.save(update_fields=["name", "description"])
    workflow.record(system, actor=actor, action=TimelineEntry.Action.UPDATED)
    return system


@transaction.atomic
def add_factor(
    *,
    system_id: int,
    name: str,
    weight: Decimal,
    actor: User,
    parent_id: int | None = None,
    position: int | None = None,
) -> IndexFactor:
    """Add a factor to an index system, at the top level or under `parent_id`. Supervisor or director.

    The new factor sits one level below its parent and goes last among its siblings unless `position` is
    given. Its weight is kept as given: the page then shows that the group no longer adds up to 100%.
    Raises PermissionDenied for other roles; FactorTreeError under a retired factor, below level 4, or under
    a factor that questions are mapped to (questions map to leaf factors only, and would silently stop
    counting once their factor had sub-factors).
    """
    ensure_role(actor, *PLAN_AUTHORS)
    system = workflow.lock(IndexSystem, system_id)
    name = checked_name(name)
    parent = None
    level = 1
    if parent_id is not None:
        parent = IndexFactor.objects.get(pk=parent_id, system=system)
        ensure_active(parent)
        level = parent.level + 1
        if level > IndexFactor.MAX_LEVEL:
            raise FactorTreeError(
                _(
                    "“%(parent)s” is on level %(level)d, the deepest level of the index; "
                    "no factor can be added under it."
                )
                % {"parent": parent.name, "level": IndexFactor.MAX_LEVEL}
            )
        if parent.questions.exists():
            raise FactorTreeError(
                _(
                    "Questions are mapped to “%(parent)s”, so it must stay a leaf factor. "
                    "Retire it and add a new factor with sub-factors instead."
                )
                % {"parent": parent.name}
            )
    if position is None:
        siblings = IndexFactor.objects.filter(system=system, parent=parent)
        last = siblings.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    position = checked_position(position)
    factor = IndexFactor.objects.create(
        system=system,
        parent=parent,
        name=name,
        level=level,
        weight=checked_weight(weight, name),
        position=position,
    )
    workflow.record(
        system,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Factor “%(name)s” added (%(weight)s%%).") % {"name": factor.name, "weight": factor.weight},
    )
    return factor


@transaction.atomic
def update_factor(
    *,
    factor_id: int,
    actor: User,
    name: str | None = None,
    weight: Decimal | None = None,
    position: int | None = None,
) -> IndexFactor:
    """Rename a factor, change its weight or move it among its siblings; None leaves a value as it is.

    A weight changed alone unbalances its group; set_sibling_weights changes a whole group at once.
    Supervisor or director. Raises PermissionDenied for other roles, FactorTreeError for a retired factor.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    system_id = IndexFactor.objects.values_list("system_id", flat=True).get(pk=factor_id)
    system = workflow.lock(IndexSystem, system_id)
    factor = IndexFactor.objects.get(pk=factor_id)
    ensure_active(factor)
    requested = {
        "name": None if name is None else checked_name(name),
        "weight": None if weight is None else checked_weight(weight, factor.name),
        "position": None if position is None else checked_position(position),
    }
    changes = {
        field: value for field, value in requested.items() if value is not None and value != getattr(factor, field)
    }
    if not changes:
        return factor
    old_name = factor.name
    for field, value in changes.items():
        setattr(factor, field, value)
    factor.save(update_fields=list(changes))
    labels = ", ".join(str(IndexFactor._meta.get_field(field).verbose_name) for field in changes)
    workflow.record(
        system,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Factor “%(name)s” changed: %(fields)s.") % {"name": old_name, "fields": labels},
    )
    return factor


@transaction.atomic
def retire_factor(*, factor_id: int, actor: User) -> IndexFactor:
    """Retire a factor that barely matters or duplicates another, with all the factors under it.

    Retired factors stay in the tree, greyed, and stop counting in the index; questions keep their link to
    them so past questionnaires and their history stay as they were. Factors of the subtree retired earlier
    keep their own retirement date. Supervisor or director.
    Raises PermissionDenied for other roles, FactorTreeError when the factor is already retired.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    system_id = IndexFactor.objects.values_list("system_id", flat=True).get(pk=factor_id)
    system = workflow.lock(IndexSystem, system_id)
    factors = list(IndexFactor.objects.filter(system=system))
    factor = next(candidate for candidate in factors if candidate.pk == factor_id)
    if factor.is_retired:
        raise FactorTreeError(
            _("“%(name)s” was already retired on %(date)s.")
            % {"name": factor.name, "date": date_format(timezone.localtime(factor.retired_at), "SHORT_DATE_FORMAT")}
        )
    subtree_ids = descendant_ids(factors, factor.pk) | {factor.pk}
    now = timezone.now()
    IndexFactor.objects.filter(pk__in=subtree_ids, is_retired=False).update(is_retired=True, retired_at=now)
    factor.is_retired, factor.retired_at = True, now
    workflow.record(
        system,
        actor=actor,
        action=TimelineEntry.Action.UPDATED,
        comment=_("Factor “%(name)s” retired.") % {"name": factor.name},
    )
    return factor


@transaction.atomic
def set_sibling_weights(
    *, system_id: int, parent_id: int | None, weights: dict[int, Decimal], actor: User
) -> list[IndexFactor]:
    """Save the weights of one group of sibling factors at once (the top level when `parent_id` is None).

    `weights` maps each active factor of the group to its weight in percent; together they must add up to
    exactly 100.00. Supervisor or director. Raises PermissionDenied for other roles; FactorTreeError when the
    weights do not add up to 100%, or do not name exactly the group's active factors. Nothing is saved then.
    """
    ensure_role(actor, *PLAN_AUTHORS)
    system = workflow.lock(IndexSystem, system_id)
    if parent_id is not None:
        ensure_active(IndexFactor.objects.get(pk=parent_id, system=system))
    siblings = list(IndexFactor.objects.filter(system=system, parent_id=parent_id, is_retired=False))
    if not siblings:
        raise FactorTreeError(_("This group has no active factors to weigh."))
    if set(weights) != {factor.pk for factor in siblings}:
        raise FactorTreeError(
            _("The factors of this group have changed in the meantime. Reload the page and enter the weights again.")
        )
    by_id = {factor.pk: factor for factor in siblings}
    new_weights = {pk: checked_weight(value, by_id[pk].name) for pk, value in weights.items()}
    total = sum(new_weights.values(), Decimal("0"))
    if total != FULL_WEIGHT:
        raise FactorTreeError(
            _("The weights of these factors add up to %(total)s%%; they must add up to 100%%.")
            % {"total": total.quantize(CENT)}
        )
    changed = [factor for factor in siblings if factor.weight != new_weights[factor.pk]]
    for factor in changed:
        factor.weight = new_weights[factor.pk]
    if changed:
        IndexFactor.objects.bulk_update(changed, ["weight"])
        summary = ", ".join(f"{factor.name} {factor.weight}%" for factor in siblings)
        workflow.record(
            system,
            actor=actor,
            action=TimelineEntry.Action.UPDATED,
            comment=_("Weights set: %(weights)s.") % {"weights": summary},
        )
    return siblings


def ensure_active(factor: IndexFactor) -> None:
    """Retired factors are history: they are neither changed nor given sub-factors."""
    if factor.is_retired:
        raise FactorTreeError(_("“%(name)s” is retired; a retired factor cannot be changed.") % {"name": factor.name})


def checked_system_name(name: str) -> str:
    """An index system's name without surrounding blanks; raises FactorTreeError when nothing is left."""
    name = name.strip()
    if not name:
        raise FactorTreeError(_("An index system needs a name."))
    return name


def checked_name(name: str) -> str:
    """A factor's name without surrounding blanks; raises FactorTreeError when nothing is left."""
    name = name.strip()
    if not name:
        raise FactorTreeError(_("A factor needs a name."))
    return name


def checked_weight(value, name: str) -> Decimal:
    """A weight in percent with at most two decimals, from 0 to 100; raises FactorTreeError otherwise."""
    try:
        weight = Decimal(str(value))
        valid = weight.is_finite() and Decimal("0") <= weight <= FULL_WEIGHT and weight == weight.quantize(CENT)
    except (InvalidOperation, TypeError, ValueError):
        valid = False
    if not valid:
        raise FactorTreeError(
            _("The weight of “%(name)s” must be a percentage from 0 to 100 with at most two decimals.") % {"name": name}
        )
    return weight.quantize(CENT)


def checked_position(position: int) -> int:
    """A position among siblings, 0 or more; raises FactorTreeError otherwise."""
    if not 0 <= position <= MAX_POSITION:
        raise FactorTreeError(_("A position is a whole number from 0 to %(maximum)d.") % {"maximum": MAX_POSITION})
    return position


def descendant_ids(factors: list[IndexFactor], root_id: int) -> set[int]:
    """The ids of every factor below `root_id`, from an already loaded list of a system's factors."""
    children: dict[int, list[int]] = {}
    for factor in factors:
        if factor.parent_id is not None:
            children.setdefault(factor.parent_id, []).append(factor.pk)
    found: set[int] = set()
    pending = list(children.get(root_id, []))
    while pending:
        pk = pending.pop()
        found.add(pk)
        pending.extend(children.get(pk, []))
    return found
