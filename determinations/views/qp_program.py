"""The program admin's QP page: participation uploads, batch runs with their progress, results as CSV."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations.downloads import csv_download
from determinations.forms.qp import ParticipationUploadForm, SnapshotForm
from determinations.models import ParticipationUpload, QPDeterminationRun
from determinations.selectors import qp as qp_selectors
from determinations.selectors.all_payer import all_payer_qp_submitted, all_payer_qp_submitted_years
from determinations.services.qp_batch import qp_run_start
from determinations.services.qp_participation import participation_upload_start
from determinations.views.pagination import paginated
from jobs import selectors as job_selectors
from jobs.services import JobError, job_cancel

program_admin_only = staff_role_required(StaffRole.PROGRAM_ADMIN)


def _csv_response(rows, filename: str):
    """``rows`` (header first, as the selectors give them) as a streamed download."""
    rows = iter(rows)
    return csv_download(next(rows), rows, filename=filename)


def _page(request, *, upload_form=None, run_form=None, status=200):
    context = {
        "upload_form": upload_form or ParticipationUploadForm(),
        "run_form": run_form or SnapshotForm(prefix="run"),
        "current_runs": qp_selectors.current_runs(),
        "runs": qp_selectors.runs_overview(),
        "uploads": qp_selectors.uploads_recent(),
    }
    return render(request, "determinations/qp/program.html", context, status=status)


@program_admin_only
def qp_program(request):
    return _page(request)


@program_admin_only
@require_POST
def participation_upload(request):
    form = ParticipationUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    upload = participation_upload_start(
        performance_year=form.cleaned_data["performance_year"],
        snapshot=form.cleaned_data["snapshot"],
        file=form.cleaned_data["file"],
        uploaded_by=request.user,
    )
    return redirect("determinations:participation_upload_detail", pk=upload.pk)


@program_admin_only
def participation_upload_detail(request, pk):
    upload = get_object_or_404(ParticipationUpload.objects.select_related("performance_year", "uploaded_by"), pk=pk)
    context = {"upload": upload, "errors": qp_selectors.upload_errors(upload)}
    return render(request, "determinations/qp/upload_detail.html", context)


@program_admin_only
def participation_upload_errors_csv(request, pk):
    upload = get_object_or_404(ParticipationUpload, pk=pk)
    return _csv_response(qp_selectors.upload_error_rows(upload), f"upload-{upload.pk}-bad-rows.csv")


@program_admin_only
@require_POST
def qp_run(request):
    form = SnapshotForm(request.POST, prefix="run")
    if not form.is_valid():
        return _page(request, run_form=form, status=400)
    run, reason = qp_run_start(
        performance_year=form.cleaned_data["performance_year"],
        snapshot=form.cleaned_data["snapshot"],
        started_by=request.user,
    )
    if run is None:
        form.add_error(None, reason)
        return _page(request, run_form=form, status=409)
    return redirect("determinations:qp_run_detail", pk=run.pk)


@program_admin_only
def qp_run_detail(request, pk):
    run = get_object_or_404(QPDeterminationRun.objects.select_related("performance_year", "started_by", "job"), pk=pk)
    progress = job_selectors.job_progress(run.job) if run.job else None
    return render(request, "determinations/qp/run_detail.html", {"run": run, "progress": progress})


@program_admin_only
@require_POST
def qp_run_cancel(request, pk):
    run = get_object_or_404(QPDeterminationRun, pk=pk)
    if run.job_id is None:
        messages.error(request, "This run was started from the command line; it cannot be cancelled here.")
        return redirect("determinations:qp_run_detail", pk=run.pk)
    try:
        job_cancel(job_id=run.job_id, actor=request.user)
    except JobError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Run cancelled. The current results stay as they were.")
    return redirect("determinations:qp_run_detail", pk=run.pk)


@program_admin_only
def qp_run_results_csv(request, pk):
    run = get_object_or_404(QPDeterminationRun.objects.select_related("performance_year"), pk=pk)
    filename = f"qp-results-{run.performance_year.year}-snapshot-{run.snapshot}-run-{run.pk}.csv"
    return _csv_response(qp_selectors.result_rows(run), filename)


@program_admin_only
def all_payer_qp_submissions(request):
    """The All-Payer QP submissions received, by performance year (the latest by default)."""
    years = all_payer_qp_submitted_years()
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else (years[0] if years else None)
    context = {"years": years, "year": year, **paginated(request, all_payer_qp_submitted(year=year), 100)}
    return render(request, "determinations/qp/all_payer_submissions.html", context)
