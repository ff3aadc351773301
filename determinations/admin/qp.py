"""Admin for QP data: which account holds which NPI (so a clinician sees their QP status)."""

from django.contrib import admin

from determinations.models import ClinicianNpi


@admin.register(ClinicianNpi)
class ClinicianNpiAdmin(admin.ModelAdmin):
    list_display = ["npi", "user"]
    search_fields = ["npi", "user__email", "user__full_name"]
    raw_id_fields = ["user"]
