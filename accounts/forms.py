"""Forms of accounts: sign-in, one-time codes, invitations and accepting them."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from ui.form_buttons import submit_button

from .models import MembershipRole, StaffRole, User


class SubmitHelperMixin:
    submit_label = "Submit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The templates write the <form> tag, its CSRF token and the hidden "next": no second of each.
        self.helper = submit_button(self.submit_label, csrf=False)


class SignInForm(SubmitHelperMixin, AuthenticationForm):
    submit_label = "Sign in"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})

    def clean_username(self):
        # django-axes counts failures per username as typed: without this, each way of capitalizing
        # the address would get its own five attempts.
        return self.cleaned_data["username"].lower()


class OneTimeCodeForm(SubmitHelperMixin, forms.Form):
    submit_label = "Verify"
    code = forms.RegexField(
        label="6-digit code",
        regex=r"^\s*\d{6}\s*$",
        help_text="Open your authenticator app and enter the code it shows for QPP Portal.",
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows, with no spaces."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password and not only numbers.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords do not match.")
        elif password1:
            user = User(email=getattr(self, "invited_email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AcceptInvitationForm(SubmitHelperMixin, PasswordPairMixin):
    submit_label = "Create my account"
    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    field_order = ["full_name", "password1", "password2"]

    def __init__(self, *args, invited_email: str = "", **kwargs):
        self.invited_email = invited_email
        super().__init__(*args, **kwargs)


class OrganizationInvitationForm(SubmitHelperMixin, forms.Form):
    submit_label = "Send invitation"
    email = forms.EmailField(label="E-mail address")
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    membership_role = forms.ChoiceField(
        label="Role",
        choices=MembershipRole.choices,
        widget=forms.RadioSelect,
        help_text="Submitters prepare and submit requests; organization admins also invite people.",
    )


class StaffInvitationForm(SubmitHelperMixin, forms.Form):
    submit_label = "Send invitation"
    email = forms.EmailField(label="E-mail address")
    full_name = forms.CharField(label="Full name", max_length=150, required=False)
    staff_role = forms.ChoiceField(
        label="Staff role",
        choices=[choice for choice in StaffRole.choices if choice[0]],
        widget=forms.RadioSelect,
    )
