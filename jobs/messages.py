"""The e-mail to program admins about a job that stopped making progress (through the outbox)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import StaffRole, User
from messaging.kinds import Email, NotDue, message_kind
from messaging.services import messages_queue

from .kinds import KINDS
from .models import Job
from .selectors import job_progress


def job_stalled_queue(job: Job) -> int:
    admins = User.objects.filter(staff_role=StaffRole.PROGRAM_ADMIN, is_active=True).values_list("email", flat=True)
    return messages_queue(kind="job_stalled", about=job, recipients=admins, occasion=job.stalled_at.isoformat())


@message_kind("job_stalled", label="Job stopped making progress (to program admins)")
def job_stalled_compose(message) -> Email:
    job = Job.objects.get(pk=message.object_id)
    if not job.is_running:
        raise NotDue(f"The job was {job.get_status_display().lower()} before this was sent.")
    context = {
        "job": job,
        "kind": KINDS[job.kind],
        "progress": job_progress(job),
        "url": settings.SITE_URL + reverse("jobs:job_detail", args=[job.pk]),
    }
    return Email(
        subject=f"Job {job.pk} stopped making progress: {KINDS[job.kind].label}",
        body=render_to_string("emails/job_stalled.txt", context),
    )
