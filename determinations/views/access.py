"""How the submitter's and the reviewer's pages load a request and hand out its files, the same way on every page."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from determinations import permissions
from determinations.models import Submission
from determinations.selectors.review import review_row, submission_for_review

NOT_FOUND = "No such request."


def submission_for(request, pk: int, *, edit: bool = False) -> Submission:
    """The request, if this person may see it (or change it, with ``edit``); a refusal stops the page.

    A request the person may not see answers exactly as one that does not exist (the same 404), so
    its number says nothing (decision 0028); other refusals show their reason on the 403 page.
    """
    submission = get_object_or_404(
        Submission.objects.select_related("arrangement", "organization", "performance_year", "window"), pk=pk
    )
    check = permissions.can_edit_submission if edit else permissions.can_view_submission
    require_visible(check(request.user, submission), not_found=NOT_FOUND)
    return submission


def require_visible(decision: permissions.Decision, *, not_found: str) -> None:
    """Stop the page on a refusal: what the person may not see answers as a missing one (a 404 saying
    ``not_found``, decision 0028); any other refusal shows its reason on the 403 page."""
    if decision.code is permissions.Code.NOT_VISIBLE:
        raise Http404(not_found)
    permissions.require(decision)


def submission_under_review(request, pk: int, *, relations: bool = True) -> Submission:
    """The request with everything the review pages show (with ``relations=False``, only its row,
    for a page that loads the rest when its cached blocks miss); a draft or a missing one is a 404,
    and a person recused from its organization gets the 403 page saying so, before any form is read."""
    try:
        if relations:
            submission = submission_for_review(request.user, pk)
        else:
            submission = review_row(request.user, pk, joined=False)
    except Submission.DoesNotExist:
        raise Http404("There is no submitted request with this number.") from None
    permissions.require(permissions.can_view_submission(request.user, submission))
    return submission


def attachment(stored_file, filename: str, *, content_type: str | None = None, inline: bool = False) -> FileResponse:
    """A stored document or letter as a download under the name the person knows it by.

    ``inline`` lets the browser show it (a PDF opened at a cited page) instead of saving it.
    """
    return FileResponse(stored_file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type)
