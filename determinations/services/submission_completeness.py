"""What still stops a draft from being submitted: missing answers, participants, documents, the window,
the attestation. Each problem links to the field that solves it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from determinations.forms.sections import SECTIONS
from determinations.models import DocumentSection, Submission
from qppportal.dates import date_text


@dataclass(frozen=True)
class Problem:
    section: str
    section_title: str
    message: str
    url: str


def section_url(submission: Submission, section: str) -> str:
    return reverse("determinations:submission_section", args=[submission.pk, section])


def missing_by_section(submission: Submission) -> list[Problem]:
    problems = []
    for section in SECTIONS:
        if not section.applies_to(submission):
            continue
        form = section.for_checking(submission)
        for field, question in form.missing(submission.section(section.key)):
            url = section_url(submission, section.key) + (f"#id_{field}" if field != "measures" else "#measures")
            problems.append(Problem(section.key, section.title, f"Missing: {question}", url))
    return problems + participant_problems(submission) + document_problems(submission)


def participant_problems(submission: Submission) -> list[Problem]:
    entities = list(submission.apm_entities.all())
    if not entities:
        message = "Missing: the participant list (APM Entities with their TINs, and their clinicians' NPIs)"
        return [Problem("participants", "Participants", message, _participants_url(submission))]
    hospitals = submission.section("cehrt").get("hospitals_are_apm_entities") is True
    unknown = [entity.name for entity in entities if hospitals and entity.uses_cehrt is None]
    if unknown:
        message = f"Missing: whether each hospital uses CEHRT (the uses_cehrt column) for {', '.join(unknown)}"
        return [Problem("participants", "Participants", message, _participants_url(submission))]
    return []


def _participants_url(submission: Submission) -> str:
    return reverse("determinations:submission_participants", args=[submission.pk]) + "#id_file"


def document_problems(submission: Submission) -> list[Problem]:
    """CMS decides on the contract: at least one document must be the contract or an excerpt of it.

    Read from ``documents.all()`` so that a batch that prefetched the documents runs no query here."""
    if any(document.section != DocumentSection.OTHER for document in submission.documents.all()):
        return []
    url = reverse("determinations:submission_documents", args=[submission.pk]) + "#id_file"
    message = "Missing: the contract or arrangement agreement (upload at least one contract document)"
    return [Problem("documents", "Supporting documents", message, url)]


def window_problem(submission: Submission, *, now) -> Problem | None:
    return window_closed_problem(
        submission.window,
        now=now,
        url=reverse("determinations:submission_review", args=[submission.pk]),
        refusal="CMS does not review requests submitted after the deadline (42 CFR 414.1445).",
    )


def window_closed_problem(window, *, now, url: str, refusal: str) -> Problem | None:
    """Why nothing can be submitted in ``window`` now (not open yet, or closed), or ``None`` while it is open."""
    if window.is_open(now):
        return None
    if now < window.opens_at:
        message = f"The submission window opens on {date_text(window.opens_at)}; you can submit from then."
    else:
        message = f"The submission window closed on {date_text(window.closes_at, time=True)} Eastern time. {refusal}"
    return Problem("window", "Submission window", message, url)


def submission_blocking_problems(submission: Submission, *, now=None) -> list[Problem]:
    now = now or timezone.now()
    problems = []
    if (window := window_problem(submission, now=now)) is not None:
        problems.append(window)
    problems += missing_by_section(submission)
    if not submission.attestation.get("attested_at"):
        problems.append(
            Problem(
                "attestation",
                "Attestation",
                "Missing: the attestation by someone with authority to bind the organization.",
                reverse("determinations:submission_review", args=[submission.pk]) + "#attestation",
            )
        )
    return problems
