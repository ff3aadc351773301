"""A section step of the request form or the All-Payer QP form, once its answers are valid: save, say so, go on."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect


def section_saved(request, submission, form, *, save: Callable, next_url: Callable[[], str]) -> HttpResponseRedirect:
    """Save ``form``'s answers through the service ``save``, then go to the organization's home on "save and
    exit", else to ``next_url()`` (asked after the save: the step after may depend on what was answered)."""
    save(
        submission_id=submission.pk,
        actor=request.user,
        section=form.key,
        answers=form.answers(),
        **form.model_answers(),
    )
    messages.success(request, f"{form.title}: saved.")
    if "save_exit" in request.POST:
        return redirect("accounts:organization_home")
    return redirect(next_url())
