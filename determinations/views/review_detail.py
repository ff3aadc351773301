"""CMS staff's page for one request: each criterion's evidence beside its automatic check and the
reviewer's finding, questions to the submitter, internal notes, the decision and the full history.

Views are thin: reads come from ``selectors.review``, writes go through ``services.review``. A
refused step re-renders the page with the reason (409 when someone else changed the request first,
400 for a form to correct) and never changes anything.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations import permissions
from determinations.forms import review as forms
from determinations.models import Criterion, Submission
from determinations.selectors.review import (
    CRITERION_SECTIONS,
    automatic_reasons,
    information_request_changes,
    section_items,
    submission_for_review,
)
from determinations.services import review
from determinations.states import DECIDED, OPEN, SUBMITTER_LABELS, SubmissionStatus
from determinations.workflow import TransitionRefused, is_deciding_lead, is_lead

staff_only = staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD, StaffRole.PROGRAM_ADMIN)
reviewers_only = staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)
CRITERION_ORDER = {key: position for position, key in enumerate(Criterion.values)}


def _load(request, pk: int) -> Submission:
    try:
        return submission_for_review(request.user, pk)
    except Submission.DoesNotExist:
        raise Http404("There is no submitted request with this number.") from None


def _url_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _criteria(submission, results, finding_forms) -> list[dict]:
    documents = list(submission.documents.all())
    blocks = []
    for result in results:
        key = result.criterion
        blocks.append(
            {
                "result": result,
                "reasons": automatic_reasons(result),
                "items": section_items(submission, key) if key in CRITERION_SECTIONS else [],
                "documents": [d for d in documents if d.section == key],
                "form": finding_forms.get(key),
            }
        )
    return blocks


def _context(request, submission, **bound) -> dict:
    user = request.user
    now = timezone.now()
    results = sorted(submission.criterion_results.all(), key=lambda r: CRITERION_ORDER.get(r.criterion, 99))
    may_record, findings_reason = permissions.can_record_findings(user, submission, results)
    finding_forms = bound.pop("finding_forms", None) or (forms.finding_forms(results) if may_record else {})
    questions = list(submission.information_requests.all())
    changes = information_request_changes(submission)
    for question in questions:
        question.changes = changes[question.pk]
    open_question = next((q for q in questions if q.is_open), None)
    is_assignee = submission.assignee_id == user.pk
    status = submission.status
    timeline = submission.timeline
    recommendation = next((e for e in reversed(timeline) if e.event_type == "recommend"), None)
    claim_url = _url_or_empty("determinations:review_claim", submission.pk)
    may_decide, decide_refusal = (
        is_deciding_lead(user, submission) if status == SubmissionStatus.RECOMMENDED else (False, "")
    )
    context = {
        "submission": submission,
        "status_label": submission.get_status_display(),
        "submitter_label": SUBMITTER_LABELS[status],
        "criteria": _criteria(submission, results, finding_forms),
        "may_record_findings": may_record,
        "findings_reason": findings_reason,
        "findings_locked": any(r.locked for r in results),
        "other_sections": [
            {"key": key, "title": title, "items": section_items(submission, key)}
            for key, title in (("contact", "Submitter and payer contact"), ("arrangement", "The arrangement"))
        ],
        "other_documents": [d for d in submission.documents.all() if d.section in ("arrangement", "other")],
        "questions": questions,
        "open_question": open_question,
        "open_question_overdue": bool(open_question and open_question.is_overdue(now)),
        "notes": list(submission.internal_notes.all()),
        "note_form": bound.pop("note_form", None) or forms.InternalNoteForm(),
        "may_add_note": permissions.can_add_internal_note(user, submission)[0],
        "may_ask": is_assignee and status == SubmissionStatus.IN_REVIEW,
        "may_manage_question": is_assignee and open_question is not None,
        "extend_form": bound.pop("extend_form", None) or forms.ExtendDueDateForm(),
        "close_form": bound.pop("close_form", None) or forms.CloseInformationRequestForm(),
        "may_recommend": is_assignee and status == SubmissionStatus.IN_REVIEW,
        "recommend_form": bound.pop("recommend_form", None) or forms.RecommendForm(),
        "recommendation": recommendation,
        "may_decide": may_decide,
        "decide_refusal": decide_refusal,
        "may_reopen": status in DECIDED and is_lead(user, submission)[0],
        "determinations": list(submission.determinations.all()),
        "timeline": timeline,
        "conflict_url": _url_or_empty("determinations:conflict_declare", submission.pk),
        "claim_url": claim_url,
        "may_claim": bool(claim_url)
        and submission.assignee_id is None
        and status in OPEN
        and permissions.can_claim(user)[0],
        "queue_url": _url_or_empty("accounts:reviewer_home"),
        "error": bound.pop("error", ""),
    }
    return context


def _page(request, submission_pk: int, *, status: int = 200, **bound):
    submission = _load(request, submission_pk)
    return render(request, "determinations/review_detail.html", _context(request, submission, **bound), status=status)


def _back(pk: int, anchor: str = ""):
    return redirect(reverse("determinations:review_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


@staff_only
def review_detail(request, pk: int):
    return _page(request, pk)


@reviewers_only
@require_POST
def findings_save(request, pk: int):
    submission = _load(request, pk)
    finding_forms = forms.finding_forms(submission.criterion_results.all(), request.POST)
    if not all(form.is_valid() for form in finding_forms.values()):
        return _page(request, pk, status=400, finding_forms=finding_forms)
    findings = {
        key: review.FindingInput(form.cleaned_data["finding"], form.cleaned_data["rationale"])
        for key, form in finding_forms.items()
    }
    try:
        review.findings_save(submission_id=pk, actor=request.user, findings=findings)
    except TransitionRefused as refused:
        return _page(request, pk, status=409, error=str(refused))
    messages.success(request, "Findings saved as a draft. They lock when you recommend a decision.")
    return _back(pk, "findings")


@staff_only
@require_POST
def note_add(request, pk: int):
    form = forms.InternalNoteForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, note_form=form)
    try:
        review.internal_note_add(submission_id=pk, actor=request.user, text=form.cleaned_data["text"])
    except TransitionRefused as refused:
        return _page(request, pk, status=403, error=str(refused))
    messages.success(request, "Internal note added.")
    return _back(pk, "notes")


@reviewers_only
def information_request_create(request, pk: int):
    submission = _load(request, pk)
    form = forms.InformationRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                review.information_request_ask(
                    submission_id=pk,
                    actor=request.user,
                    question=form.cleaned_data["question"],
                    due_at=forms.end_of_day(form.cleaned_data["due_date"]),
                )
            except TransitionRefused as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                messages.success(
                    request, "The question is sent. The submitter is e-mailed and sees it on the dashboard."
                )
                return _back(pk, "questions")
    context = {"submission": submission, "form": form}
    return render(request, "determinations/information_request_create.html", context, status=status)


@reviewers_only
@require_POST
def information_request_extend(request, pk: int):
    form = forms.ExtendDueDateForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, extend_form=form)
    try:
        review.information_request_extend(
            submission_id=pk,
            actor=request.user,
            due_at=forms.end_of_day(form.cleaned_data["due_date"]),
            reason=form.cleaned_data["reason"],
        )
    except TransitionRefused as refused:
        return _page(request, pk, status=409, error=str(refused))
    messages.success(request, "The due date is extended and the submitter is e-mailed.")
    return _back(pk, "questions")


@reviewers_only
@require_POST
def information_request_close(request, pk: int):
    form = forms.CloseInformationRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, close_form=form)
    try:
        review.information_request_close(submission_id=pk, actor=request.user, reason=form.cleaned_data["reason"])
    except TransitionRefused as refused:
        return _page(request, pk, status=409, error=str(refused))
    messages.success(request, "The review continues without an answer.")
    return _back(pk, "questions")


@reviewers_only
@require_POST
def recommend(request, pk: int):
    form = forms.RecommendForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, recommend_form=form)
    try:
        review.recommendation_make(
            submission_id=pk,
            actor=request.user,
            recommendation=form.cleaned_data["recommendation"],
            note=form.cleaned_data["note"],
        )
    except TransitionRefused as refused:
        return _page(request, pk, status=409, recommend_form=form, error=str(refused))
    messages.success(
        request, "Your recommendation is recorded and the findings are locked. A review lead decides next."
    )
    return _back(pk)


@staff_role_required(StaffRole.REVIEW_LEAD)
def decide(request, pk: int):
    submission = _load(request, pk)
    results = sorted(submission.criterion_results.all(), key=lambda r: CRITERION_ORDER.get(r.criterion, 99))
    form = forms.DecisionForm(request.POST or None, results=results)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            decision = form.cleaned_data["decision"]
            try:
                review.decision_make(
                    submission_id=pk,
                    actor=request.user,
                    decision=decision,
                    reason=form.cleaned_data["reason"],
                    unmet=form.unmet() if decision == "reject" else None,
                )
            except TransitionRefused as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                done = {
                    "approve": "Approved. The letter is being prepared and the submitter is e-mailed.",
                    "reject": "Rejected. The letter is being prepared and the submitter is e-mailed.",
                    "send_back": "Sent back to the reviewer; the findings are open again.",
                }
                messages.success(request, done[decision])
                return _back(pk)
    recommendation = next((e for e in reversed(submission.timeline) if e.event_type == "recommend"), None)
    context = {"submission": submission, "form": form, "results": results, "recommendation": recommendation}
    return render(request, "determinations/review_decide.html", context, status=status)


@staff_role_required(StaffRole.REVIEW_LEAD)
def reopen(request, pk: int):
    submission = _load(request, pk)
    form = forms.ReopenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                review.decision_reopen(submission_id=pk, actor=request.user, reason=form.cleaned_data["reason"])
            except TransitionRefused as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                messages.success(request, "The decision is reopened and back in review. The reason is in the history.")
                return _back(pk)
    context = {"submission": submission, "form": form, "determinations": list(submission.determinations.all())}
    return render(request, "determinations/review_reopen.html", context, status=status)
