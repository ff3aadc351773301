"""Admin of the MIPS quality measure list: read-only, since it is imported data.

A program admin loads a list with ``manage.py import_mips_measures`` (``--file ... --year ...`` for a
year newer than the installed ``qpp-measures-data`` package); nobody edits measures by hand.
"""

from django.contrib import admin

from determinations.models import MipsMeasure

from .view_only import ViewOnlyAdmin


class MeasureTypeFilter(admin.SimpleListFilter):
    """Every type stored, including any the code does not know yet, by its label."""

    title = "measure type"
    parameter_name = "measure_type"

    def lookups(self, request, model_admin):
        types = MipsMeasure.objects.order_by().values_list("measure_type", flat=True).distinct()
        return sorted(
            ((t, MipsMeasure(measure_type=t).get_measure_type_display() or "(none)") for t in types),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        if self.value() is not None:
            return queryset.filter(measure_type=self.value())
        return queryset


@admin.register(MipsMeasure)
class MipsMeasureAdmin(ViewOnlyAdmin):
    list_display = ["measure_id", "year", "title", "measure_type_label", "is_outcome", "is_high_priority", "nqf_id"]
    list_display_links = ["measure_id", "title"]
    list_filter = ["year", "is_outcome", MeasureTypeFilter, "is_high_priority"]
    search_fields = ["=measure_id", "title", "=e_measure_id", "=nqf_id"]
    ordering = ["-year", "measure_id"]
    list_per_page = 50
    show_full_result_count = False
    fields = [
        "year",
        "measure_id",
        "title",
        "description",
        "measure_type_label",
        "is_outcome",
        "is_high_priority",
        "nqf_id",
        "e_measure_id",
        "primary_steward",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description="measure type", ordering="measure_type")
    def measure_type_label(self, obj):
        return obj.get_measure_type_display()
