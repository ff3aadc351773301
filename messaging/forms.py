"""The filter of the program admins' messages page."""

from django import forms

from .kinds import KINDS
from .models import MessageStatus


class MessageFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *MessageStatus.choices], required=False)
    kind = forms.ChoiceField(required=False)
    recipient = forms.CharField(required=False, max_length=254, label="Recipient contains")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = sorted((kind.name, kind.label) for kind in KINDS.values())
        self.fields["kind"].choices = [("", "Any kind"), *kinds]
