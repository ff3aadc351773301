"""Django's ``flush``, allowed to empty the append-only event table on SQLite (see ``append_only``)."""

from django.core.management.commands import flush

from qppportal.append_only import emptying_allowed


class Command(flush.Command):
    def handle(self, **options):
        with emptying_allowed():
            return super().handle(**options)
