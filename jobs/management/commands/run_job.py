"""Run a batch job without the web: ``manage.py run_job recheck_year year=2027``.

Parameters are ``name=value`` pairs checked by the job's own form, as on the jobs page. By default
the chunks go to the Celery workers and the command follows the progress; ``--here`` runs every
chunk in this process (no worker needed). ``--resume ID`` queues a running job's unfinished chunks.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from jobs import selectors, services
from jobs.kinds import KINDS
from jobs.models import Job


class Command(BaseCommand):
    help = "Start a batch job (" + ", ".join(sorted(KINDS)) + ") or resume one."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="the job kind: " + ", ".join(sorted(KINDS)))
        parser.add_argument("parameters", nargs="*", help="name=value pairs, e.g. year=2027")
        parser.add_argument("--here", action="store_true", help="run the chunks in this process")
        parser.add_argument("--no-wait", action="store_true", help="queue the chunks and return at once")
        parser.add_argument("--resume", type=int, metavar="ID", help="queue the unfinished chunks of job ID")

    def handle(self, *args, kind=None, parameters=(), here=False, no_wait=False, resume=None, **options):
        if resume is not None:
            try:
                queued = services.job_resume(job_id=resume)
            except (Job.DoesNotExist, services.JobError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Job {resume}: {queued} chunks queued again.")
            return
        if kind not in KINDS:
            raise CommandError(f"Name a job kind: {', '.join(sorted(KINDS))}.")
        data = dict(pair.split("=", 1) for pair in parameters if "=" in pair)
        form = KINDS[kind].form(data)
        if not form.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            raise CommandError(f"Invalid parameters: {problems}")
        job = services.job_start(kind=kind, parameters=form.parameters(), queue=not here)
        self.stdout.write(f"Job {job.pk} ({kind}) started with {job.total_items} items in {job.chunk_count} chunks.")
        if here:
            for chunk in range(job.chunk_count):
                services.job_chunk_run(job_id=job.pk, chunk=chunk)
        elif no_wait:
            return
        while True:
            job.refresh_from_db()
            progress = selectors.job_progress(job)
            self.stdout.write(
                f"  {progress['processed']}/{progress['total']} processed, {progress['failed']} failed: "
                f"{progress['status_label']}"
            )
            if progress["finished"]:
                break
            time.sleep(2)
