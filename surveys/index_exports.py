"""Index exports: the list of index systems and one system's factor tree as workbooks."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cxcenter.exports import workbook_response
from surveys.models import IndexFactor


def index_systems_workbook(systems) -> HttpResponse:
    """The index systems as listed, one row per system."""
    header = [_("Name"), _("Description"), _("Active factors"), _("Mapped questions"), _("Created at")]
    rows = (
        [
            system.name,
            system.description,
            system.factor_count,
            system.question_count,
            timezone.localtime(system.created_at).replace(tzinfo=None),
        ]
        for system in systems
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return workbook_response(f"index-systems-{stamp}.xlsx", str(_("Index systems")), header, rows)


def factor_tree_workbook(system, tree) -> HttpResponse:
    """One system's factor tree as shown: a column per level, the weights, the share of the index, questions."""
    levels = range(1, IndexFactor.MAX_LEVEL + 1)
    header = [
        *(_("Level %(level)d") % {"level": level} for level in levels),
        _("Weight (%)"),
        _("Share of the index (%)"),
        _("Mapped questions"),
        _("Retired on"),
    ]
    rows = (
        [
            *(branch.factor.name if branch.factor.level == level else "" for level in levels),
            branch.factor.weight,
            branch.share,
            branch.question_count,
            timezone.localdate(branch.factor.retired_at) if branch.factor.is_retired else None,
        ]
        for root in tree
        for branch in root.walk()
    )
    filename = f"index-{slugify(system.name) or system.pk}.xlsx"
    return workbook_response(filename, str(_("Index factors")), header, rows)
