"""App configuration for the shared user-interface pieces (no models)."""

from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = "User interface"
