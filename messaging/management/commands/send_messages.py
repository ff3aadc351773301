"""Send the outbox's pending messages now, without a worker (what the periodic sweep does)."""

from django.core.management.base import BaseCommand

from messaging.services import messages_dispatch


class Command(BaseCommand):
    help = "Send pending e-mail from the outbox; failures are retried later with backoff."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="send at most this many")

    def handle(self, *args, limit=None, **options):
        result = messages_dispatch(limit=limit)
        self.stdout.write(
            f"Sent {result.sent}, will retry {result.retrying}, failed {result.failed}, "
            f"no longer owed {result.not_due}."
        )
