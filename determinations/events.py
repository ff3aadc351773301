"""Every kind of event in a request's history, its label, and who may see it.

The first group are the workflow table's transitions (``determinations/workflow.py`` names each by
its ``EventType``); the rest are things that happen without a change of state. Events are written
only through ``determinations.services.events.event_record`` and never changed afterwards (the
database refuses UPDATE and DELETE on the table).
"""

from django.db import models


class EventVisibility(models.TextChoices):
    PUBLIC = "public", "Submitter and CMS staff"
    STAFF = "staff", "CMS staff only"


class EventType(models.TextChoices):
    # Transitions of the workflow table.
    SUBMIT = "submit", "Submitted to CMS"
    WITHDRAW = "withdraw", "Withdrawn"
    START_REVIEW = "start_review", "Review started"
    REQUEST_INFORMATION = "request_information", "CMS asked for more information"
    RESPOND = "respond", "Information sent to CMS"
    CLOSE_INFORMATION_REQUEST = "close_information_request", "Review continued without an answer"
    RECOMMEND = "recommend", "Recommendation made"
    SEND_BACK = "send_back", "Sent back to the reviewer"
    APPROVE = "approve", "Approved"
    REJECT = "reject", "Not approved"
    REOPEN = "reopen", "Decision reopened"
    APPLY_PAYER_APPROVAL = "apply_payer_approval", "Approved by the payer's determination"
    APPLY_PAYER_REJECTION = "apply_payer_rejection", "Not approved by the payer's determination"
    # Everything else.
    DRAFT_CREATED = "draft_created", "Draft started"
    COPIED_FROM = "copied_from", "Draft started from an earlier request"
    DOCUMENT_UPLOADED = "document_uploaded", "Document uploaded"
    DOCUMENT_REMOVED = "document_removed", "Document removed"
    PARTICIPANTS_UPLOADED = "participants_uploaded", "Participant list uploaded"
    RECEIPT_SENT = "receipt_sent", "Receipt e-mailed"
    FINDINGS_SAVED = "findings_saved", "Findings saved as a draft"
    NOTE_ADDED = "note_added", "Internal note added"
    INFORMATION_REQUEST_SENT = "information_request_sent", "Question e-mailed to the submitter"
    INFORMATION_REQUEST_EXTENDED = "information_request_extended", "Due date of the question extended"
    INFORMATION_REQUEST_OVERDUE = "information_request_overdue", "Question past its due date without an answer"
    DECISION_SENT = "decision_sent", "Decision e-mailed to the submitter"
    LETTER_RENDERED = "letter_rendered", "Determination letter prepared"
    ASSIGNED = "assigned", "Assigned to a reviewer"
    REASSIGNED = "reassigned", "Reassigned to another reviewer"
    CLAIMED = "claimed", "Claimed by a reviewer"
    UNASSIGNED = "unassigned", "Reviewer unassigned"
    CONFLICT_DECLARED = "conflict_declared", "Conflict of interest declared"
    CRITERIA_RECHECKED = "criteria_rechecked", "Automatic criterion checks run again (batch job)"
    MULTI_YEAR_RETESTED = "multi_year_retested", "Multi-year determination re-tested (batch job)"
    LETTER_REGENERATED = "letter_regenerated", "Determination letter regenerated (batch job)"
    LINKED_TO_PAYER_REQUEST = "linked_to_payer_request", "Linked to the payer's request for the same arrangement"
    CLINICIAN_REQUEST_LINKED = "clinician_request_linked", "Eligible Clinician Initiated request linked"
    UNLINKED_FROM_PAYER_REQUEST = "unlinked_from_payer_request", "Link to the payer's request removed"
    CONFIRMATION_SUBMITTED = "confirmation_submitted", "Yearly confirmation of the multi-year determination sent"
    CONFIRMATION_ACKNOWLEDGED = "confirmation_acknowledged", "Yearly confirmation acknowledged by CMS"


# Internal steps of CMS's review; the submitter's history leaves them out.
STAFF_ONLY = frozenset(
    {
        EventType.RECOMMEND,
        EventType.SEND_BACK,
        EventType.RECEIPT_SENT,
        EventType.FINDINGS_SAVED,
        EventType.NOTE_ADDED,
        EventType.INFORMATION_REQUEST_SENT,
        EventType.INFORMATION_REQUEST_OVERDUE,
        EventType.DECISION_SENT,
        EventType.LETTER_RENDERED,
        EventType.ASSIGNED,
        EventType.REASSIGNED,
        EventType.CLAIMED,
        EventType.UNASSIGNED,
        EventType.CONFLICT_DECLARED,
        EventType.CRITERIA_RECHECKED,
        EventType.MULTI_YEAR_RETESTED,
        EventType.LETTER_REGENERATED,
        EventType.LINKED_TO_PAYER_REQUEST,
        EventType.CLINICIAN_REQUEST_LINKED,
        EventType.UNLINKED_FROM_PAYER_REQUEST,
    }
)


def visibility_of(event_type: EventType) -> EventVisibility:
    return EventVisibility.STAFF if event_type in STAFF_ONLY else EventVisibility.PUBLIC


def event_label(event_type: str, payload) -> str:
    """The history's line for an event: its type's label, and the name it is about (a document, a person)."""
    label = EventType(event_type).label if event_type in EventType.values else event_type.replace("_", " ").capitalize()
    name = payload.get("name") if isinstance(payload, dict) else None
    return f"{label}: {name}" if name else label
