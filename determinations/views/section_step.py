"""The steps of the request form and the All-Payer QP form: a valid section saved (say so, go on), and a step
opened after the form was sent (say so, show what was sent)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from qppportal.dates import date_text


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


def sent_already(request, submission, *, what: str, detail: str) -> HttpResponseRedirect:
    """A step of ``what`` ("request") opened once it can no longer be changed: say when it was sent, and go to
    the page ``detail`` (a URL name) that shows what was sent."""
    when = f" on {date_text(submission.submitted_at, time=True)}" if submission.submitted_at else ""
    tracking = f" (tracking number {submission.tracking_number})" if submission.tracking_number else ""
    messages.info(
        request, f"This {what} was submitted{when}{tracking}, so it can no longer be changed. Here is what was sent."
    )
    return redirect(detail, submission.pk)
