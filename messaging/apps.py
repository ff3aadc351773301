"""App configuration for the outbox; each app registers its message kinds when Django starts."""

from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messages"
