"""The USWDS step indicator of the request form: each section, documents, then review."""

from dataclasses import dataclass

from django.urls import reverse

from determinations.forms.sections import SECTIONS
from determinations.services.submission_completeness import missing_by_section
from determinations.states import SubmissionStatus


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    url: str
    state: str  # "complete", "current" or "incomplete"


def steps_for(submission, *, current: str) -> list[Step]:
    incomplete_sections = {problem.section for problem in missing_by_section(submission)}
    steps = []
    for section in SECTIONS:
        if not section.applies_to(submission):
            continue
        url = reverse("determinations:submission_section", args=[submission.pk, section.key])
        done = section.key in submission.answers and section.key not in incomplete_sections
        steps.append(Step(section.key, section.title, url, step_state(section.key, current, done)))
        if section.key == "arrangement":
            participants_done = "participants" not in incomplete_sections
            participants_url = reverse("determinations:submission_participants", args=[submission.pk])
            steps.append(
                Step(
                    "participants",
                    "Participants",
                    participants_url,
                    step_state("participants", current, participants_done),
                )
            )
    documents_done = "documents" not in incomplete_sections
    steps.append(
        Step(
            "documents",
            "Supporting documents",
            reverse("determinations:submission_documents", args=[submission.pk]),
            step_state("documents", current, documents_done),
        )
    )
    if submission.status == SubmissionStatus.INFORMATION_REQUESTED:
        # While answering a question from CMS, the last step is the answer, not a new attestation.
        answer_url = reverse("determinations:information_request_answer", args=[submission.pk])
        steps.append(Step("review", "Answer CMS's question", answer_url, step_state("review", current, False)))
        return steps
    steps.append(
        Step(
            "review",
            "Review and attest",
            reverse("determinations:submission_review", args=[submission.pk]),
            step_state("review", current, False),
        )
    )
    return steps


def step_state(key: str, current: str, done: bool) -> str:
    if key == current:
        return "current"
    return "complete" if done else "incomplete"
