"""Who may do what with a determination request.

Every check returns a ``Decision``: allowed, or refused with a ``Code`` saying what kind of refusal
it is and a message for the person. Views and services act on the code (``require`` turns a refusal
into the 403 page), never on the message's wording. The workflow table
(``determinations/workflow.py``) names the checks below that guard each status change.

A page that asks many checks about one request reads what they need with the request's row
(``selectors.review.review_row`` sets ``submission.viewer_facts``), so the checks ask the database
nothing more; without those facts each check reads what it needs.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from accounts.models import StaffRole, User
from determinations.models import AllPayerQPStatus, ConflictOfInterest, Submission
from determinations.states import EDITABLE, FINDINGS_OPEN, OPEN, STAFF_VISIBLE, SubmissionStatus
from qppportal.dates import date_text


class Code(StrEnum):
    ALLOWED = "allowed"
    # The person may not see the request at all (another organization's, or a draft for staff).
    NOT_VISIBLE = "not_visible"
    # A declared conflict of interest with the request's organization.
    RECUSED = "recused"
    # The person's role (or lack of one) does not do this.
    WRONG_ROLE = "wrong_role"
    # Only the reviewer assigned to the request does this.
    NOT_ASSIGNEE = "not_assignee"
    # The two-person rule: whoever recommended a decision does not make it.
    OWN_RECOMMENDATION = "own_recommendation"
    # Not in the request's present state (submitted, locked, answered, already taken).
    NOT_NOW = "not_now"
    # A due date has passed.
    TOO_LATE = "too_late"


@dataclass(frozen=True)
class Decision:
    code: Code = Code.ALLOWED
    message: str = ""

    @property
    def allowed(self) -> bool:
        return self.code is Code.ALLOWED

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision()
NOT_YOURS = Decision(Code.NOT_VISIBLE, "This request belongs to another organization.")
REVIEW_STAFF = (StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)


def require(decision: Decision) -> None:
    """Stop the request with the refusal's message on the 403 page."""
    if not decision:
        raise PermissionDenied(decision.message)


@dataclass(frozen=True)
class ViewerFacts:
    """What the checks below would each query, read for one viewer with the request's row."""

    user_id: int
    recused_at: datetime | None  # when the viewer declared a conflict with the request's organization
    is_member: bool  # of the request's organization
    recommended_by_id: int | None  # who made the request's latest recommendation


def _facts(user: User, submission: Submission) -> ViewerFacts | None:
    facts = getattr(submission, "viewer_facts", None)
    return facts if facts is not None and facts.user_id == user.pk else None


def _is_member(user: User, submission: Submission) -> bool:
    if facts := _facts(user, submission):
        return facts.is_member
    return user.memberships.filter(organization_id=submission.organization_id).exists()


def recusal(user: User, submission: Submission) -> Decision:
    """RECUSED when ``user`` declared a conflict of interest with the organization that filed ``submission``.

    A recusal covers every view and action on that organization's requests: every staff check below
    asks this after the role check. Only staff declare conflicts, so submitters cost no query.
    """
    if not user.staff_role:
        return ALLOWED
    if facts := _facts(user, submission):
        declared_at = facts.recused_at
    else:
        declared_at = (
            ConflictOfInterest.objects.filter(reviewer=user, organization_id=submission.organization_id)
            .values_list("declared_at", flat=True)
            .first()
        )
    if declared_at is None:
        return ALLOWED
    return Decision(
        Code.RECUSED,
        "You declared a conflict of interest with the organization that filed this request "
        f"on {date_text(declared_at)}, so you are recused from all its requests. Another member of CMS staff "
        "handles them.",
    )


# --- Filing a request -------------------------------------------------------------------------


def can_start_request(user: User) -> Decision:
    if user.staff_role:
        return Decision(Code.WRONG_ROLE, "CMS staff review requests; they do not file them.")
    if not user.memberships.exists():
        return Decision(
            Code.WRONG_ROLE, "You need to be a member of a payer, APM Entity or practice to start a request."
        )
    return ALLOWED


def can_copy_submission(user: User, submission: Submission) -> Decision:
    started = can_start_request(user)
    if not started:
        return started
    return ALLOWED if _is_member(user, submission) else NOT_YOURS


def can_view_submission(user: User, submission: Submission) -> Decision:
    if user.staff_role and submission.status in STAFF_VISIBLE:
        return recusal(user, submission)
    if _is_member(user, submission):
        return ALLOWED
    return NOT_YOURS


def can_edit_submission(user: User, submission: Submission) -> Decision:
    if not _is_member(user, submission):
        viewing = can_view_submission(user, submission)
        return Decision(Code.WRONG_ROLE, "CMS staff review requests; they do not change them.") if viewing else viewing
    if submission.status not in EDITABLE:
        return Decision(
            Code.NOT_NOW,
            "This request was submitted, so it can no longer be changed. Its answers are shown read-only.",
        )
    return ALLOWED


def can_download_document(user: User, submission: Submission) -> Decision:
    """Documents and letters are for the submitting organization's members and CMS staff only."""
    return can_view_submission(user, submission)


def can_remove_document(user: User, submission: Submission, document) -> Decision:
    """While answering CMS, only the documents added for the answer can be removed; the evidence stays."""
    editing = can_edit_submission(user, submission)
    if not editing:
        return editing
    if submission.status == SubmissionStatus.INFORMATION_REQUESTED and document.information_request_id is None:
        return Decision(
            Code.NOT_NOW, "This document was part of the submitted request, so it stays. Add a new one instead."
        )
    return ALLOWED


def can_answer_information_request(user: User, submission: Submission, request, *, now) -> Decision:
    if not _is_member(user, submission):
        viewing = can_view_submission(user, submission)
        if not viewing:
            return viewing
        return Decision(Code.WRONG_ROLE, "Only the submitting organization answers CMS's questions.")
    if submission.status != SubmissionStatus.INFORMATION_REQUESTED or not request.is_open:
        return Decision(Code.NOT_NOW, "This question is already answered or closed.")
    if now > request.due_at:
        return Decision(
            Code.TOO_LATE,
            "The answer was due earlier, so it can no longer be sent here. Contact your CMS reviewer.",
        )
    return ALLOWED


# --- The checks the workflow table names for each transition ----------------------------------


def is_member(user: User, submission: Submission) -> Decision:
    if _is_member(user, submission):
        return ALLOWED
    return Decision(Code.NOT_VISIBLE, "Only members of the submitting organization can do this.")


def is_reviewer(user: User, submission: Submission | None = None) -> Decision:
    if user.staff_role not in REVIEW_STAFF:
        return Decision(Code.WRONG_ROLE, "Only CMS reviewers can do this.")
    return recusal(user, submission) if submission is not None else ALLOWED


def is_lead(user: User, submission: Submission | None = None) -> Decision:
    if user.staff_role != StaffRole.REVIEW_LEAD:
        return Decision(Code.WRONG_ROLE, "Only a CMS review lead can do this.")
    return recusal(user, submission) if submission is not None else ALLOWED


def is_assignee(user: User, submission: Submission) -> Decision:
    if submission.assignee_id != user.pk:
        return Decision(Code.NOT_ASSIGNEE, "Only the reviewer assigned to this request can do this.")
    return recusal(user, submission)


def is_deciding_lead(user: User, submission: Submission) -> Decision:
    """A lead decides, and never on a recommendation they made themselves."""
    lead = is_lead(user, submission)
    if not lead:
        return lead
    if facts := _facts(user, submission):
        recommended_by_id = facts.recommended_by_id
    else:
        recommended = submission.events.filter(event_type="recommend").order_by("-at", "-pk").first()
        recommended_by_id = recommended.actor_id if recommended is not None else None
    if recommended_by_id is not None and recommended_by_id == user.pk:
        return Decision(Code.OWN_RECOMMENDATION, "You recommended this decision, so another review lead must make it.")
    return ALLOWED


# --- Review queue and assignment (determinations/services/assignment.py) ---------------------


def can_assign(user: User) -> Decision:
    if user.staff_role == StaffRole.REVIEW_LEAD:
        return ALLOWED
    return Decision(Code.WRONG_ROLE, "Only a CMS review lead can assign requests to reviewers.")


def can_be_assigned(user: User) -> Decision:
    if user.is_active and user.staff_role == StaffRole.REVIEWER:
        return ALLOWED
    return Decision(Code.WRONG_ROLE, f"{user} is not an active CMS reviewer, so requests cannot be assigned to them.")


def can_claim(user: User, submission: Submission | None = None) -> Decision:
    """Reviewers claim; with a ``submission``, also whether that request is open and unassigned."""
    if user.staff_role == StaffRole.REVIEW_LEAD:
        return Decision(Code.WRONG_ROLE, "Review leads assign requests to reviewers; they do not claim them.")
    if user.staff_role != StaffRole.REVIEWER:
        return Decision(Code.WRONG_ROLE, "Only CMS reviewers can claim a request.")
    if submission is None:
        return ALLOWED
    if submission.assignee_id is not None or submission.status not in OPEN:
        return Decision(Code.NOT_NOW, f"{submission} is not open and unassigned, so it cannot be claimed.")
    return recusal(user, submission)


def can_declare_conflict(user: User, submission: Submission) -> Decision:
    """Once declared, the conflict covers this page too: the refusal says when it was declared."""
    if user.staff_role not in REVIEW_STAFF:
        return Decision(Code.WRONG_ROLE, "Only CMS reviewers and review leads declare conflicts of interest.")
    if submission.status not in STAFF_VISIBLE:
        return NOT_YOURS
    return recusal(user, submission)


# --- Findings, information requests and notes (determinations/services/review.py) -------------


def can_record_findings(user: User, submission: Submission, *, locked: bool) -> Decision:
    """The assigned reviewer drafts findings while the review is open and before they lock
    (``locked``: whether the request's criterion results are locked)."""
    if user.staff_role not in REVIEW_STAFF:
        return Decision(Code.WRONG_ROLE, "Only CMS reviewers and review leads can do this.")
    if submission.assignee_id != user.pk:
        return Decision(Code.NOT_ASSIGNEE, "Only the reviewer assigned to this request can record findings.")
    if submission.status not in FINDINGS_OPEN or locked:
        return Decision(
            Code.NOT_NOW,
            "The findings are locked: the review is finished. A review lead can send it back or reopen it.",
        )
    return recusal(user, submission)


def can_manage_information_request(user: User, submission: Submission) -> Decision:
    if user.staff_role not in REVIEW_STAFF:
        return Decision(Code.WRONG_ROLE, "Only CMS reviewers and review leads can do this.")
    if submission.assignee_id != user.pk:
        return Decision(Code.NOT_ASSIGNEE, "Only the reviewer assigned to this request can change its questions.")
    return recusal(user, submission)


def can_add_internal_note(user: User, submission: Submission) -> Decision:
    if not user.staff_role:
        return Decision(Code.WRONG_ROLE, "Internal notes are for CMS staff only.")
    if submission.status not in STAFF_VISIBLE:
        return Decision(Code.NOT_VISIBLE, "CMS staff cannot see drafts.")
    return recusal(user, submission)


# All-Payer QP submissions (``determinations/models/all_payer.py``) ------------------------------

ALL_PAYER_NOT_YOURS = Decision(Code.NOT_VISIBLE, "This All-Payer QP submission belongs to another organization.")


def can_start_all_payer_qp(user: User) -> Decision:
    """APM Entities, practices (TINs) and clinicians submit their All-Payer figures; payers and CMS staff do not."""
    if user.staff_role:
        return Decision(Code.WRONG_ROLE, "CMS staff do not submit All-Payer QP data.")
    if not user.memberships.exclude(organization__kind="payer").exists():
        return Decision(
            Code.WRONG_ROLE,
            "All-Payer QP data are submitted by an APM Entity, a practice (TIN) or an eligible clinician, not a payer.",
        )
    return ALLOWED


def can_view_all_payer_qp(user: User, submission) -> Decision:
    """Its organization's members; program admins once it is submitted (the figures the QP batch reads)."""
    if user.staff_role == StaffRole.PROGRAM_ADMIN and submission.status != AllPayerQPStatus.DRAFT:
        return ALLOWED
    return ALLOWED if _is_member(user, submission) else ALL_PAYER_NOT_YOURS


def can_edit_all_payer_qp(user: User, submission) -> Decision:
    viewing = can_view_all_payer_qp(user, submission)
    if not viewing:
        return viewing
    if not submission.is_editable:
        return Decision(Code.NOT_NOW, "This All-Payer QP submission was submitted, so it can no longer be changed.")
    return ALLOWED
