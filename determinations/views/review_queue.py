"""CMS review pages: the queue (the reviewers' home), its CSV export, bulk assignment, claiming,
conflict declarations and the lead's workload page (the lead's home).

The queue and workload pages are served at the role home URLs (``accounts:reviewer_home`` at
``/review/`` and ``accounts:review_lead_home`` at ``/review/lead/``) through ``queue_page`` and
``workload_page``; the rest live in ``determinations/urls_review.py``.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations import permissions
from determinations.downloads import csv_download
from determinations.filters import LEAD_SAVED_VIEWS, MORE_FILTERS, SAVED_VIEWS, STATUS_CHOICES, filters_query
from determinations.forms.assignment import AssignForm, ConflictForm
from determinations.forms.saved_views import SavedViewForm
from determinations.models import SavedQueueView
from determinations.selectors import review_queue
from determinations.selectors.submissions import submissions_visible_to
from determinations.services.assignment import AssignmentRefused, conflict_declare, submission_assign, submission_claim
from determinations.services.saved_views import (
    SavedViewRefused,
    saved_view_delete,
    saved_view_rename,
    saved_view_save,
)
from determinations.views.pagination import page_numbers, query_without
from qppportal.fragments import Page, kept_or_rendered

REVIEW_STAFF = (StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)
QUEUE_TEMPLATE = "determinations/review_queue/queue.html"
WORKLOAD_TEMPLATE = "determinations/review_queue/workload.html"


def _back_to_queue(request) -> str:
    target = request.POST.get("next", "")
    queue = reverse("accounts:reviewer_home")
    if target.startswith(queue) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return queue


def _saved_views(request, *, is_lead: bool) -> list[tuple[str, str, bool]]:
    """(label, URL, is this the page shown) for each built-in view."""
    shown = {key: value for key, value in request.GET.items() if key != "page" and value != ""}
    views = [("All open", {}), *SAVED_VIEWS, *(LEAD_SAVED_VIEWS if is_lead else ())]
    return [
        (label, f"{request.path}?{urlencode(params)}" if params else request.path, params == shown)
        for label, params in views
    ]


def _own_views(request, views: list[SavedQueueView]) -> list[tuple[SavedQueueView, str, bool]]:
    """(view, URL, is this the page shown) for each view the person saved."""
    shown = filters_query(request.GET)
    return [
        (view, f"{request.path}?{view.query}" if view.query else request.path, view.query == shown) for view in views
    ]


def _queue_context(request, *, version: str, now) -> dict:
    queue = review_queue.review_queue_page(request.user, request.GET, version=version, now=now)
    is_lead = permissions.can_assign(request.user).allowed
    can_claim = permissions.can_claim(request.user).allowed
    return {
        "queue": queue,
        "form": queue.filterset.form,
        "rows": queue.page.object_list,
        "now": now,
        "page_numbers": page_numbers(queue.page),
        "query": query_without(request.GET, "page"),
        "status_query": query_without(request.GET, "page", "status"),
        "status_links": [
            (value, label, f"{queue.counts[value]:,}", value == queue.filterset.status_value)
            for value, label in STATUS_CHOICES
            if value in queue.counts
        ],
        "here": request.get_full_path(),
        "is_lead": is_lead,
        "can_claim": can_claim,
        "saved_views": _saved_views(request, is_lead=is_lead),
        "own_views": _own_views(request, review_queue.saved_views_of(request.user)),
        "filters_query": filters_query(request.GET),
        "more_filters_open": any(request.GET.get(name) for name in MORE_FILTERS),
        "columns": 7 + is_lead + can_claim,
        "assign_form": AssignForm(reviewers=queue.reviewers) if is_lead else None,
        "export_url": reverse("determinations:review_queue_export") + "?" + query_without(request.GET, "page"),
    }


def queue_page(request, *, template_name: str = QUEUE_TEMPLATE):
    """The review queue for a reviewer or lead (access is checked by the URL's view).

    The page is kept per viewer and address under the queue's data version, so a page with nothing
    changed is one cache read and no query; only its CSRF fields are this request's own. A page
    with a message to show is rendered afresh and not kept (decision 0038).
    """
    now = timezone.now()
    cached = review_queue.cached_queue_page(request.user, request.get_full_path(), now)
    return kept_or_rendered(
        request,
        cached.html,
        lambda: Page(template_name, _queue_context(request, version=cached.version, now=now), cached.keep),
    )


def workload_page(request, *, template_name: str = WORKLOAD_TEMPLATE, extra_context=None):
    """Each reviewer's open, overdue and decided-this-season requests (for review leads)."""
    now = timezone.now()
    context = {
        "workload": list(review_queue.reviewer_workload(now=now)),
        "season_start": review_queue.season_start(now),
        "waiting": review_queue.lead_waiting(request.user),
        "now": now,
        **(extra_context or {}),
    }
    return render(request, template_name, context)


@staff_role_required(*REVIEW_STAFF)
def review_queue_export(request):
    """The filtered queue as CSV, every page, streamed."""
    filterset = review_queue.queue_filter(request.user, request.GET)
    return csv_download(
        review_queue.CSV_HEADER,
        review_queue.queue_csv_rows(filterset),
        filename=f"review-queue-{timezone.localdate():%Y-%m-%d}.csv",
    )


@staff_role_required(*REVIEW_STAFF)
@require_POST
def review_assign(request):
    permissions.require(permissions.can_assign(request.user))
    form = AssignForm(request.POST, reviewers=review_queue.assignable_reviewers())
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(_back_to_queue(request))
    assignee = form.cleaned_data["assignee"]
    try:
        changed = submission_assign(
            submission_ids=form.cleaned_data["submissions"], assignee=assignee, actor=request.user
        )
    except AssignmentRefused as refused:
        messages.error(request, str(refused))
    else:
        unchanged = len(form.cleaned_data["submissions"]) - len(changed)
        text = f"Assigned {len(changed)} request{'s' if len(changed) != 1 else ''} to {assignee}."
        if unchanged:
            text += f" {unchanged} already had {assignee} as reviewer."
        messages.success(request, text)
    return redirect(_back_to_queue(request))


@staff_role_required(*REVIEW_STAFF)
@require_POST
def review_claim(request, pk: int):
    permissions.require(permissions.can_claim(request.user))
    try:
        submission = submission_claim(submission_id=pk, actor=request.user)
    except AssignmentRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{submission} is assigned to you.")
    return redirect(_back_to_queue(request))


def _saved_view_done(request, text: str, *, query: str | None = None):
    messages.success(request, text)
    if query is not None:
        return redirect(f"{reverse('accounts:reviewer_home')}?{query}" if query else "accounts:reviewer_home")
    return redirect(_back_to_queue(request))


def _saved_view_refused(request, form=None, refused=None):
    if refused is not None:
        messages.error(request, str(refused))
    for errors in form.errors.values() if form is not None else ():
        messages.error(request, errors[0])
    return redirect(_back_to_queue(request))


@staff_role_required(*REVIEW_STAFF)
@require_POST
def review_view_save(request):
    """Save the queue's current filters as a view of the person's own, then show it."""
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        return _saved_view_refused(request, form)
    try:
        view = saved_view_save(owner=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"])
    except SavedViewRefused as refused:
        return _saved_view_refused(request, refused=refused)
    return _saved_view_done(request, f"Saved the view “{view.name}”.", query=view.query)


@staff_role_required(*REVIEW_STAFF)
@require_POST
def review_view_rename(request, pk: int):
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        return _saved_view_refused(request, form)
    try:
        view = saved_view_rename(owner=request.user, view_id=pk, name=form.cleaned_data["name"])
    except SavedQueueView.DoesNotExist:
        raise Http404("You have no saved view with this number.") from None
    except SavedViewRefused as refused:
        return _saved_view_refused(request, refused=refused)
    return _saved_view_done(request, f"Renamed the view to “{view.name}”.")


@staff_role_required(*REVIEW_STAFF)
@require_POST
def review_view_delete(request, pk: int):
    try:
        name = saved_view_delete(owner=request.user, view_id=pk)
    except SavedQueueView.DoesNotExist:
        raise Http404("You have no saved view with this number.") from None
    return _saved_view_done(request, f"Deleted the view “{name}”.")


@staff_role_required(*REVIEW_STAFF)
def review_conflict_declare(request, pk: int):
    """A small page per request: declare a conflict of interest with its organization."""
    submission = get_object_or_404(
        submissions_visible_to(request.user).select_related("arrangement", "organization"), pk=pk
    )
    # Once declared, the conflict refuses this page too (with the date it was declared).
    permissions.require(permissions.can_declare_conflict(request.user, submission))
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declared = conflict_declare(
                reviewer=request.user, submission=submission, reason=form.cleaned_data["reason"]
            )
        except AssignmentRefused as refused:
            form.add_error(None, str(refused))
        else:
            text = f"You are recused from every request of {submission.organization}."
            if declared.unassigned:
                text += f" {len(declared.unassigned)} of them went back to the queue unassigned."
            messages.success(request, text)
            return redirect("accounts:reviewer_home")
    context = {"submission": submission, "form": form}
    return render(request, "determinations/review_queue/conflict_declare.html", context)
