"""Template bridge to the sending rules, for pages outside the batch pages (the questionnaire page)."""

from django import template

from surveys.selectors.distribution import can_send

register = template.Library()


@register.filter
def sendable_by(questionnaire, user) -> bool:
    """`{% if questionnaire|sendable_by:user %}`: offer "Send to customers" (rule: selectors.distribution.can_send)."""
    return can_send(user, questionnaire)
