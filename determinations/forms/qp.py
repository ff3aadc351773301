"""Forms of the program admin's QP page: upload participation data, run the batch."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import FileExtensionValidator

from determinations.models import PerformanceYear
from determinations.models.qp import SNAPSHOTS


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.add_input(Submit("submit", label))
    return helper


class SnapshotForm(forms.Form):
    performance_year = forms.ModelChoiceField(
        PerformanceYear.objects.order_by("-year"), to_field_name="year", empty_label=None, label="Performance year"
    )
    snapshot = forms.TypedChoiceField(choices=SNAPSHOTS, coerce=int)

    def __init__(self, *args, submit_label: str = "Run the QP determinations", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performance_year"].label_from_instance = lambda py: str(py.year)
        self.helper = _helper(submit_label)


class ParticipationUploadForm(SnapshotForm):
    file = forms.FileField(
        label="Participation CSV",
        help_text="One row per clinician, TIN and APM Entity; the columns are described in docs/qp.md.",
        validators=[FileExtensionValidator(["csv"], "Upload a .csv file.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label="Upload and check", **kwargs)
