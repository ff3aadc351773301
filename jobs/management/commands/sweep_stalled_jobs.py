"""Resume running jobs that stopped making progress and tell program admins (what beat runs every 5 minutes)."""

from django.core.management.base import BaseCommand

from jobs.services import jobs_sweep_stalled


class Command(BaseCommand):
    help = "Flag, resume and report batch jobs with no item finished for JOB_STALL_MINUTES."

    def handle(self, *args, **options):
        stalled = jobs_sweep_stalled()
        self.stdout.write(f"Stalled jobs resumed: {', '.join(map(str, stalled)) or 'none'}.")
