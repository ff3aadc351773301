"""The yearly confirmation of a multi-year determination: two steps for the holder (what changed,
then review and certify), and CMS staff acknowledging it from the review page.

Reads and writes go through ``services.confirmations``; a refusal (nothing owed, already sent)
is shown with its reason, never a 500.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations.forms.base import answer_display
from determinations.forms.confirmation import (
    CONFIRMATION_TEXT,
    ConfirmationAcknowledgeForm,
    ConfirmationCertifyForm,
    ConfirmationSection,
    confirmation_missing,
)
from determinations.models import YearlyConfirmation
from determinations.services import confirmations as service

from .access import submission_for, submission_under_review


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    url: str
    state: str


def _steps(confirmation, *, current: str) -> list[Step]:
    args = [confirmation.determination.submission_id, confirmation.year]
    answered = confirmation.pk is not None and not confirmation_missing(confirmation)
    return [
        Step(
            "changes",
            ConfirmationSection.title,
            reverse("determinations:confirmation_changes", args=args),
            "current" if current == "changes" else ("complete" if answered else "incomplete"),
        ),
        Step(
            "certify",
            "Review and certify",
            reverse("determinations:confirmation_certify", args=args),
            "current" if current == "certify" else "incomplete",
        ),
    ]


def _confirmation(request, pk: int, year: int):
    """The confirmation to fill in, or the redirect that says why there is none."""
    submission = submission_for(request, pk)
    try:
        confirmation = service.confirmation_for(submission_id=submission.pk, year=year, actor=request.user)
    except service.ConfirmationRefused as refused:
        messages.error(request, str(refused))
        return None, redirect("determinations:submission_detail", pk)
    if confirmation.is_submitted:
        messages.info(request, f"The confirmation for {year} was already sent to CMS. Here is the request.")
        return None, redirect("determinations:submission_detail", pk)
    return confirmation, None


@login_required
def confirmation_changes(request, pk: int, year: int):
    confirmation, away = _confirmation(request, pk, year)
    if away:
        return away
    form = ConfirmationSection(request.POST or None, confirmation=confirmation)
    if request.method == "POST" and form.is_valid():
        try:
            service.confirmation_save(submission_id=pk, year=year, actor=request.user, answers=form.answers())
        except service.ConfirmationRefused as refused:
            messages.error(request, str(refused))
            return redirect("determinations:submission_detail", pk)
        messages.success(request, f"{ConfirmationSection.title}: saved.")
        if "save_exit" in request.POST:
            return redirect("accounts:organization_home")
        return redirect("determinations:confirmation_certify", pk, year)
    context = {
        "submission": confirmation.determination.submission,
        "confirmation": confirmation,
        "form": form,
        "steps": _steps(confirmation, current="changes"),
    }
    return render(request, "determinations/confirmation_changes.html", context, status=400 if form.errors else 200)


@login_required
def confirmation_certify(request, pk: int, year: int):
    confirmation, away = _confirmation(request, pk, year)
    if away:
        return away
    form = ConfirmationCertifyForm(request.POST or None)
    missing = [str(ConfirmationSection.base_fields["changed"].label)]
    if confirmation.pk:
        missing = confirmation_missing(confirmation)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                service.confirmation_submit(
                    submission_id=pk,
                    year=year,
                    actor=request.user,
                    name=form.cleaned_data["attester_name"],
                    title=form.cleaned_data["attester_title"],
                )
            except service.ConfirmationRefused as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                messages.success(
                    request, f"Your confirmation for {year} is sent to CMS; CMS staff will acknowledge it."
                )
                return redirect("determinations:submission_detail", pk)
    section = ConfirmationSection(confirmation=confirmation)
    answers = [
        (str(field.label), answer_display(field, confirmation.answers.get(name)))
        for name, field in section.fields.items()
        if confirmation.answers.get(name) not in (None, "", [])
    ]
    context = {
        "submission": confirmation.determination.submission,
        "confirmation": confirmation,
        "form": form,
        "answers": answers,
        "missing": missing,
        "statement": CONFIRMATION_TEXT,
        "steps": _steps(confirmation, current="certify"),
    }
    return render(request, "determinations/confirmation_certify.html", context, status=status)


@staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)
@require_POST
def confirmation_acknowledge(request, pk: int, confirmation_pk: int):
    submission_under_review(request, pk)
    form = ConfirmationAcknowledgeForm(request.POST)
    confirmation = YearlyConfirmation.objects.filter(pk=confirmation_pk, determination__submission_id=pk).first()
    if confirmation is None:
        messages.error(request, "There is no such confirmation on this request.")
    elif not form.is_valid():
        messages.error(request, " ".join(form.errors.get("note", ["Check the note."])))
    else:
        try:
            service.confirmation_acknowledge(
                confirmation_id=confirmation.pk, actor=request.user, note=form.cleaned_data["note"]
            )
        except service.ConfirmationRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Confirmation for {confirmation.year} acknowledged; the holder is e-mailed.")
    return redirect(reverse("determinations:review_detail", args=[pk]) + "#confirmations")
