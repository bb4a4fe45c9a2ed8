"""The “draft an improvement plan” button other pages show (a report, a case, a pain point), for the general
manager only: `{% load improvement_links %}{% draft_improvement_link report=report %}`."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cxcenter.roles import has_role
from feedback.permissions import IMPROVEMENT_DRAFTERS

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_improvement_link(context, *, report=None, case=None, pain_point=None):
    """A button to draft a plan from this source; empty for other roles, unapproved reports, merged entries."""
    request = context.get("request")
    if request is None or not has_role(request.user, *IMPROVEMENT_DRAFTERS):
        return ""
    if report is not None and report.status != report.Status.APPROVED:
        return ""
    if pain_point is not None and pain_point.merged_into_id:
        return ""
    params = {
        name: source.pk
        for name, source in (("report", report), ("case", case), ("pain_point", pain_point))
        if source is not None
    }
    if not params:
        return ""
    url = f"{reverse('feedback:improvement-create')}?{urlencode(params)}"
    return format_html(
        '<a class="btn btn-outline-primary" href="{}" data-testid="draft-improvement">{}</a>',
        url,
        _("Draft an improvement plan"),
    )
