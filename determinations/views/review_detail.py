"""CMS staff's page for one request: each criterion's evidence beside its automatic check and the
reviewer's finding, questions to the submitter, internal notes, the decision and the full history.

Views are thin: reads come from ``selectors.review``, writes go through ``services.review``. A
refused step re-renders the page with the reason (409 when someone else changed the request first,
400 for a form to correct) and never changes anything.
"""

from collections.abc import Callable
from functools import cache, partial

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations import permissions
from determinations.forms import review as forms
from determinations.fragments import FORM_FIELDS, Block, cached_blocks, form_block, template_block
from determinations.models import Criterion
from determinations.page_cache import cached_page, request_key
from determinations.rules.participants import participant_counts
from determinations.selectors.linked_requests import linked_requests_panel
from determinations.selectors.participants import participants_of
from determinations.selectors.review import (
    CRITERION_SECTIONS,
    REVIEW_FACTS_FIELDS,
    ReviewFacts,
    automatic_reasons,
    information_request_changes,
    renewal_of,
    review_facts,
    review_relations_load,
    section_items,
    yearly_outcomes,
)
from determinations.services import review
from determinations.services.confirmations import confirmations_of
from determinations.states import SUBMITTER_LABELS
from determinations.views.access import submission_under_review
from determinations.workflow import TransitionRefused, transitions_available
from qppportal.cache import tokens
from qppportal.fragments import Page, kept_or_rendered

staff_only = staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD, StaffRole.PROGRAM_ADMIN)
reviewers_only = staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)
CRITERION_ORDER = {key: position for position, key in enumerate(Criterion.values)}


def _url_or_empty(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _criteria(submission, results, finding_forms, renewal) -> list[dict]:
    documents = list(submission.documents.all())
    citations = list(submission.citations.all())
    blocks = []
    for result in results:
        key = result.criterion
        blocks.append(
            {
                "result": result,
                "reasons": automatic_reasons(result),
                "items": section_items(submission, key) if key in CRITERION_SECTIONS else [],
                "documents": [d for d in documents if d.section == key],
                "citations": [c for c in citations if c.criterion == key],
                "years": yearly_outcomes(result, submission.years),
                "form": finding_forms.get(key),
                "last_year": renewal.findings.get(key) if renewal else None,
            }
        )
    return blocks


def _other_sections(submission) -> list[dict]:
    return [
        {"key": key, "title": title, "items": section_items(submission, key)}
        for key, title in (("contact", "Submitter and payer contact"), ("arrangement", "The arrangement"))
    ]


def _results(submission) -> list:
    return sorted(submission.criterion_results.all(), key=lambda r: CRITERION_ORDER.get(r.criterion, 99))


def _loaded(submission, renewal) -> dict:
    """What the cached blocks show, read (a fixed number of queries) only when one of them is missing."""
    review_relations_load(submission)
    questions = list(submission.information_requests.all())
    changes = information_request_changes(submission)
    for question in questions:
        question.changes = changes[question.pk]
    timeline = submission.timeline
    entities = participants_of(submission.apm_entities.all())
    return {
        "submission": submission,
        "submitter_label": SUBMITTER_LABELS[submission.status],
        "results": _results(submission),
        "renewal": renewal,
        "other_sections": _other_sections(submission),
        "other_documents": [d for d in submission.documents.all() if d.section in ("arrangement", "other")],
        "entities": entities,
        "counts": participant_counts(entities),
        "show_cehrt": submission.section("cehrt").get("hospitals_are_apm_entities") is True,
        "questions": questions,
        "notes": list(submission.internal_notes.all()),
        "recommendation": next((e for e in reversed(timeline) if e.event_type == "recommend"), None),
        "determinations": list(submission.determinations.all()),
        "timeline": timeline,
    }


def _blocks(submission, *, renewal, findings, may_recommend: bool, overdue: bool, bound: dict) -> dict:
    """The page's blocks: from the cache, each under the request's data version and what this viewer
    changes in it; rendered only when missing. Forms sent back with errors are this person's unsaved
    input: they are rendered for this response and never cached."""
    version = submission.fragment_version
    loaded = cache(partial(_loaded, submission, renewal))

    def with_(**extra):
        return lambda: {**loaded(), **extra}

    def criteria():
        finding_forms = bound.get("finding_forms") or (forms.finding_forms(loaded()["results"]) if findings else {})
        return {**loaded(), "criteria": _criteria(submission, loaded()["results"], finding_forms, renewal)}

    renewal_version = renewal.source.fragment_version if renewal else ""
    blocks = {
        "header": template_block(f"review:header:{version}", "determinations/_review_header.html", loaded),
        "contents": template_block(f"review:contents:{version}", "determinations/_review_contents.html", loaded),
        "request": template_block(f"review:request:{version}", "determinations/_review_request.html", loaded),
        "criteria": template_block(
            f"review:criteria:{version}:{findings.allowed}:{renewal_version}",
            "determinations/_review_criteria.html",
            criteria,
        ),
        "decision": template_block(
            f"review:decision:{version}:{may_recommend}",
            "determinations/_review_decision.html",
            with_(may_recommend=may_recommend),
        ),
        "questions": template_block(
            f"review:questions:{version}:{overdue}",
            "determinations/_review_questions.html",
            with_(open_question_overdue=overdue),
        ),
        "notes": template_block(f"review:notes:{version}", "determinations/_review_notes.html", loaded),
        "history": template_block(f"review:history:{version}", "determinations/_review_history.html", loaded),
    }
    unbound = {
        "note_form": forms.InternalNoteForm,
        "extend_form": forms.ExtendDueDateForm,
        "close_form": forms.CloseInformationRequestForm,
        "recommend_form": forms.RecommendForm,
    }
    blocks.update({name: form_block(form_class) for name, form_class in unbound.items() if name not in bound})
    fresh = {name: render_to_string(FORM_FIELDS, {"form": bound[name]}) for name in unbound if name in bound}
    if "finding_forms" in bound:
        fresh["criteria"] = blocks.pop("criteria").render()
    return {**cached_blocks(blocks), **fresh}


def _facts(submission) -> ReviewFacts:
    """What the page decides on besides the row, cached under the request's data version."""
    key = f"review:facts:{REVIEW_FACTS_FIELDS}:{submission.fragment_version}"
    return cached_blocks({"facts": Block(key, partial(review_facts, submission))})["facts"]


def _context(request, submission, facts: ReviewFacts, now, **bound) -> dict:
    """The page's context: what differs per person and per request (the actions this person may
    take, the forms' CSRF tokens, messages) around the blocks kept in the cache (``_blocks``)."""
    user = request.user
    error = bound.pop("error", "")
    findings = permissions.can_record_findings(user, submission, locked=facts.findings_locked)
    overdue = facts.open_question_due_at is not None and now > facts.open_question_due_at
    # What the workflow table lets this person do now, each with its permission's decision.
    available = transitions_available(submission, user)
    may = {name for name, decision in available.items() if decision}
    renewal = renewal_of(submission)
    claim_url = _url_or_empty("determinations:review_claim", submission.pk)
    return {
        "submission": submission,
        "renewal": renewal,
        "may_record_findings": findings.allowed,
        "findings_reason": findings.message,
        "findings_locked": facts.findings_locked,
        "open_question_due_at": facts.open_question_due_at,
        "open_question_overdue": overdue,
        "may_add_note": permissions.can_add_internal_note(user, submission).allowed,
        "may_ask": "request_information" in may,
        "may_manage_question": facts.open_question_due_at is not None
        and permissions.can_manage_information_request(user, submission).allowed,
        "may_recommend": "recommend" in may,
        "may_decide": "approve" in may,
        "decide_refusal": available["approve"].message if "approve" in available else "",
        "may_reopen": "reopen" in may,
        "conflict_url": _url_or_empty("determinations:conflict_declare", submission.pk),
        "claim_url": claim_url,
        "may_claim": bool(claim_url) and permissions.can_claim(user, submission).allowed,
        "queue_url": _url_or_empty("accounts:reviewer_home"),
        "error": error,
        "blocks": _blocks(
            submission,
            renewal=renewal,
            findings=findings,
            may_recommend="recommend" in may,
            overdue=overdue,
            bound=bound,
        ),
        "confirmations": confirmations_of(submission) if facts.has_current_approval else [],
        "linked_panel": linked_requests_panel(
            submission, user, has_linked=facts.has_linked_requests, determination_ids=facts.determination_ids
        ),
    }


REVIEW_TEMPLATE = "determinations/review_detail.html"


def _page(request, submission_pk: int, *, status: int = 200, **bound):
    """The page for a refused step: the reason or the form to correct, never kept."""
    submission = submission_under_review(request, submission_pk, relations=False)
    context = _context(request, submission, _facts(submission), timezone.now(), **bound)
    return render(request, REVIEW_TEMPLATE, context, status=status)


def _kept_page(request, submission_pk: int, cached, now) -> Page:
    """The page as this viewer sees it at this address, and how it is kept (decision 0040): until the open
    question falls due, and for a renewal also under the token of the request it renews (read before
    that request is). A request whose page shows what moves without its token is not kept: one that
    has had a determination (its jobs' progress, its yearly confirmations) or has clinicians'
    requests linked to it (their statuses)."""
    submission = submission_under_review(request, submission_pk, relations=False)
    renews = tokens([request_key(submission.copied_from_id)]) if submission.copied_from_id else {}
    facts = _facts(submission)
    context = _context(request, submission, facts, now)
    if facts.determination_ids or facts.has_linked_requests:
        return Page(REVIEW_TEMPLATE, context, None)
    due = facts.open_question_due_at
    valid_until = due if due is not None and now <= due else None
    return Page(REVIEW_TEMPLATE, context, partial(cached.keep, valid_until=valid_until, also=renews))


def _back(pk: int, anchor: str = ""):
    return redirect(reverse("determinations:review_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


def _attempt(request, pk: int, step: Callable[[], object], *, done: str, anchor: str = "", refused_status=409, **bound):
    """Take a review step from the review page. A refusal changes nothing and re-renders the page
    with the reason (409: someone changed the request first); success goes back with ``done``."""
    try:
        step()
    except TransitionRefused as refused:
        return _page(request, pk, status=refused_status, error=str(refused), **bound)
    messages.success(request, done)
    return _back(pk, anchor)


def _form_page(request, submission, form, template: str, step: Callable[[dict], str], *, anchor="", **context):
    """A review step with a page of its own: the form, then ``step(cleaned_data)``, which returns
    the success message. A form to correct is a 400; a refusal shows its reason on the form (409)."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = step(form.cleaned_data)
            except TransitionRefused as refused:
                form.add_error(None, str(refused))
                status = 409
            else:
                messages.success(request, done)
                return _back(submission.pk, anchor)
    context = {"submission": submission, "form": form, **context}
    return render(request, template, context, status=status)


@staff_only
def review_detail(request, pk: int):
    """The whole page is kept per viewer and address under the request's and the viewer's tokens
    (``determinations/page_cache.py``): a load with nothing changed runs no query."""
    now = timezone.now()
    cached = cached_page("review", request.user, request.get_full_path(), [request_key(pk)], now)
    return kept_or_rendered(request, cached.html, partial(_kept_page, request, pk, cached, now))


@reviewers_only
@require_POST
def findings_save(request, pk: int):
    submission = submission_under_review(request, pk)
    finding_forms = forms.finding_forms(submission.criterion_results.all(), request.POST)
    if not all(form.is_valid() for form in finding_forms.values()):
        return _page(request, pk, status=400, finding_forms=finding_forms)
    findings = {
        key: review.FindingInput(form.cleaned_data["finding"], form.cleaned_data["rationale"])
        for key, form in finding_forms.items()
    }
    return _attempt(
        request,
        pk,
        lambda: review.findings_save(submission_id=pk, actor=request.user, findings=findings),
        done="Findings saved as a draft. They lock when you recommend a decision.",
        anchor="findings",
    )


@staff_only
@require_POST
def note_add(request, pk: int):
    form = forms.InternalNoteForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, note_form=form)
    return _attempt(
        request,
        pk,
        lambda: review.internal_note_add(submission_id=pk, actor=request.user, text=form.cleaned_data["text"]),
        done="Internal note added.",
        anchor="notes",
        refused_status=403,
    )


@reviewers_only
def information_request_create(request, pk: int):
    def ask(data) -> str:
        review.information_request_ask(
            submission_id=pk, actor=request.user, question=data["question"], due_at=forms.end_of_day(data["due_date"])
        )
        return "The question is sent. The submitter is e-mailed and sees it on the dashboard."

    form = forms.InformationRequestForm(request.POST or None)
    return _form_page(
        request,
        submission_under_review(request, pk),
        form,
        "determinations/information_request_create.html",
        ask,
        anchor="questions",
    )


@reviewers_only
@require_POST
def information_request_extend(request, pk: int):
    form = forms.ExtendDueDateForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, extend_form=form)
    return _attempt(
        request,
        pk,
        lambda: review.information_request_extend(
            submission_id=pk,
            actor=request.user,
            due_at=forms.end_of_day(form.cleaned_data["due_date"]),
            reason=form.cleaned_data["reason"],
        ),
        done="The due date is extended and the submitter is e-mailed.",
        anchor="questions",
    )


@reviewers_only
@require_POST
def information_request_close(request, pk: int):
    form = forms.CloseInformationRequestForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, close_form=form)
    return _attempt(
        request,
        pk,
        lambda: review.information_request_close(
            submission_id=pk, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        done="The review continues without an answer.",
        anchor="questions",
    )


@reviewers_only
@require_POST
def recommend(request, pk: int):
    form = forms.RecommendForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, status=400, recommend_form=form)
    return _attempt(
        request,
        pk,
        lambda: review.recommendation_make(
            submission_id=pk,
            actor=request.user,
            recommendation=form.cleaned_data["recommendation"],
            note=form.cleaned_data["note"],
        ),
        done="Your recommendation is recorded and the findings are locked. A review lead decides next.",
        recommend_form=form,
    )


DECIDED_MESSAGES = {
    "approve": "Approved. The letter is being prepared and the submitter is e-mailed.",
    "reject": "Rejected. The letter is being prepared and the submitter is e-mailed.",
    "send_back": "Sent back to the reviewer; the findings are open again.",
}


DECIDE_TEMPLATE = "determinations/review_decide.html"


def _decide_blocks(submission, results: Callable[[], list], *, with_form: bool) -> dict:
    """The recommendation and findings, and the empty decision form, under the request's data version."""

    def summary() -> dict:
        recommended = submission.events.filter(event_type="recommend").select_related("actor").order_by("-at", "-pk")
        return {"submission": submission, "results": results(), "recommendation": recommended.first()}

    def empty_form() -> dict:
        return {"form": forms.DecisionForm(results=results(), years=submission.years)}

    version = submission.fragment_version
    blocks = {
        "summary": template_block(f"decide:summary:{version}", "determinations/_review_decide_summary.html", summary)
    }
    if with_form:
        blocks["form"] = template_block(f"decide:form:{version}", FORM_FIELDS, empty_form)
    return cached_blocks(blocks)


def _decide_page(request, pk: int, keep) -> Page:
    submission = submission_under_review(request, pk, relations=False)
    blocks = _decide_blocks(submission, cache(partial(_results, submission)), with_form=True)
    return Page(DECIDE_TEMPLATE, {"submission": submission, "form": None, "blocks": blocks}, keep)


@staff_role_required(StaffRole.REVIEW_LEAD)
def decide(request, pk: int):
    """The lead's decision. The recommendation, the findings and the empty form are kept in the
    cache under the request's data version, and the whole page per viewer and address under the
    request's and the viewer's tokens (decision 0040); a form sent back with errors is rendered afresh."""
    if request.method != "POST":
        cached = cached_page("decide", request.user, request.get_full_path(), [request_key(pk)], timezone.now())
        return kept_or_rendered(request, cached.html, partial(_decide_page, request, pk, cached.keep))
    submission = submission_under_review(request, pk, relations=False)
    results = cache(partial(_results, submission))
    form = forms.DecisionForm(request.POST or None, results=results(), years=submission.years)

    def make(data) -> str:
        review.decision_make(
            submission_id=pk,
            actor=request.user,
            decision=data["decision"],
            reason=data["reason"],
            unmet=form.unmet() if data["decision"] == "reject" else None,
            years=data.get("years"),
            years_reason=data.get("years_reason", ""),
        )
        return DECIDED_MESSAGES[data["decision"]]

    blocks = _decide_blocks(submission, results, with_form=False)
    return _form_page(request, submission, form, DECIDE_TEMPLATE, make, blocks=blocks)


@staff_role_required(StaffRole.REVIEW_LEAD)
def reopen(request, pk: int):
    submission = submission_under_review(request, pk)

    def make(data) -> str:
        review.decision_reopen(submission_id=pk, actor=request.user, reason=data["reason"])
        return "The decision is reopened and back in review. The reason is in the history."

    form = forms.ReopenForm(request.POST or None)
    determinations = list(submission.determinations.all())
    return _form_page(
        request, submission, form, "determinations/review_reopen.html", make, determinations=determinations
    )
