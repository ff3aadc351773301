"""Program admins' batch jobs: start one, watch its progress bar, see failures, download results, cancel."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations.downloads import csv_download

from . import selectors, services
from .kinds import KINDS
from .models import Job

program_admin = staff_role_required(StaffRole.PROGRAM_ADMIN)


@program_admin
def job_list(request):
    context = {"jobs": selectors.jobs_recent(), "kinds": sorted(KINDS.values(), key=lambda kind: kind.label)}
    return render(request, "jobs/job_list.html", context)


@program_admin
def job_start(request, kind: str):
    job_kind = KINDS.get(kind)
    if job_kind is None:
        raise Http404("There is no such job.")
    form = job_kind.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = services.job_start(kind=kind, parameters=form.parameters(), actor=request.user)
        messages.success(request, f"Job {job.pk} started: {job.total_items} items.")
        return redirect("jobs:job_detail", job.pk)
    return render(request, "jobs/job_start.html", {"kind": job_kind, "form": form}, status=400 if form.errors else 200)


@program_admin
def job_detail(request, job_id: int):
    job = get_object_or_404(Job.objects.select_related("created_by", "cancelled_by"), pk=job_id)
    context = {
        "job": job,
        "kind": KINDS[job.kind],
        "progress": selectors.job_progress(job),
        "failures": selectors.job_failures(job),
    }
    return render(request, "jobs/job_detail.html", context)


@program_admin
def job_progress(request, job_id: int):
    job = get_object_or_404(Job, pk=job_id)
    progress = selectors.job_progress(job)
    progress["failures"] = [{"item": i.key, "error": i.error} for i in selectors.job_failures(job, limit=20)]
    return JsonResponse(progress)


@program_admin
def job_results(request, job_id: int):
    job = get_object_or_404(Job, pk=job_id)
    return csv_download(
        selectors.job_results_header(job), selectors.job_results_rows(job), filename=f"job-{job.pk}-{job.kind}.csv"
    )


@require_POST
@program_admin
def job_cancel(request, job_id: int):
    try:
        services.job_cancel(job_id=get_object_or_404(Job, pk=job_id).pk, actor=request.user)
    except services.JobError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Job cancelled. Items already done stay done; the rest are not processed.")
    return redirect("jobs:job_detail", job_id)


@require_POST
@program_admin
def job_resume(request, job_id: int):
    try:
        queued = services.job_resume(job_id=get_object_or_404(Job, pk=job_id).pk)
    except services.JobError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{queued} chunks with items left were queued again.")
    return redirect("jobs:job_detail", job_id)
