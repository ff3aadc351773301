"""Load the demo data (organizations, one account per role, demonstration windows, requests in every
state) and print how to sign in as each account."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import ACCOUNTS, DEMO_PASSWORD, demo_data_load
from qppportal.dates import date_text


class Command(BaseCommand):
    help = (
        "Create or refresh the demo data: organizations, one account per role, one demonstration window per "
        "process and payer type kept open around today, and requests in every state. Prints the accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only-print", action="store_true", help="Print the accounts without loading anything.")
        parser.add_argument("--quiet", action="store_true", help="Load, and print only what was loaded.")

    def handle(self, *args, only_print=False, quiet=False, **options):
        if not settings.DEMO_DATA_ALLOWED and not only_print:
            raise CommandError("Demo accounts have published passwords; this settings module does not allow them.")
        if not only_print:
            self._summary(demo_data_load())
        if not quiet:
            self._accounts()

    def _summary(self, data):
        if not data.windows:
            self.stdout.write(
                self.style.WARNING(
                    "No performance years loaded: run load_reference_data for demo windows and requests."
                )
            )
            return
        windows = "; ".join(
            f"{window.performance_year.year} {window.get_process_display()}, {window.payer_type_label}, open until "
            f"{date_text(window.closes_at)}"
            for window in data.windows
        )
        self.stdout.write(
            f"Demo data: {len(data.accounts)} accounts; {len(data.windows)} demonstration windows ({windows}); "
            f"{len(data.requests_created)} demo requests added."
        )

    def _accounts(self):
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD})"))
        for account in ACCOUNTS:
            line = f"  {account.role_label:<42} {account.email}"
            if account.staff_role:
                line += f"   TOTP secret: {account.totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "Staff accounts need a one-time code: add the TOTP secret to any authenticator app, "
            "or run: manage.py demo_totp EMAIL"
        )
        self.stdout.write(self.style.SUCCESS(f"Open {settings.SITE_URL}/"))
