"""Top-level URLs: the public pages, accounts, the admin site and the error handlers."""

from django.contrib import admin
from django.urls import include, path

from accounts import views_public

admin.site.site_header = "QPP Portal administration"
admin.site.site_title = "QPP Portal administration"

urlpatterns = [
    path("", views_public.landing, name="landing"),
    path("favicon.ico", views_public.favicon),
    # Before the includes at "": the public page is the busiest, and each include tried costs time.
    path("advanced-apms/", include("determinations.urls_public")),
    path("accounts/", include("accounts.auth_urls")),
    path("", include("accounts.urls")),
    path("", include("determinations.urls")),
    path("program/messages/", include("messaging.urls")),
    path("program/jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "accounts.views_public.permission_denied"
handler404 = "accounts.views_public.page_not_found"
handler500 = "accounts.views_public.server_error"
