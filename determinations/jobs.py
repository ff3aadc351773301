"""The batch jobs of the determinations domain, registered with ``jobs`` (run from /program/jobs/ or
``manage.py run_job``): re-check a year's open requests, re-test multi-year determinations,
regenerate and re-send the letters of a period, apply a payer's determination to the clinicians'
requests linked to it, and run the QP determinations of a snapshot (also started from /program/qp/)."""

import datetime

from django import forms
from django.utils import timezone

from determinations.choices import Process
from determinations.models import Determination, PerformanceYear, Submission
from determinations.models.qp import SNAPSHOTS
from determinations.services import linked_requests, qp_batch, rechecks
from determinations.services.applied_determinations import APPLY_JOB, linked_open_requests
from determinations.states import OPEN
from jobs.kinds import JobKind, job_kind


def _year_choices():
    return [(year, str(year)) for year in PerformanceYear.objects.order_by("-year").values_list("year", flat=True)]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(coerce=int, label="Performance year", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices()

    def parameters(self) -> dict:
        return {"year": self.cleaned_data["year"]}


class PeriodForm(forms.Form):
    decided_from = forms.DateField(label="Decided on or after", help_text="For example: 2026-01-31")
    decided_to = forms.DateField(label="Decided on or before", help_text="For example: 2026-12-31")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("decided_from"), cleaned.get("decided_to")
        if start and end and end < start:
            self.add_error("decided_to", "The end of the period must be on or after its start.")
        return cleaned

    def parameters(self) -> dict:
        return {key: self.cleaned_data[key].isoformat() for key in ("decided_from", "decided_to")}


def _open_requests(parameters: dict):
    return (
        Submission.objects.filter(performance_year__year=parameters["year"], status__in=OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _recheck_many(job, keys: list[str], _prepared) -> dict[str, dict]:
    rows = rechecks.submissions_criteria_recheck(submission_ids=[int(key) for key in keys], job_id=job.pk)
    return {str(pk): row for pk, row in rows.items()}


job_kind(
    JobKind(
        name="recheck_year",
        label="Re-check a year's open requests",
        description="Run the automatic criterion checks again for every open request of a performance year "
        "(after its figures or the measure list changed); the results list which outcomes changed.",
        items=_open_requests,
        process=lambda job, key, _prepared: rechecks.submission_criteria_recheck(submission_id=int(key), job_id=job.pk),
        process_many=_recheck_many,
        columns=("tracking_number", "arrangement", "changed", "before", "after"),
        form=YearForm,
    )
)


def _multi_year_determinations(parameters: dict):
    year = parameters["year"]
    return (
        Determination.objects.filter(
            superseded_at__isnull=True, outcome="approved", first_year__lt=year, last_year__gte=year
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


job_kind(
    JobKind(
        name="retest_multi_year",
        label="Re-test multi-year determinations",
        description="Test every approved multi-year determination that covers a performance year against that "
        "year's rules (after a rule change); the results list those that would no longer meet the criteria.",
        items=_multi_year_determinations,
        process=lambda job, key, prepared: rechecks.determination_retest(
            determination_id=int(key), year=job.parameters["year"], job_id=job.pk
        ),
        columns=("tracking_number", "arrangement", "years", "retested_for", "outcomes", "still_meets"),
        form=YearForm,
    )
)


def _eastern_day_bounds(parameters: dict) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(datetime.date.fromisoformat(parameters["decided_from"]), datetime.time.min)
    end = datetime.datetime.combine(datetime.date.fromisoformat(parameters["decided_to"]), datetime.time.max)
    return start.replace(tzinfo=zone), end.replace(tzinfo=zone)


def _decisions_in_period(parameters: dict):
    start, end = _eastern_day_bounds(parameters)
    return (
        Determination.objects.filter(superseded_at__isnull=True, decided_at__range=(start, end))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


job_kind(
    JobKind(
        name="letters_reissue",
        label="Regenerate and re-send letters",
        description="Render again the letters of every current decision made in a period (after the letter "
        "template changed) and e-mail each organization its reissued letter once.",
        items=_decisions_in_period,
        process=lambda job, key, prepared: rechecks.determination_letter_reissue(
            determination_id=int(key), job_id=job.pk
        ),
        columns=("tracking_number", "arrangement", "letter", "recipients"),
        form=PeriodForm,
    )
)


class SnapshotForm(YearForm):
    snapshot = forms.TypedChoiceField(coerce=int, choices=SNAPSHOTS, label="Snapshot")

    def clean(self):
        cleaned = super().clean()
        year, snapshot = cleaned.get("year"), cleaned.get("snapshot")
        if year and snapshot:
            performance_year = PerformanceYear.objects.get(year=year)
            if refusal := qp_batch.qp_run_refusal(performance_year=performance_year, snapshot=snapshot):
                raise forms.ValidationError(refusal)
        return cleaned

    def parameters(self) -> dict:
        return {"year": self.cleaned_data["year"], "snapshot": self.cleaned_data["snapshot"]}


class PayerDeterminationForm(forms.Form):
    determination = forms.TypedChoiceField(
        coerce=int,
        label="Payer Initiated determination",
        choices=(),
        help_text="Decided Payer Initiated requests with linked Eligible Clinician Initiated requests still pending.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pending = Determination.objects.filter(
            superseded_at__isnull=True,
            submission__process=Process.PAYER_INITIATED,
            submission__linked_requests__status__in=OPEN,
        ).select_related("submission", "arrangement")
        self.fields["determination"].choices = [
            (d.pk, f"{d.submission} · {d.submission.arrangement_name} ({d.get_outcome_display()})")
            for d in pending.distinct()
        ]

    def parameters(self) -> dict:
        return {"determination": self.cleaned_data["determination"]}


def _linked_pending_requests(parameters: dict):
    determination = Determination.objects.get(pk=parameters["determination"])
    pending = linked_open_requests(determination.submission_id)
    if "requests" in parameters:  # a job for the requests linked after the decision
        pending = pending.filter(pk__in=parameters["requests"])
    return pending.values_list("pk", flat=True)


job_kind(
    JobKind(
        name=qp_batch.JOB_KIND,
        label="Run the QP determinations",
        description="Determine every clinician of a performance year's snapshot from its participation data, in "
        "stages: prepare (the group totals), determine (one stage per part of the clinicians, set-based) and "
        "publish (the new results replace the current ones at once; earlier runs stay as history). Cancelling "
        "before publishing keeps the current results.",
        items=qp_batch.stages,
        process=lambda job, key, _prepared: qp_batch.qp_run_stage(job=job, stage=key),
        columns=("run", "stage", "records", "clinicians", "published"),
        form=SnapshotForm,
        cancel=qp_batch.qp_run_cancelled,
    )
)


job_kind(
    JobKind(
        name=APPLY_JOB,
        label="Apply a payer's determination to linked requests",
        description="Give each pending Eligible Clinician Initiated request linked to a decided Payer Initiated "
        "request its own determination, letter and decision e-mail, from the payer's determination. Started "
        "by itself when the payer's request is decided.",
        items=_linked_pending_requests,
        process=lambda job, key, prepared: linked_requests.payer_determination_apply(
            determination_id=job.parameters["determination"], submission_id=int(key), job_id=job.pk
        ),
        columns=("tracking_number", "payer_request", "outcome", "years", "determination"),
        form=PayerDeterminationForm,
    )
)
