"""Submitters: answer CMS's question with text and documents, and download determination letters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from determinations import permissions
from determinations.forms.review import AnswerForm
from determinations.models import Determination
from determinations.services import letters, review
from determinations.services.review_transitions import open_information_request
from determinations.workflow import TransitionRefused, TransitionRepeated

from .access import attachment, submission_for
from .steps import steps_for


@login_required
def information_request_answer(request, pk: int):
    """The open question, what was added for it so far, and the answer; members only."""
    submission = submission_for(request, pk)
    question = open_information_request(submission)
    if question is None and request.method == "POST":
        # An answer from a page opened before the question was answered or closed (another tab, a
        # colleague): the workflow says what happened, and the text is shown back, never dropped.
        question = submission.information_requests.order_by("-asked_at", "-pk").first()
    if question is None:
        messages.info(request, "There is no open question from CMS on this request.")
        return redirect("determinations:submission_detail", submission.pk)
    answering = permissions.can_answer_information_request(request.user, submission, question, now=timezone.now())
    if answering.code in (permissions.Code.NOT_VISIBLE, permissions.Code.WRONG_ROLE):
        permissions.require(answering)
    form = AnswerForm(request.POST or None, initial={"question": question.pk})
    status = 200 if answering else 409
    refusal, unsent = answering.message, ""
    if request.method == "POST" and answering.code in (permissions.Code.ALLOWED, permissions.Code.NOT_NOW):
        status = 400 if answering else 409
        if form.is_valid():
            try:
                review.information_request_answer(
                    submission_id=submission.pk,
                    actor=request.user,
                    information_request_id=form.cleaned_data["question"],
                    response=form.cleaned_data["response"],
                )
            except TransitionRepeated as repeated:
                messages.info(request, str(repeated))
                return redirect("determinations:submission_detail", submission.pk)
            except TransitionRefused as refused:
                text = form.cleaned_data["response"]
                # Shown again for the question on this page, so sending it again answers that one.
                form = AnswerForm({"question": question.pk, "response": text})
                form.add_error(None, str(refused))
                status = 409
                if not answering:  # the page shows no form, so the text is shown back beside why
                    refusal, unsent = str(refused), text
            else:
                messages.success(request, "Your answer is sent to CMS. The reviewer sees what you changed.")
                return redirect("determinations:submission_detail", submission.pk)
    context = {
        "submission": submission,
        "question": question,
        "form": form,
        "refusal": refusal,
        "unsent": unsent,
        "added_documents": question.documents.select_related("uploaded_by"),
        "steps": steps_for(submission, current="review"),
    }
    return render(request, "determinations/information_request_answer.html", context, status=status)


@login_required
def determination_letter(request, pk: int, determination_pk: int):
    """The determination letter as a PDF: the submitting organization's members and CMS staff."""
    submission = submission_for(request, pk)
    permissions.require(permissions.can_download_document(request.user, submission))
    determination = get_object_or_404(Determination, pk=determination_pk, submission=submission)
    if determination.superseded_at is not None and not request.user.staff_role:
        raise Http404("This decision was reopened; its letter no longer applies.")
    letter = letters.determination_letter_file(determination_id=determination.pk)
    return attachment(letter, letters.letter_filename(determination), content_type="application/pdf")
