"""Models of the determinations domain, one module per concept."""

from .all_payer import (
    AllPayerQPArrangement,
    AllPayerQPFigures,
    AllPayerQPStatus,
    AllPayerQPSubmission,
    AllPayerQPTotals,
)
from .confirmation import YearlyConfirmation
from .determination import Determination, DeterminationOutcome
from .event import EventVisibility, SubmissionEvent
from .evidence import ArrangementMeasure, CriterionCitation, Document, DocumentKind, DocumentSection, MeasureBasis
from .measure import MeasureType, MipsMeasure
from .participants import ApmEntityParticipant, ClinicianParticipant
from .performance_year import PerformanceYear, SubmissionWindow, SubmissionWindowChange
from .qp import (
    ClinicianNpi,
    ParticipationRecord,
    ParticipationUpload,
    ParticipationUploadError,
    QPDetermination,
    QPDeterminationRun,
)
from .reminder import ReminderKind, ReminderSchedule
from .review import ConflictOfInterest, Criterion, CriterionResult, Finding, InformationRequest, InternalNote
from .saved_view import SavedQueueView
from .submission import Arrangement, Submission

__all__ = [
    "AllPayerQPArrangement",
    "AllPayerQPFigures",
    "AllPayerQPStatus",
    "AllPayerQPSubmission",
    "AllPayerQPTotals",
    "ApmEntityParticipant",
    "Arrangement",
    "ArrangementMeasure",
    "ClinicianNpi",
    "ClinicianParticipant",
    "ConflictOfInterest",
    "CriterionCitation",
    "Criterion",
    "CriterionResult",
    "Determination",
    "DeterminationOutcome",
    "Document",
    "DocumentKind",
    "DocumentSection",
    "EventVisibility",
    "Finding",
    "InformationRequest",
    "InternalNote",
    "MeasureBasis",
    "MeasureType",
    "MipsMeasure",
    "ParticipationRecord",
    "ParticipationUpload",
    "ParticipationUploadError",
    "PerformanceYear",
    "QPDetermination",
    "QPDeterminationRun",
    "ReminderKind",
    "ReminderSchedule",
    "SavedQueueView",
    "Submission",
    "SubmissionEvent",
    "SubmissionWindow",
    "SubmissionWindowChange",
    "YearlyConfirmation",
]
