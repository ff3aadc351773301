"""App configuration for batch jobs; each domain app registers its job kinds when Django starts."""

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "Batch jobs"

    def ready(self):
        from . import messages  # noqa: F401 - registers the "job stalled" message kind
