"""Load the demo organizations and one account per role, and print how to sign in as each."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import ACCOUNTS, DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Create or refresh demo organizations and accounts (one per role) and print their sign-in details."

    def add_arguments(self, parser):
        parser.add_argument("--only-print", action="store_true", help="Print the accounts without loading them.")

    def handle(self, *args, only_print=False, **options):
        if not settings.DEMO_DATA_ALLOWED and not only_print:
            raise CommandError("Demo accounts have published passwords; this settings module does not allow them.")
        accounts = ACCOUNTS if only_print else demo_data_load()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for account in accounts:
            line = f"  {account.role_label:<42} {account.email}"
            if account.staff_role:
                line += f"   TOTP secret: {account.totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "Staff accounts need a one-time code: add the TOTP secret to any authenticator app, "
            "or run: manage.py demo_totp EMAIL"
        )
