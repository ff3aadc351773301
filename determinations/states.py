"""The states of a determination request and the named sets of them the rest of the code asks about.

It imports nothing from the project, so models, the workflow table, permissions, filters, selectors,
services and views all read the same sets from here. Which transition leads from which state is in
``determinations/workflow.py``.
"""

from django.db import models


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    INFORMATION_REQUESTED = "information_requested", "Information requested"
    RECOMMENDED = "recommended", "Recommended"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


# What submitters see: the internal review steps are CMS's business.
SUBMITTER_LABELS = {
    SubmissionStatus.DRAFT: "Draft: not yet sent to CMS",
    SubmissionStatus.SUBMITTED: "Received by CMS",
    SubmissionStatus.IN_REVIEW: "Under CMS review",
    SubmissionStatus.INFORMATION_REQUESTED: "CMS needs more information from you",
    SubmissionStatus.RECOMMENDED: "Under CMS review",
    SubmissionStatus.APPROVED: "Approved as an Other Payer Advanced APM",
    SubmissionStatus.REJECTED: "Not approved",
    SubmissionStatus.WITHDRAWN: "Withdrawn",
}

# Sent to CMS and not yet decided or withdrawn: the requests someone at CMS still has to act on.
# A tuple, in the order of the review, because the partial indexes of ``Submission`` list it.
OPEN = (
    SubmissionStatus.SUBMITTED,
    SubmissionStatus.IN_REVIEW,
    SubmissionStatus.INFORMATION_REQUESTED,
    SubmissionStatus.RECOMMENDED,
)
DECIDED = frozenset({SubmissionStatus.APPROVED, SubmissionStatus.REJECTED})
# What a submitter may still withdraw: a draft or an open request.
BEFORE_DECISION = frozenset({SubmissionStatus.DRAFT, *OPEN})
# The submitter may change the answers of a draft, and of a request while answering CMS's question.
EDITABLE = frozenset({SubmissionStatus.DRAFT, SubmissionStatus.INFORMATION_REQUESTED})
# The assigned reviewer may draft findings while the review is going on.
FINDINGS_OPEN = frozenset({SubmissionStatus.IN_REVIEW, SubmissionStatus.INFORMATION_REQUESTED})
# CMS staff see every request except drafts.
STAFF_VISIBLE = frozenset(set(SubmissionStatus) - {SubmissionStatus.DRAFT})
