"""The form a reviewer names (or renames) their own view of the review queue with."""

from django import forms

from determinations.filters import LEAD_SAVED_VIEWS, SAVED_VIEWS, filters_query

BUILT_IN_NAMES = {label.casefold() for label, _ in (("All open", {}), *SAVED_VIEWS, *LEAD_SAVED_VIEWS)}


class SavedViewForm(forms.Form):
    name = forms.CharField(
        label="Name of the view",
        max_length=60,
        error_messages={
            "required": "Give the view a name.",
            "max_length": "Keep the name to %(limit_value)d characters or fewer.",
        },
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1000)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if name.casefold() in BUILT_IN_NAMES:
            raise forms.ValidationError(f"“{name}” is one of the built-in views. Choose another name.")
        return name

    def clean_query(self):
        return filters_query(self.cleaned_data.get("query", ""))
