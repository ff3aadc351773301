"""Print the current one-time code of a demo staff account."""

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import demo_totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code for a demo staff account (e.g. reviewer@demo.example)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            self.stdout.write(demo_totp_code(email))
        except TOTPDevice.DoesNotExist as error:
            raise CommandError(
                f"{email} has no confirmed authenticator. Run manage.py load_demo_data first."
            ) from error
