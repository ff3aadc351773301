"""Submitters: answer CMS's question with text and documents, and download determination letters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from determinations import permissions
from determinations.forms.review import AnswerForm
from determinations.models import Determination, Submission
from determinations.services import letters, review
from determinations.services.review_transitions import open_information_request
from determinations.workflow import TransitionRefused

from .steps import steps_for


def _submission(request, pk: int) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("arrangement", "organization", "performance_year", "window"), pk=pk
    )
    allowed, reason = permissions.can_view_submission(request.user, submission)
    if not allowed:
        raise PermissionDenied(reason)
    return submission


@login_required
def information_request_answer(request, pk: int):
    """The open question, what was added for it so far, and the answer; members only."""
    submission = _submission(request, pk)
    question = open_information_request(submission)
    if question is None:
        messages.info(request, "There is no open question from CMS on this request.")
        return redirect("determinations:submission_detail", submission.pk)
    allowed, reason = permissions.can_answer_information_request(request.user, submission, question, now=timezone.now())
    if not allowed and reason == permissions.NOT_YOURS:
        raise PermissionDenied(reason)
    form = AnswerForm(request.POST or None)
    status = 200 if allowed else 409
    if request.method == "POST" and allowed:
        status = 400
        if form.is_valid():
            try:
                review.information_request_answer(
                    submission_id=submission.pk, actor=request.user, response=form.cleaned_data["response"]
                )
            except TransitionRefused as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                messages.success(request, "Your answer is sent to CMS. The reviewer sees what you changed.")
                return redirect("determinations:submission_detail", submission.pk)
    context = {
        "submission": submission,
        "question": question,
        "form": form,
        "refusal": "" if allowed else reason,
        "added_documents": question.documents.select_related("uploaded_by"),
        "steps": steps_for(submission, current="review"),
    }
    return render(request, "determinations/information_request_answer.html", context, status=status)


@login_required
def determination_letter(request, pk: int, determination_pk: int):
    """The determination letter as a PDF: the submitting organization's members and CMS staff."""
    submission = _submission(request, pk)
    allowed, reason = permissions.can_download_letter(request.user, submission)
    if not allowed:
        raise PermissionDenied(reason)
    determination = get_object_or_404(Determination, pk=determination_pk, submission=submission)
    if determination.superseded_at is not None and not request.user.staff_role:
        raise Http404("This decision was reopened; its letter no longer applies.")
    letter = letters.determination_letter_file(determination_id=determination.pk)
    return FileResponse(
        letter.open("rb"),
        as_attachment=True,
        filename=letters.letter_filename(determination),
        content_type="application/pdf",
    )
