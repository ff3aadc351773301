"""Admin views of requests for program admins: read-only, since states change only in the workflow."""

from django.contrib import admin

from determinations.models import ArrangementMeasure, Determination, Document, Submission, SubmissionEvent

from .view_only import ViewOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    """Rows shown, never edited; every field is read-only, so fields a form cannot hold (``uploaded_at``) show too."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MeasureInline(ReadOnlyInline):
    model = ArrangementMeasure
    fields = ["measure_identifier", "title", "basis", "is_outcome"]


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["original_name", "section", "kind", "size", "sha256", "uploaded_at"]


class EventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = ["at", "event_type", "actor", "from_state", "to_state", "reason", "visibility"]


@admin.register(Submission)
class SubmissionAdmin(ViewOnlyAdmin):
    list_display = [
        "__str__",
        "arrangement_name",
        "organization",
        "process",
        "payer_type",
        "performance_year",
        "status",
    ]
    list_filter = ["status", "process", "payer_type", "performance_year"]
    search_fields = ["tracking_number", "arrangement_name", "arrangement__payer_name", "organization__name"]
    list_select_related = ["arrangement", "organization", "performance_year"]
    inlines = [MeasureInline, DocumentInline, EventInline]


@admin.register(Determination)
class DeterminationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outcome", "first_year", "last_year", "decided_by", "decided_at"]
    list_select_related = ["submission", "decided_by"]
    list_filter = ["outcome", "first_year"]
    search_fields = ["submission__arrangement_name", "arrangement__payer_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
