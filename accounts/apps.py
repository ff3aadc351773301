"""App configuration for accounts."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self):
        # Imported here, not at the top: both modules import the models, which are not loaded yet when
        # Django imports this file.
        from .signed_in import connect_invalidation

        connect_invalidation()
        from . import messages  # noqa: F401  (registers the invitation message kind)
