"""Template helpers of the review queue: its filter controls, and the labels and checks of its rows.

The filter controls are built with ``format_html`` instead of one widget template per control; the
markup is the USWDS markup the templates would produce. The rows are a template
(``_rows.html``): the whole page is kept in the cache (decision 0038), so they are rendered only
when something they show changed.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join

from determinations.choices import PayerType, Process
from determinations.rules.results import Outcome
from determinations.states import OPEN, SubmissionStatus
from qppportal.dates import date_text

register = template.Library()

PRECHECK_LABELS = {outcome.value: outcome.label for outcome in Outcome}


@register.filter
def precheck_label(value: str) -> str:
    return PRECHECK_LABELS.get(value, value or "Not run")


def _error(field, describedby: list[str]):
    if not field.errors:
        return ""
    error_id = f"{field.id_for_label}-error"
    describedby.append(error_id)
    return format_html('<span class="usa-error-message" id="{}">{}</span>', error_id, field.errors[0])


def _hint(field, describedby: list[str]):
    if not field.help_text:
        return ""
    hint_id = f"{field.id_for_label}-hint"
    describedby.append(hint_id)
    return format_html('<div class="usa-hint" id="{}">{}</div>', hint_id, field.help_text)


@register.simple_tag
def queue_field(field):
    """One filter control (select, checkbox or input) with its label, hint and error."""
    widget = field.field.widget
    describedby: list[str] = []
    hint, error = _hint(field, describedby), _error(field, describedby)
    described = format_html(' aria-describedby="{}"', " ".join(describedby)) if describedby else ""
    group = "usa-form-group usa-form-group--error" if field.errors else "usa-form-group"
    if isinstance(widget, forms.CheckboxInput):
        checked = " checked" if field.value() else ""
        return format_html(
            '<div class="{}"><div class="usa-checkbox"><input class="usa-checkbox__input" type="checkbox" '
            'name="{}" id="{}"{}{}><label class="usa-checkbox__label" for="{}">{}</label></div></div>',
            group,
            field.html_name,
            field.id_for_label,
            checked,
            described,
            field.id_for_label,
            field.label,
        )
    label = format_html('<label class="usa-label" for="{}">{}</label>', field.id_for_label, field.label)
    value = "" if field.value() is None else str(field.value())
    if isinstance(widget, forms.Select):
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) == value else "", text) for key, text in field.field.choices),
        )
        control = format_html(
            '<select class="usa-select" name="{}" id="{}"{}>{}</select>',
            field.html_name,
            field.id_for_label,
            described,
            options,
        )
    else:
        kind = "number" if isinstance(widget, forms.NumberInput) else "search" if field.name == "q" else "text"
        control = format_html(
            '<input class="usa-input" type="{}" name="{}" id="{}" value="{}"{}>',
            kind,
            field.html_name,
            field.id_for_label,
            value,
            described,
        )
    return format_html('<div class="{}">{}{}{}{}</div>', group, label, hint, error, control)


# --- The queue's rows (``_rows.html``) ------------------------------------------------------------

STATUS_LABELS = dict(SubmissionStatus.choices)
PROCESS_LABELS = dict(Process.choices)
PAYER_TYPE_LABELS = dict(PayerType.choices)


@register.filter
def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value)


@register.filter
def process_label(value: str) -> str:
    return PROCESS_LABELS.get(value, "")


@register.filter
def payer_type_label(value: str) -> str:
    return PAYER_TYPE_LABELS.get(value, "")


@register.filter
def short_date(value) -> str:
    """ "Nov 20, 2026" in the current time zone."""
    return date_text(value, short=True)


@register.filter
def is_overdue(row, now) -> bool:
    """An open request whose review was due before ``now``."""
    return row.status in OPEN and row.review_due_at is not None and row.review_due_at < now


@register.filter
def is_claimable(row) -> bool:
    return row.assignee_id is None and row.status in OPEN
