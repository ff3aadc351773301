"""Admin site for users, organizations, memberships, invitations and authenticators (program admins).

Duties are separated here (finding 7 of the 2026-11-30 probe): nobody changes their own role,
active flag or memberships; nobody sets another person's password (the admin sends a reset
link instead, and people join through invitations); an authenticator's secret is never shown.
"""

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import PasswordResetForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Invitation, Membership, Organization, User

# Fields of a user that say what they may do: nobody edits their own.
SELF_LOCKED_FIELDS = ["staff_role", "is_active", "is_staff"]


def _is_self(request, obj) -> bool:
    return obj is not None and obj.pk == request.user.pk


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]

    def _editable(self, request, obj) -> bool:
        # On a user's page ``obj`` is that user: their own memberships are theirs to keep, not to grant.
        return not (isinstance(obj, User) and _is_self(request, obj))

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj) and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    class ChangeForm(UserChangeForm):
        class Meta:
            model = User
            fields = "__all__"

    form = ChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "staff_role", "is_active", "last_login"]
    list_filter = ["staff_role", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    actions = ["send_password_reset"]
    fieldsets = (
        # No password field: its "Reset password" link led to a form that sets someone else's password.
        (None, {"fields": ("email", "full_name")}),
        ("Role", {"fields": ("staff_role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []

    def has_add_permission(self, request):
        # People join through invitations (staff: "Invite staff"), choosing their own password.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if _is_self(request, obj):
            fields += SELF_LOCKED_FIELDS
        return fields

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password lets the setter sign in as them; a reset link goes to the person.
        raise PermissionDenied("Passwords are not set here. Send a password reset e-mail from the list of people.")

    @admin.action(description="Send a password reset e-mail", permissions=["change"])
    def send_password_reset(self, request, queryset):
        sent = 0
        for user in queryset.filter(is_active=True):
            form = PasswordResetForm(data={"email": user.email})
            if form.is_valid():
                form.save(request=request, use_https=request.is_secure())
                sent += 1
        self.message_user(request, f"Password reset e-mail sent to {sent} active people.", messages.SUCCESS)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "payer_type", "tin"]
    list_filter = ["kind", "payer_type"]
    search_fields = ["name", "tin", "apm_entity_identifier"]
    inlines = [MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "membership_role", "staff_role", "invited_by", "expires_at", "accepted_at"]
    list_filter = ["staff_role", "membership_role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash", "created_at", "accepted_at", "accepted_by", "invited_by"]

    def has_add_permission(self, request):
        # Invitations are sent from the portal's pages so that the link is e-mailed.
        return False


# django-otp's own admin shows the secret key (and a QR code of it) and lets an admin create a device
# with a key they know. Ours lists authenticators and lets one be removed (a lost phone); the person
# then sets up a new one at their next sign-in.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email", "user__full_name", "name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Audit records: who changed which reference, configuration or staff row, when, from and to
# (settings ``AUDITLOG_INCLUDE_TRACKING_MODELS``). django-auditlog's list searches the actor's
# first and last names, which our User does not have; nobody deletes a record (the table refuses too).
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class AuditRecordAdmin(AuditlogLogEntryAdmin):
    search_fields = ["object_repr", "changes_text", "actor__email", "actor__full_name", "actor_email"]

    def has_delete_permission(self, request, obj=None):
        return False
