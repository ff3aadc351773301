"""Template helpers of the review queue: filter controls and table rows rendered in Python.

The queue page is the busiest staff page, so its filter controls and its rows are built here
(``format_html`` and escaped f-strings) instead of one widget template per control and a template
loop per row; the markup is the USWDS markup the templates would produce.
"""

from html import escape as _escape

from django import forms, template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


# --- The queue's rows ---------------------------------------------------------------------------

_URL_SENTINEL = 987654321
STATUS_LABELS = dict(SubmissionStatus.choices)
PROCESS_LABELS = dict(Process.choices)
PAYER_TYPE_LABELS = dict(PayerType.choices)


def _url_format(name: str) -> str:
    """``/review/requests/{}/claim/`` for a URL name taking one pk: reversed once, not once per row."""
    return reverse(name, args=[_URL_SENTINEL]).replace(str(_URL_SENTINEL), "{}")


def _date(value, zone) -> str:
    return date_text(value, short=True, tz=zone)


@register.simple_tag(takes_context=True)
def queue_rows(context):
    """The ``<tr>`` of every row of the page.

    The rows hold nothing of the session (the claim buttons submit the one ``claim-form`` outside
    the table, with its CSRF token), so the page they are part of can be kept in the cache.
    """
    # safe: built by _render_rows, where every text value went through html.escape.
    return mark_safe(_render_rows(context))  # nosec B308 B703


def _render_rows(context) -> str:
    """The rows (named tuples of ``ROW_FIELDS``), built in Python.

    The queue is the busiest staff page; one template loop over 50 rows cost more than the rest of
    the page together, so the rows are plain f-strings with every text value escaped.
    """
    rows, user, now = context["rows"], context["user"], context["now"]
    is_lead, can_claim = context["is_lead"], context["can_claim"]
    if not rows:
        return str(format_html('<tr><td colspan="{}">No requests match these filters.</td></tr>', context["columns"]))
    detail, claim = _url_format("determinations:review_detail"), _url_format("determinations:review_claim")
    zone = timezone.get_current_timezone()
    lines = []
    for row in rows:
        tracking = _escape(row.tracking_number or "")
        cells = []
        if is_lead:
            cells.append(
                f'<td data-label="Tick to assign"><div class="usa-checkbox">'
                f'<input class="usa-checkbox__input" type="checkbox" name="submissions" '
                f'value="{row.id}" id="pick-{row.id}" form="assign-form"><label class="usa-checkbox__label '
                f'margin-top-0 height-3" for="pick-{row.id}"><span class="usa-sr-only">Tick {tracking}</span>'
                "</label></div></td>"
            )
        organization = _escape(row.organization__name)
        payer = row.arrangement__payer_name
        if payer and payer != row.organization__name:
            organization += f'<br><span class="text-base">Payer: {_escape(payer)}</span>'
        if row.assignee_id == user.pk:
            assignee = "You"
        elif row.assignee_id:
            assignee = _escape(row.assignee__full_name or row.assignee__email)
        else:
            assignee = '<span class="text-base">Unassigned</span>'
        is_open = row.status in OPEN
        due = _date(row.review_due_at, zone)
        if is_open and row.review_due_at and row.review_due_at < now:
            due += '<br><span class="usa-tag bg-secondary-dark">Overdue</span>'
        cells += [
            f'<th scope="row" data-label="Request">'
            f'<a class="usa-link text-no-wrap" href="{detail.format(row.id)}">{tracking}</a><br>'
            f"{_escape(row.arrangement_name)}<br>"
            f'<span class="text-base">{row.performance_year__year} · {PROCESS_LABELS.get(row.process, "")} · '
            f"{PAYER_TYPE_LABELS.get(row.payer_type, '')}</span></th>",
            f'<td data-label="Organization">{organization}</td>',
            f'<td data-label="Status">{STATUS_LABELS.get(row.status, row.status)}</td>',
            f'<td data-label="Automatic check">{_escape(precheck_label(row.precheck_outcome))}</td>',
            f'<td data-label="Assigned to">{assignee}</td>',
            f'<td data-label="Submitted" class="text-no-wrap">{_date(row.submitted_at, zone)}</td>',
            f'<td data-label="Review due" class="text-no-wrap">{due}</td>',
        ]
        if can_claim:
            button = ""
            if not row.assignee_id and is_open:
                button = (
                    f'<button type="submit" form="claim-form" formaction="{claim.format(row.id)}" '
                    'class="usa-button usa-button--outline margin-0 padding-x-105 padding-y-1">'
                    f'Claim<span class="usa-sr-only"> {tracking}</span></button>'
                )
            cells.append(f'<td data-label="Claim">{button}</td>')
        lines.append(f"<tr>{''.join(cells)}</tr>")
    return "\n".join(lines)
