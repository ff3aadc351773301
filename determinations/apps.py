"""App configuration for the determinations domain."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from qppportal.append_only import register_sqlite_function


class DeterminationsConfig(AppConfig):
    name = "determinations"
    verbose_name = "Determinations"

    def ready(self):
        connection_created.connect(register_sqlite_function, dispatch_uid="determinations_append_only")
        # Imported here: the job and message kinds register themselves, and need the models loaded.
        from determinations import jobs  # noqa: F401

        # Imported here: as above, the module needs the models loaded.
        from determinations.dashboard import connect_dashboard_versions

        # Imported here: as above.
        from determinations.page_cache import connect_page_invalidation

        # Imported here: as above.
        from determinations.selectors.review_queue import connect_queue_invalidation

        # Imported here: as above, for the message kinds.
        from determinations.services import confirmations, notifications, reminders  # noqa: F401

        connect_dashboard_versions()
        connect_page_invalidation()
        connect_queue_invalidation()
