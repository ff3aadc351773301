"""Admin of performance years for the program admin: every figure the rules use, with provisional ones marked."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from determinations.models import PerformanceYear, SubmissionWindow
from determinations.rules.parameters import PARAMETER_FIELDS

PROVISIONAL_CHOICES = [("windows", "Submission windows")] + [
    (name, PerformanceYear._meta.get_field(name).verbose_name)
    for name in PARAMETER_FIELDS
    if name not in ("year", "snapshot_dates")
]
FIELDSETS = [
    (None, {"fields": ["year", "notes", "provisional_summary", "provisional_fields"]}),
    (
        "QP Performance Period",
        {"fields": ["qp_period_start", "qp_period_end", "snapshot_1_date", "snapshot_2_date", "snapshot_3_date"]},
    ),
    ("CEHRT, 42 CFR 414.1420(b)", {"fields": ["cehrt_participant_percent", "cehrt_definition"]}),
    (
        "Quality measures, 42 CFR 414.1420(c)",
        {"fields": ["quality_variant", "quality_legacy_for_prior_determinations"]},
    ),
    (
        "Financial risk, 42 CFR 414.1420(d)",
        {
            "fields": [
                "nominal_revenue_percent",
                "nominal_expenditure_percent",
                "total_risk_minimum_percent_of_expenditures",
                "marginal_risk_rate_minimum_percent",
                "marginal_risk_variant",
                "minimum_loss_rate_allowance_percent",
            ]
        },
    ),
    (
        "Medical home models, 42 CFR 414.1420(d)(2), (d)(4), (d)(8)",
        {
            "fields": [
                "medicaid_medical_home_available",
                "aligned_medical_home_available",
                "medical_home_nominal_percent",
                "medical_home_size_limit_variant",
                "medical_home_size_limit",
                "medical_home_min_elements",
            ]
        },
    ),
    (
        "Medicare Option thresholds, 42 CFR 414.1430(a)",
        {
            "fields": [
                "medicare_qp_payment_percent",
                "medicare_qp_patient_percent",
                "medicare_partial_qp_payment_percent",
                "medicare_partial_qp_patient_percent",
                "qp_individual_determination",
            ]
        },
    ),
    (
        "All-Payer Combination Option thresholds, 42 CFR 414.1430(b)",
        {
            "fields": [
                "all_payer_option_available",
                "all_payer_qp_payment_percent",
                "all_payer_qp_medicare_minimum_payment_percent",
                "all_payer_qp_patient_percent",
                "all_payer_qp_medicare_minimum_patient_percent",
                "all_payer_partial_qp_payment_percent",
                "all_payer_partial_qp_medicare_minimum_payment_percent",
                "all_payer_partial_qp_patient_percent",
                "all_payer_partial_qp_medicare_minimum_patient_percent",
            ]
        },
    ),
    (
        "What QPs receive, 42 CFR 414.1450 and SSA 1848(d)(20)",
        {
            "fields": [
                "incentive_percent",
                "qp_conversion_factor_update_percent",
                "non_qp_conversion_factor_update_percent",
                "qp_conversion_factor",
                "non_qp_conversion_factor",
            ]
        },
    ),
]
PROVISIONAL_MARK = "Provisional: not confirmed in the current regulation ([P] or [U] in the rule book). "


class PerformanceYearForm(forms.ModelForm):
    provisional_fields = forms.MultipleChoiceField(
        choices=PROVISIONAL_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick a figure once it is confirmed in the eCFR or the year's PFS final rule to clear its flag.",
    )

    class Meta:
        model = PerformanceYear
        fields = [name for _, options in FIELDSETS for name in options["fields"] if name != "provisional_summary"]


class SubmissionWindowInline(admin.TabularInline):
    model = SubmissionWindow
    extra = 0
    fields = ["process", "payer_type", "opens_at", "closes_at"]


@admin.register(PerformanceYear)
class PerformanceYearAdmin(admin.ModelAdmin):
    form = PerformanceYearForm
    list_display = [
        "year",
        "payment_year",
        "all_payer_option_available",
        "cehrt_participant_percent",
        "incentive_percent",
        "provisional_count",
    ]
    ordering = ["-year"]
    inlines = [SubmissionWindowInline]
    readonly_fields = ["provisional_summary"]
    fieldsets = FIELDSETS

    @admin.display(description="provisional figures")
    def provisional_count(self, obj):
        return len(obj.provisional_fields)

    @admin.display(description="Provisional figures")
    def provisional_summary(self, obj):
        labels = dict(PROVISIONAL_CHOICES)
        if not obj or not obj.provisional_fields:
            return "None: every figure of this year is confirmed."
        return format_html_join(", ", "{}", ((labels.get(name, name),) for name in obj.provisional_fields))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in obj.provisional_fields if obj else ():
            field = form.base_fields.get(name)
            if field is not None:
                field.label = f"{field.label} (provisional)"
                field.help_text = PROVISIONAL_MARK + str(field.help_text or "")
        return form
