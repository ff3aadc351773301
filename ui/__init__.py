"""Shared user-interface pieces: template tags for the USWDS crispy-forms pack in ``templates/uswds/``, and the
crispy-forms helper of every form (``form_buttons``)."""
