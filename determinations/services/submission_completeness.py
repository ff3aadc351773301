"""What still stops a draft from being submitted: missing answers, the window, the attestation."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from determinations.forms.sections import SECTIONS
from determinations.models import Submission
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
        form = section(submission=submission)
        for field, question in form.missing(submission.section(section.key)):
            url = section_url(submission, section.key) + (f"#id_{field}" if field != "measures" else "#measures")
            problems.append(Problem(section.key, section.title, f"Missing: {question}", url))
    return problems


def window_problem(submission: Submission, *, now) -> Problem | None:
    window = submission.window
    if window.is_open(now):
        return None
    if now < window.opens_at:
        message = f"The submission window opens on {date_text(window.opens_at)}; you can submit from then."
    else:
        message = (
            f"The submission window closed on {date_text(window.closes_at, time=True)} Eastern time. "
            "CMS does not review requests submitted after the deadline (42 CFR 414.1445)."
        )
    return Problem(
        "window", "Submission window", message, reverse("determinations:submission_review", args=[submission.pk])
    )


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
