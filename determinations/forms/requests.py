"""Forms around the request form: starting a request, measures, documents, attestation."""

from django import forms

from determinations.models import DocumentSection, MeasureBasis, MipsMeasure
from determinations.rules.participants import COLUMNS, participants_from_csv
from qppportal.dates import date_text
from ui.form_buttons import submit_button

ATTESTATION_TEXT = (
    "I certify that I have the authority to bind the organization named in this request, and that "
    "the information in it, including its supporting documents, is true, accurate and complete to "
    "the best of my knowledge. I understand that CMS may audit it, that supporting documents must "
    "be kept for at least 10 years, and that a false statement may lead to recoupment of APM "
    "Incentive Payments (42 CFR 414.1445(d) and 414.1460)."
)


def window_label(window) -> str:
    demonstration = "Demonstration window, " if window.is_demonstration else ""
    return (
        f"{demonstration}{window.performance_year.year} performance year: {window.get_payer_type_display()} "
        f"(deadline {date_text(window.closes_at, time=True)} Eastern time)"
    )


class StartRequestForm(forms.Form):
    """What a new request is for. The window choices are the open windows for this organization."""

    window = forms.ChoiceField(label="Submission window", widget=forms.RadioSelect)
    arrangement_name = forms.CharField(label="Arrangement name", max_length=200)
    years_requested = forms.TypedChoiceField(
        label="How many performance years to ask for",
        choices=[(n, f"{n} year{'s' if n > 1 else ''}") for n in range(1, 6)],
        coerce=int,
        initial=1,
        help_text="A multi-year determination can cover the length of the agreement, up to 5 years.",
    )
    payer_name = forms.CharField(label="Payer's name", max_length=200)
    payer_contact_name = forms.CharField(label="Payer contact's name", max_length=150, required=False)
    payer_contact_email = forms.EmailField(label="Payer contact's e-mail address", required=False)

    def __init__(self, *args, windows, clinician: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.windows = {str(w.pk): w for w in windows}
        self.fields["window"].choices = [(str(w.pk), window_label(w)) for w in windows]
        if not clinician:
            for name in ("payer_name", "payer_contact_name", "payer_contact_email"):
                del self.fields[name]
        self.helper = submit_button("Start the request")

    def clean_window(self):
        return self.windows[self.cleaned_data["window"]]


class MeasureSearchForm(forms.Form):
    q = forms.CharField(label="Search the MIPS quality measures by number or words", max_length=100, required=False)


class PublishedSearchForm(forms.Form):
    """The clinician's search of the approved arrangements before filing (a GET form)."""

    q = forms.CharField(
        label="Search approved arrangements by payer or arrangement name", max_length=100, required=False
    )


class MipsMeasureChoiceForm(forms.Form):
    """A measure picked from the search results: an ID on the list the request picks from."""

    mips_measure = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, list_year: int | None, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["mips_measure"]
        field.queryset = MipsMeasure.objects.filter(year=list_year)
        field.error_messages["invalid_choice"] = field.error_messages["required"] = (
            f"That measure is not on the {list_year or year} MIPS list."
        )


class OtherMeasureForm(forms.Form):
    """A measure that is not on the year's MIPS list, with the basis CMS should accept it on."""

    title = forms.CharField(label="Measure title", max_length=500)
    measure_identifier = forms.CharField(label="Measure ID, if it has one", max_length=50, required=False)
    steward = forms.CharField(label="Measure steward", max_length=200, required=False)
    is_outcome = forms.BooleanField(label="This is an outcome measure", required=False)
    basis = forms.ChoiceField(
        label="Why it is comparable to MIPS measures",
        choices=[c for c in MeasureBasis.choices if c[0] != MeasureBasis.MIPS_LIST],
        widget=forms.RadioSelect,
    )
    cbe_id = forms.CharField(
        label="Consensus-based entity endorsement ID",
        max_length=50,
        required=False,
        help_text="For example, a CBE (NQF) number.",
    )
    evidence_rationale = forms.CharField(
        label="Why it is evidence-based, reliable and valid", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Add this measure")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("basis") == MeasureBasis.CBE_ENDORSED and not cleaned.get("cbe_id"):
            self.add_error("cbe_id", "Enter the endorsement ID, or choose the evidence-based basis.")
        if cleaned.get("basis") == MeasureBasis.EVIDENCE_BASED and not cleaned.get("evidence_rationale"):
            self.add_error("evidence_rationale", "Explain why the measure is evidence-based, reliable and valid.")
        return cleaned


class DocumentUploadForm(forms.Form):
    file = forms.FileField(
        label="Document",
        help_text="PDF, DOCX, XLSX or CSV, at most 20 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.csv"}),
    )
    section = forms.ChoiceField(label="Which part of the request it supports", choices=DocumentSection.choices)
    description = forms.CharField(
        label="What it shows",
        max_length=300,
        required=False,
        help_text="For example: Contract section 4.2, pages 12 to 14.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Upload")


class ParticipantsForm(forms.Form):
    """The participant list, uploaded as a CSV file or typed as CSV text; every bad line is named."""

    file = forms.FileField(
        label="Participant list (CSV file)",
        required=False,
        help_text=f"One row per clinician, with the header {','.join(COLUMNS)} (and uses_cehrt, yes or no, "
        "when the APM Entities are hospitals).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv"}),
    )
    text = forms.CharField(
        label="Or type or paste the list",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The same columns, one row per line, starting with the header row.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Save the participant list")

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text", "")
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(f"{upload.name} is not UTF-8 text: save it as CSV (UTF-8).") from None
        if not text.strip():
            raise forms.ValidationError("Choose a CSV file or type the list.")
        read = participants_from_csv(text)
        if read.errors:
            raise forms.ValidationError([f"{error}." for error in read.errors])
        data["entities"] = read.entities
        return data


CITED_CRITERIA = [
    (key, label) for key, label in DocumentSection.choices if key in ("cehrt", "quality", "financial_risk")
]


class CitationForm(forms.Form):
    """Where a document shows a criterion is met: the criterion, the document and its page."""

    criterion = forms.ChoiceField(label="Criterion", choices=CITED_CRITERIA)
    document = forms.ModelChoiceField(label="Document", queryset=None, empty_label="- Select -")
    page = forms.IntegerField(label="Page", min_value=1, error_messages={"min_value": "Pages start at 1."})
    note = forms.CharField(label="Section or clause", max_length=300, required=False)

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, prefix="citation", **kwargs)
        self.fields["document"].queryset = submission.documents.all()
        self.helper = submit_button("Add the citation")


class AttestationForm(forms.Form):
    attester_name = forms.CharField(label="Full name of the person attesting", max_length=150)
    attester_title = forms.CharField(label="Title", max_length=150)
    attests = forms.BooleanField(label="I agree with the statement above")
    acknowledge_precheck = forms.BooleanField(
        label="I have read the pre-check results and want to submit anyway",
        required=False,
    )

    def __init__(self, *args, needs_acknowledgement: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_acknowledgement = needs_acknowledgement
        if not needs_acknowledgement:
            del self.fields["acknowledge_precheck"]
        self.fields["attests"].error_messages["required"] = (
            "Check the box to attest, or the request cannot be submitted."
        )
        self.helper = submit_button("Submit to CMS")

    def clean(self):
        cleaned = super().clean()
        if self.needs_acknowledgement and not cleaned.get("acknowledge_precheck"):
            self.add_error(
                "acknowledge_precheck",
                "The pre-check found likely problems. Fix them, or confirm that you want to submit anyway.",
            )
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why you are withdrawing it (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    confirm = forms.BooleanField(label="Yes, withdraw this request. CMS will stop reviewing it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button("Withdraw the request")


class CopyRequestForm(forms.Form):
    window = forms.ChoiceField(label="Submission window for the new request", widget=forms.RadioSelect)

    def __init__(self, *args, windows, **kwargs):
        super().__init__(*args, **kwargs)
        self.windows = {str(w.pk): w for w in windows}
        self.fields["window"].choices = [(str(w.pk), window_label(w)) for w in windows]
        self.helper = submit_button("Start the new draft")

    def clean_window(self):
        return self.windows[self.cleaned_data["window"]]
