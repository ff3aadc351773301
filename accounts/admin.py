"""Admin site for users, organizations, memberships and invitations (program admins)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from .models import Invitation, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    class CreationForm(AdminUserCreationForm):
        class Meta:
            model = User
            fields = ("email", "full_name")

    class ChangeForm(UserChangeForm):
        class Meta:
            model = User
            fields = "__all__"

    add_form = CreationForm
    form = ChangeForm
    ordering = ["email"]
    list_display = ["email", "full_name", "staff_role", "is_active", "last_login"]
    list_filter = ["staff_role", "is_active"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Role", {"fields": ("staff_role", "is_active", "is_staff")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []


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
