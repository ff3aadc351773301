"""Program admins: add a submission window or change its dates from ``/program/``, with the reason."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations.forms.program import WindowAddForm, WindowDatesForm
from determinations.models import SubmissionWindow
from determinations.services.windows import WindowError, submission_window_save


def _saved(request, form, window=None):
    data = form.cleaned_data
    try:
        window = submission_window_save(
            actor=request.user,
            window=window,
            performance_year=data.get("performance_year"),
            process=data.get("process", ""),
            payer_type=data.get("payer_type", ""),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            is_provisional=data["is_provisional"],
            reason=data["reason"],
        )
    except WindowError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, f"Saved: {window}. The reason is kept with the window.")
    return redirect("accounts:program_admin_home")


@staff_role_required(StaffRole.PROGRAM_ADMIN)
def window_add(request):
    form = WindowAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := _saved(request, form)):
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "determinations/window_form.html", {"form": form, "window": None}, status=status)


@staff_role_required(StaffRole.PROGRAM_ADMIN)
def window_change(request, pk: int):
    window = get_object_or_404(
        SubmissionWindow.objects.select_related("performance_year"), pk=pk, is_demonstration=False
    )
    form = WindowDatesForm(request.POST or None, initial=WindowDatesForm.initial_for(window))
    if request.method == "POST" and form.is_valid() and (response := _saved(request, form, window)):
        return response
    context = {"form": form, "window": window, "changes": window.changes.select_related("actor")}
    return render(request, "determinations/window_form.html", context, status=400 if request.method == "POST" else 200)
