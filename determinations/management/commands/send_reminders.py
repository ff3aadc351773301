"""Queue every reminder due now (what beat runs hourly) and, with ``--send``, send them at once."""

from django.core.management.base import BaseCommand

from determinations.services.reminders import reminders_sweep
from messaging.services import messages_dispatch


class Command(BaseCommand):
    help = (
        "Queue the reminders due now (every kind of the Reminder schedules: drafts, questions, renewals, "
        "multi-year confirmations, unassigned and undecided requests, the weekly digest)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--send", action="store_true", help="send the outbox now instead of leaving it to a worker")

    def handle(self, *args, send=False, **options):
        for kind, offered in reminders_sweep().items():
            self.stdout.write(f"{kind}: {offered} reminders due (each is queued once)")
        if send:
            result = messages_dispatch()
            self.stdout.write(f"Sent {result.sent}; not owed any more {result.not_due}; failed {result.failed}.")
