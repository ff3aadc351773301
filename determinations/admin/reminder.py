"""Admin of the reminder schedule: program admins change when reminders go out, without a deploy."""

from django.contrib import admin

from determinations.models import ReminderKind, ReminderSchedule


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    list_display = ["kind", "enabled", "days_before", "after_days", "weekday", "updated_at", "updated_by"]
    list_editable = ["enabled", "days_before", "after_days"]
    readonly_fields = ["kind", "updated_at", "updated_by"]
    fields = ["kind", "enabled", "days_before", "after_days", "updated_at", "updated_by"]

    def get_fields(self, request, obj=None):
        # The weekday matters only to the weekly digest; the other rows' forms leave it out.
        if obj is not None and obj.kind == ReminderKind.REVIEWER_DIGEST:
            return [*self.fields[:4], "weekday", *self.fields[4:]]
        return self.fields

    def has_add_permission(self, request):
        return False  # one row per kind of reminder, made by the migration

    def has_delete_permission(self, request, obj=None):
        return False  # switch a reminder off with "enabled" instead

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
