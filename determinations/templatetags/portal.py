"""Template filters for presenting determination requests."""

from django import template

from determinations.states import SUBMITTER_LABELS

register = template.Library()


@register.filter
def submitter_status(status: str) -> str:
    """The plain-language status a submitter sees."""
    return SUBMITTER_LABELS.get(status, status)
