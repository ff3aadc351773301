"""URLs of accounts under /accounts/ (namespace ``accounts``) and the role home pages."""

from django.urls import path

from .views import auth, homes, invitations, organizations

app_name = "accounts"

urlpatterns = [
    path("home/", auth.home, name="home"),
    path("accounts/profile/", auth.account, name="account"),
    path("accounts/mfa/setup/", auth.mfa_setup, name="mfa_setup"),
    path("accounts/mfa/verify/", auth.mfa_verify, name="mfa_verify"),
    path("accounts/invitations/staff/new/", invitations.invitation_create_staff, name="invitation_create_staff"),
    path("accounts/invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("dashboard/", homes.organization_home, name="organization_home"),
    path("review/", homes.reviewer_home, name="reviewer_home"),
    path("review/lead/", homes.review_lead_home, name="review_lead_home"),
    path("program/", homes.program_admin_home, name="program_admin_home"),
    path("organizations/", organizations.organization_list, name="organization_list"),
    path("organizations/<int:organization_id>/", organizations.organization_detail, name="organization_detail"),
    path(
        "organizations/<int:organization_id>/invite/",
        invitations.invitation_create_organization,
        name="invitation_create_organization",
    ),
]
