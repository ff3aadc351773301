"""Who may do what with a determination request; each check answers (allowed, reason)."""

from accounts.models import OrganizationKind, StaffRole, User
from determinations.models import Submission
from determinations.states import SubmissionStatus

Decision = tuple[bool, str]

NOT_YOURS = "This request belongs to another organization."


def _is_member(user: User, organization_id: int) -> bool:
    return user.memberships.filter(organization_id=organization_id).exists()


def can_start_request(user: User) -> Decision:
    if user.staff_role:
        return False, "CMS staff review requests; they do not file them."
    if not user.memberships.exists():
        return False, "You need to be a member of a payer, APM Entity or practice to start a request."
    return True, ""


def can_view_submission(user: User, submission: Submission) -> Decision:
    if user.staff_role and submission.status != SubmissionStatus.DRAFT:
        return True, ""
    if _is_member(user, submission.organization_id):
        return True, ""
    return False, NOT_YOURS


def can_edit_submission(user: User, submission: Submission) -> Decision:
    if not _is_member(user, submission.organization_id):
        return False, NOT_YOURS
    if not submission.is_editable:
        return False, "This request was submitted, so it can no longer be changed. Its answers are shown read-only."
    return True, ""


def can_download_document(user: User, submission: Submission) -> Decision:
    """Documents are for the submitting organization's members and CMS staff only."""
    return can_view_submission(user, submission)


def organizations_that_can_file(user: User):
    """Payers file Payer Initiated requests; APM Entities and practices file clinician requests."""
    return [m.organization for m in user.memberships.select_related("organization")]


def is_payer_organization(organization) -> bool:
    return organization.kind == OrganizationKind.PAYER


# --- Review queue and assignment (determinations/services/assignment.py) ---------------------

REVIEW_STAFF = (StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)


def can_view_review_queue(user: User) -> Decision:
    if user.staff_role in REVIEW_STAFF:
        return True, ""
    return False, "The review queue is for CMS reviewers and review leads only."


def can_assign(user: User) -> Decision:
    if user.staff_role == StaffRole.REVIEW_LEAD:
        return True, ""
    return False, "Only a CMS review lead can assign requests to reviewers."


def can_be_assigned(user: User) -> Decision:
    if user.is_active and user.staff_role == StaffRole.REVIEWER:
        return True, ""
    return False, f"{user} is not an active CMS reviewer, so requests cannot be assigned to them."


def can_claim(user: User) -> Decision:
    if user.staff_role == StaffRole.REVIEWER:
        return True, ""
    if user.staff_role == StaffRole.REVIEW_LEAD:
        return False, "Review leads assign requests to reviewers; they do not claim them."
    return False, "Only CMS reviewers can claim a request."


def can_declare_conflict(user: User, submission: Submission) -> Decision:
    if user.staff_role not in REVIEW_STAFF:
        return False, "Only CMS reviewers and review leads declare conflicts of interest."
    if submission.status == SubmissionStatus.DRAFT:
        return False, NOT_YOURS
    return True, ""


# --- Findings, information requests, notes and letters (determinations/services/review.py) ----

FINDINGS_STATES = (SubmissionStatus.IN_REVIEW, SubmissionStatus.INFORMATION_REQUESTED)


def can_remove_document(user: User, submission: Submission, document) -> Decision:
    """While answering CMS, only the documents added for the answer can be removed; the evidence stays."""
    allowed, reason = can_edit_submission(user, submission)
    if not allowed:
        return allowed, reason
    if submission.status == SubmissionStatus.INFORMATION_REQUESTED and document.information_request_id is None:
        return False, "This document was part of the submitted request, so it stays. Add a new one instead."
    return True, ""


def can_answer_information_request(user: User, submission: Submission, request, *, now) -> Decision:
    if not _is_member(user, submission.organization_id):
        return False, NOT_YOURS
    if submission.status != SubmissionStatus.INFORMATION_REQUESTED or not request.is_open:
        return False, "This question is already answered or closed."
    if now > request.due_at:
        return False, "The answer was due earlier, so it can no longer be sent here. Contact your CMS reviewer."
    return True, ""


def can_review(user: User, submission: Submission | None = None) -> Decision:
    if user.staff_role in REVIEW_STAFF:
        return True, ""
    return False, "Only CMS reviewers and review leads can do this."


def can_record_findings(user: User, submission: Submission, results=()) -> Decision:
    """The assigned reviewer drafts findings while the review is open and before they lock."""
    allowed, reason = can_review(user, submission)
    if not allowed:
        return allowed, reason
    if submission.assignee_id != user.pk:
        return False, "Only the reviewer assigned to this request can record findings."
    if submission.status not in FINDINGS_STATES or any(r.locked for r in results):
        return False, "The findings are locked: the review is finished. A review lead can send it back or reopen it."
    return True, ""


def can_manage_information_request(user: User, submission: Submission) -> Decision:
    allowed, reason = can_review(user, submission)
    if allowed and submission.assignee_id != user.pk:
        return False, "Only the reviewer assigned to this request can change its questions."
    return allowed, reason


def can_add_internal_note(user: User, submission: Submission) -> Decision:
    if not user.staff_role:
        return False, "Internal notes are for CMS staff only."
    if submission.status == SubmissionStatus.DRAFT:
        return False, "CMS staff cannot see drafts."
    return True, ""


def can_download_letter(user: User, submission: Submission) -> Decision:
    """Determination letters are for the submitting organization's members and CMS staff."""
    return can_view_submission(user, submission)
