"""The crispy-forms helper of every portal form: the template writes the ``<form>`` tag, crispy the fields
and the buttons below them."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit


def form_buttons(*inputs: Submit, csrf: bool = True) -> FormHelper:
    """The fields, then ``inputs``; ``csrf=False`` where the template writes the CSRF token itself."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = not csrf
    for button in inputs:
        helper.add_input(button)
    return helper


def submit_button(label: str, *, css_class: str = "", csrf: bool = True) -> FormHelper:
    """The fields, then one button named "submit" that says ``label``."""
    return form_buttons(Submit("submit", label, css_class=css_class), csrf=csrf)
