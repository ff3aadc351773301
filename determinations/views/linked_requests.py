"""Reviewers link Eligible Clinician Initiated requests to the Payer Initiated request for the same
arrangement: a search page with the candidates to select (each one that cannot be linked says
why), and removing a link made by mistake. Writes go through ``services.linked_requests``."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import StaffRole
from accounts.views.decorators import staff_role_required
from determinations.models import Submission
from determinations.selectors.linked_requests import link_candidates
from determinations.services import linked_requests
from determinations.views.access import submission_under_review

reviewers_only = staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)


class LinkSearchForm(forms.Form):
    q = forms.CharField(
        label="Find requests",
        required=False,
        max_length=200,
        help_text="Tracking number, arrangement, payer or organization name.",
    )


def _back(pk: int):
    return redirect(reverse("determinations:review_detail", args=[pk]) + "#linked")


@reviewers_only
def requests_link(request, pk: int):
    payer_request = submission_under_review(request, pk)
    allowed = linked_requests.can_link_requests(request.user, payer_request)
    if not allowed:
        messages.error(request, allowed.message)
        return _back(pk)
    if request.method == "POST":
        chosen = [int(value) for value in request.POST.getlist("requests") if value.isdigit()]
        if not chosen:
            messages.error(request, "Select at least one request to link.")
            return redirect(request.get_full_path())
        try:
            result = linked_requests.requests_link(payer_request_id=pk, request_ids=chosen, actor=request.user)
        except linked_requests.LinkRefused as refused:
            messages.error(request, str(refused))
            return _back(pk)
        if result.linked:
            names = ", ".join(str(s) for s in result.linked)
            applying = " Its determination is being applied to them (a batch job)." if result.job else ""
            messages.success(request, f"Linked: {names}.{applying}")
        for why in result.refused:
            messages.error(request, f"Not linked: {why}")
        return _back(pk)
    search = LinkSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    context = {
        "submission": payer_request,
        "search": search,
        "query": query,
        "candidates": link_candidates(payer_request, query),
    }
    return render(request, "determinations/requests_link.html", context)


@reviewers_only
@require_POST
def request_unlink(request, pk: int, linked_pk: int):
    submission_under_review(request, pk)
    try:
        unlinked = linked_requests.request_unlink(payer_request_id=pk, request_id=linked_pk, actor=request.user)
    except (linked_requests.LinkRefused, Submission.DoesNotExist) as refused:
        messages.error(request, str(refused) or "There is no such linked request.")
    else:
        messages.success(request, f"{unlinked} is no longer linked to this request.")
    return _back(pk)
