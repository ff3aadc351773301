"""Template tags behind the crispy-forms pack ``uswds`` (``templates/uswds/``).

The templates hold the markup; these tags work out what the markup needs from a bound field: which
USWDS control it is, the ids of its hint and error message, and the widget rendered with the USWDS
classes, ``aria-describedby`` and ``aria-invalid``. Widgets are rendered with extra attributes passed
in, never by changing ``widget.attrs``, so rendering a form twice gives the same markup.
"""

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django import forms, template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

#: The CSS class of each kind of control, and of its error state (USWDS uses one error class).
CONTROL_CLASSES = {
    "input": "usa-input",
    "textarea": "usa-textarea",
    "select": "usa-select",
    "file": "usa-file-input",
    "checkbox": "usa-checkbox__input",
    "radios": "usa-radio__input",
    "checkboxes": "usa-checkbox__input",
}
ERROR_CLASS = "usa-input--error"
GROUP_KINDS = {"radios", "checkboxes", "multi"}

#: Classes crispy-forms' own layout objects add for Bootstrap; the pack drops them.
BOOTSTRAP_CLASSES = {"btn", "btn-primary", "btn-secondary", "btn-inverse", "btn-default", "hidden"}


def field_kind(bound_field) -> str:
    """hidden, checkbox, radios, checkboxes, select, textarea, file, multi or input."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.MultiWidget | forms.SelectDateWidget):
        return "multi"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


def field_target_id(bound_field) -> str:
    """The id of the control an error summary link should move to: the field's (first) input."""
    auto_id = bound_field.auto_id
    if not auto_id:
        return ""
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return widget.id_for_label(widget.attrs.get("id") or auto_id, "0")
    return bound_field.id_for_label or f"{auto_id}_0"


def _classes(*parts) -> str:
    seen = []
    for part in parts:
        for name in (part or "").split():
            if name not in seen:
                seen.append(name)
    return " ".join(seen)


@dataclass
class FieldParts:
    """What ``uswds/field.html`` needs to render one bound field."""

    field: object
    kind: str
    errors: list = dataclass_field(default_factory=list)
    hint_id: str = ""
    error_id: str = ""
    describedby: str = ""
    label_for: str = ""
    widget: SafeString = SafeString("")
    options: list = dataclass_field(default_factory=list)
    parts: list = dataclass_field(default_factory=list)
    clear_checkbox: dict | None = None
    native_required: bool = False

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS

    @property
    def required(self) -> bool:
        return self.field.field.required


def _control_attrs(parts: FieldParts, base_class: str) -> dict:
    widget_attrs = parts.field.field.widget.attrs
    attrs = {"class": _classes(widget_attrs.get("class"), base_class, ERROR_CLASS if parts.errors else "")}
    if not parts.is_group and parts.describedby:
        attrs["aria-describedby"] = parts.describedby
    if parts.errors:
        attrs["aria-invalid"] = "true"
    return attrs


def _widget_context(bound_field, extra_attrs: dict) -> dict:
    """The widget's template context, with ``extra_attrs`` merged in as ``BoundField.as_widget`` does."""
    widget = bound_field.field.widget
    attrs = bound_field.build_widget_attrs(dict(extra_attrs), widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    return widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]


def _render(bound_field, template_name: str, widget_context: dict) -> SafeString:
    # safe: the form renderer's template autoescapes every value it is given.
    return mark_safe(bound_field.form.renderer.render(template_name, {"widget": widget_context}))  # nosec B308 B703


def _subwidget_labels(bound_field, count: int) -> list[str]:
    widget = bound_field.field.widget
    labels = getattr(widget, "subwidget_labels", None)
    if labels:
        return list(labels)
    if isinstance(widget, forms.SelectDateWidget):
        names = {"month": "Month", "day": "Day", "year": "Year"}
        return [names[part] for part in widget._parse_date_fmt()]
    if isinstance(widget, forms.SplitDateTimeWidget):
        return ["Date", "Time"]
    return [f"{bound_field.label} (part {n})" for n in range(1, count + 1)]


@register.simple_tag(takes_context=True)
def uswds_field(context, bound_field) -> FieldParts:
    """Everything the field template needs about ``bound_field``: ``{% uswds_field field as f %}``."""
    kind = field_kind(bound_field)
    parts = FieldParts(field=bound_field, kind=kind)
    if kind == "hidden":
        parts.widget = bound_field.as_widget()
        return parts

    show_errors = context.get("form_show_errors", True)
    parts.errors = list(bound_field.errors) if show_errors else []
    auto_id = bound_field.auto_id
    if auto_id and bound_field.help_text:
        parts.hint_id = f"{auto_id}-hint"
    if auto_id and parts.errors:
        parts.error_id = f"{auto_id}-error"
    parts.describedby = _classes(bound_field.field.widget.attrs.get("aria-describedby"), parts.hint_id, parts.error_id)
    parts.label_for = "" if parts.is_group else bound_field.id_for_label
    # With a ``required`` attribute on the control, assistive technology announces "required"
    # itself; the label's asterisk is then only visual (see layout/required.html).
    parts.native_required = bool(bound_field.build_widget_attrs({}).get("required"))

    if kind in ("radios", "checkboxes"):
        attrs = _control_attrs(parts, CONTROL_CLASSES[kind])
        for subwidget in bound_field.subwidgets:
            data = {**subwidget.data, "wrap_label": False}
            data["attrs"] = {**data["attrs"], **attrs}
            parts.options.append(
                {
                    "id": data["attrs"].get("id", ""),
                    "label": subwidget.choice_label,
                    "tag": _render(bound_field, data["template_name"], data),
                }
            )
    elif kind == "multi":
        widget_context = _widget_context(bound_field, {})
        subwidgets = widget_context["subwidgets"]
        labels = _subwidget_labels(bound_field, len(subwidgets))
        for subwidget, label in zip(subwidgets, labels, strict=False):
            base = "usa-select" if "select" in subwidget["template_name"] else "usa-input"
            subwidget["attrs"] = {**subwidget["attrs"], **_control_attrs(parts, base)}
            parts.parts.append(
                {
                    "id": subwidget["attrs"].get("id", ""),
                    "label": label,
                    "tag": _render(bound_field, subwidget["template_name"], subwidget),
                }
            )
    elif kind == "file" and isinstance(bound_field.field.widget, forms.ClearableFileInput):
        # Django's own template prints "Currently: <link>"; uploads here have no public URL, so the
        # template shows the current file's name and a USWDS checkbox to clear it instead.
        widget_context = _widget_context(bound_field, _control_attrs(parts, CONTROL_CLASSES[kind]))
        checked = widget_context["attrs"].pop("checked", False)
        if widget_context.get("is_initial"):
            parts.clear_checkbox = {
                "current": str(widget_context["value"]),
                "name": widget_context["checkbox_name"],
                "id": widget_context["checkbox_id"],
                "label": widget_context["clear_checkbox_label"],
                "show": not widget_context["required"],
                "checked": checked,
                "disabled": bool(widget_context["attrs"].get("disabled")),
            }
        widget_context["value"] = None
        parts.widget = _render(bound_field, "django/forms/widgets/input.html", widget_context)
    else:
        parts.widget = bound_field.as_widget(attrs=_control_attrs(parts, CONTROL_CLASSES[kind]))
    return parts


@dataclass
class ErrorSummary:
    items: list

    @property
    def count(self) -> int:
        return len(self.items)


@register.simple_tag
def uswds_error_summary(form) -> ErrorSummary:
    """The form's errors for the summary at its top: non-field errors, then each field's, in order.

    Each item has ``message``, and for a visible field ``label`` and ``href`` (``#`` + its input id).
    """
    items = [{"message": error, "label": "", "href": ""} for error in form.non_field_errors()]
    if form.is_bound:
        for bound_field in form:
            for error in bound_field.errors:
                if bound_field.is_hidden:
                    items.append({"message": f"(Hidden field {bound_field.name}) {error}", "label": "", "href": ""})
                    continue
                target = field_target_id(bound_field)
                items.append({"message": error, "label": bound_field.label, "href": f"#{target}" if target else ""})
    return ErrorSummary(items)


@register.filter
def uswds_button_classes(field_classes: str, input_type: str = "submit") -> str:
    """A crispy-forms button's classes for USWDS: ``usa-button`` and the caller's, Bootstrap's dropped."""
    kept = [name for name in (field_classes or "").split() if name not in BOOTSTRAP_CLASSES]
    base = "usa-button usa-button--outline" if input_type == "reset" else "usa-button"
    return _classes(base, *kept)


@register.filter
def uswds_required_fields(form) -> bool:
    """Whether the form shows at least one required field (so the page explains the asterisk)."""
    return any(f.field.required and not f.is_hidden for f in form)


_CLASS_ATTR = re.compile(r'\sclass="([^"]*)"')


@register.filter
def uswds_button_attrs(flat_attrs: str) -> SafeString:
    """A ``StrictButton``'s flattened attributes with its classes made USWDS ones."""
    flat_attrs = str(flat_attrs or "")
    # safe: ``flat_attrs`` comes from crispy-forms' flatatt, which escapes each value; our classes are constants.
    if not _CLASS_ATTR.search(flat_attrs):
        return mark_safe(f'{flat_attrs} class="usa-button"')  # nosec B308 B703 (safe: as above)
    with_uswds = _CLASS_ATTR.sub(lambda m: f' class="{uswds_button_classes(m.group(1), "button")}"', flat_attrs)
    # safe: as above; uswds_button_classes only re-joins the (escaped) class names found there.
    return mark_safe(with_uswds)  # nosec B308 B703


@register.filter
def uswds_alert_classes(css_class: str) -> str:
    """An ``Alert`` layout object's Bootstrap classes as USWDS ones (``alert-warning`` -> ``usa-alert--warning``)."""
    kinds = {"alert-success": "success", "alert-warning": "warning", "alert-danger": "error", "alert-error": "error"}
    names = (css_class or "").split()
    kind = next((kinds[name] for name in names if name in kinds), "info")
    kept = [name for name in names if name != "alert" and not name.startswith("alert-")]
    return _classes("usa-alert", f"usa-alert--{kind}", *kept)
