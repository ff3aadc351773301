"""A form's action through a service, and what the person is told: done, already done, or refused and why."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect

from determinations.workflow import TransitionRefused, TransitionRepeated


def done_or_refused(
    request,
    form,
    action: Callable[[], object],
    *,
    done_url: str,
    success: str,
    repeated: type[Exception] = TransitionRepeated,
    refused: type[Exception] = TransitionRefused,
) -> HttpResponseRedirect | None:
    """Run ``action``. Done, or already done before (``repeated``, e.g. a second click): say so and go to
    ``done_url``. Refused (``refused``): the reason goes on ``form`` and None comes back, to show it again.
    A request's actions are refused or repeated by the workflow; an All-Payer QP submission's by its service."""
    try:
        action()
    except repeated as again:
        messages.info(request, str(again))
    except refused as error:
        form.add_error(None, str(error))
        return None
    else:
        messages.success(request, success)
    return redirect(done_url)
