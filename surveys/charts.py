"""The one chart renderer of the product: server-side SVG from pygal, shared by pages and PDFs.

Charts are plain SVG with their style inside and no script and no external reference, so a page embeds them
inline (`{{ chart|safe }}`) on a closed network and WeasyPrint draws the same markup in a PDF. pygal builds the
SVG as an element tree, so labels and titles are escaped as XML text; the script pygal adds for its tooltips is
taken out before the tree is written.
"""

import re
import uuid
from collections.abc import Sequence
from functools import lru_cache, wraps

import pygal
from pygal.style import Style

# Chinese labels need a CJK font: the ones the setup installs from Debian (ARCHITECTURE.md, PDF).
FONT_FAMILY = "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif"
PALETTE = ("#0d6efd", "#198754", "#ffc107", "#fd7e14", "#dc3545", "#6f42c1", "#20c997", "#6c757d")
# Promoters, passives, detractors: green, grey, red.
NPS_COLOURS = ("#198754", "#adb5bd", "#dc3545")

STYLE = Style(
    font_family=FONT_FAMILY,
    background="transparent",
    plot_background="transparent",
    foreground="#212529",
    foreground_strong="#212529",
    foreground_subtle="#6c757d",
    colors=PALETTE,
    title_font_size=16,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    legend_font_size=13,
)


CHART_ID = re.compile(r'id="chart-([0-9a-f-]+)"')


def cached(render_chart):
    """Keep the markup of recent charts: pygal spends some 10 ms setting up each one, and a results page draws
    twenty of them, the same until new answers arrive. Each use gets its own chart id, so two equal charts
    on one page do not share it.
    """

    @lru_cache(maxsize=512)
    def markup(title, labels, values, options):
        return render_chart(title, labels, values, **dict(options))

    @wraps(render_chart)
    def chart(title, labels, values, **options):
        frozen = tuple(sorted((name, freeze(value)) for name, value in options.items()))
        svg = markup(str(title or ""), tuple(str(label) for label in labels), tuple(values), frozen)
        found = CHART_ID.search(svg)
        return svg.replace(found.group(1), str(uuid.uuid4())) if found else svg

    chart.cache_clear = markup.cache_clear
    return chart


def freeze(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def without_scripts(root):
    """An xml_filter: drop the <script> pygal writes for its tooltips, so no JavaScript reaches the page."""
    for parent in list(root.iter()):
        for child in list(parent):
            # Comments and processing instructions have a function for a tag.
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def chart_config(**options) -> dict:
    return {
        "style": STYLE,
        "disable_xml_declaration": True,
        # No pygal.js from its CDN: the product works offline and WeasyPrint runs no script.
        "js": [],
        "show_legend": False,
        "print_values": True,
        "width": 640,
        "height": 320,
        "margin": 12,
        "truncate_label": -1,
        "truncate_legend": -1,
        **options,
    }


def render(chart) -> str:
    chart.add_xml_filter(without_scripts)
    return chart.render(is_unicode=True)


@cached
def bar_chart(title: str, labels: Sequence[str], values: Sequence[int | float]) -> str:
    """Vertical bars, one per label (counts per option, a figure per group), as SVG markup."""
    chart = pygal.Bar(**chart_config(title=title or None, height=max(240, 200 + 8 * len(labels))))
    chart.x_labels = [str(label) for label in labels]
    chart.add("", [float(value) for value in values])
    return render(chart)


@cached
def horizontal_bar_chart(title: str, labels: Sequence[str], values: Sequence[int | float]) -> str:
    """Horizontal bars, the first label on top: a distribution of answers over long option labels."""
    chart = pygal.HorizontalBar(**chart_config(title=title or None, height=max(160, 60 + 36 * len(labels))))
    # pygal draws the first x label at the bottom of a horizontal chart; options read top down.
    chart.x_labels = [str(label) for label in reversed(labels)]
    chart.add("", [float(value) for value in reversed(values)])
    return render(chart)


@cached
def donut_chart(title: str, labels: Sequence[str], values: Sequence[int | float], colours=None) -> str:
    """A donut of shares (promoters, passives and detractors of a recommend question), with its legend."""
    style = STYLE
    if colours:
        style = Style(**{**STYLE.to_dict(), "colors": tuple(colours)})
    chart = pygal.Pie(
        **chart_config(title=title or None, inner_radius=0.5, show_legend=True, legend_at_bottom=True, style=style)
    )
    for label, value in zip(labels, values, strict=True):
        chart.add(str(label), float(value))
    return render(chart)
