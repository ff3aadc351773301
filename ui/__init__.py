"""Shared user-interface pieces: template tags for the USWDS crispy-forms pack in ``templates/uswds/``."""
