"""Forms of the program admin's QP page: upload participation data, run the batch."""

from django import forms
from django.core.validators import FileExtensionValidator

from determinations.models import PerformanceYear
from determinations.models.qp import SNAPSHOTS
from ui.form_buttons import submit_button


class SnapshotForm(forms.Form):
    performance_year = forms.ModelChoiceField(
        PerformanceYear.objects.order_by("-year"), to_field_name="year", empty_label=None, label="Performance year"
    )
    snapshot = forms.TypedChoiceField(choices=SNAPSHOTS, coerce=int)

    def __init__(self, *args, submit_label: str = "Run the QP determinations", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performance_year"].label_from_instance = lambda py: str(py.year)
        self.helper = submit_button(submit_label, csrf=False)


class ParticipationUploadForm(SnapshotForm):
    file = forms.FileField(
        label="Participation CSV",
        help_text="One row per clinician, TIN and APM Entity; the columns are described in docs/qp.md.",
        validators=[FileExtensionValidator(["csv"], "Upload a .csv file.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label="Upload and check", **kwargs)
