"""Program admin forms: adding a submission window or changing its dates, with the reason."""

from django import forms
from django.utils import timezone

from determinations.choices import PayerType, Process
from determinations.models import PerformanceYear
from determinations.rules.calendar import EASTERN, END_OF_DAY, eastern
from ui.form_buttons import submit_button


class WindowDatesForm(forms.Form):
    """New dates for a window; a window opens at the start of a day and closes at its end, Eastern time."""

    opens_on = forms.DateField(label="Opens on", help_text="At 12:00 a.m. Eastern time. For example: 2027-01-04.")
    closes_on = forms.DateField(
        label="Deadline", help_text="The window closes at 11:59:59 p.m. Eastern time on this day."
    )
    is_provisional = forms.BooleanField(label="Provisional: CMS has not published these dates yet", required=False)
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Kept with the window, for example: “CMS extended the deadline in its notice of March 2”.",
    )

    submit_label = "Save the window"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_button(self.submit_label)

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on:
            if closes_on < opens_on:
                self.add_error("closes_on", "The deadline must be on or after the opening day.")
            else:
                data["opens_at"] = eastern(opens_on)
                data["closes_at"] = eastern(closes_on, END_OF_DAY)
        return data

    @staticmethod
    def initial_for(window) -> dict:
        return {
            "opens_on": timezone.localtime(window.opens_at, EASTERN).date(),
            "closes_on": timezone.localtime(window.closes_at, EASTERN).date(),
            "is_provisional": window.is_provisional,
        }


class WindowAddForm(WindowDatesForm):
    performance_year = forms.ModelChoiceField(
        label="Performance year", queryset=PerformanceYear.objects.order_by("-year"), empty_label=None
    )
    process = forms.ChoiceField(label="Process", choices=Process.choices)
    payer_type = forms.ChoiceField(label="Payer type of the arrangements", choices=PayerType.choices)

    submit_label = "Add the window"
    field_order = ["performance_year", "process", "payer_type", "opens_on", "closes_on", "is_provisional", "reason"]
