"""App configuration for batch jobs; each domain app registers its job kinds when Django starts."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Batch jobs"

    def ready(self):
        # Imported here, not at the top: it imports the models, which are not loaded yet when Django imports
        # this file. It registers the "job stalled" message kind.
        from . import messages  # noqa: F401
