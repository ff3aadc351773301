"""Reads for the staff review page: one submission with everything a reviewer weighs, in a fixed
number of queries, and what changed between CMS's question and the submitter's answer."""

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Subquery, prefetch_related_objects

from accounts.models import Membership, User
from determinations.forms.base import answer_display, answer_label
from determinations.forms.sections import SECTIONS, SECTIONS_BY_KEY
from determinations.models import (
    ApmEntityParticipant,
    ConflictOfInterest,
    CriterionCitation,
    CriterionResult,
    Determination,
    DeterminationOutcome,
    Document,
    InformationRequest,
    InternalNote,
    Submission,
    SubmissionEvent,
)
from determinations.permissions import ViewerFacts
from determinations.services.review_transitions import measures_snapshot
from determinations.states import SubmissionStatus

from .submissions import submissions_visible_to

CRITERION_SECTIONS = ("cehrt", "quality", "financial_risk")


# What the review pages' headers show of the request's related rows.
HEADER_RELATIONS = ("arrangement", "organization", "performance_year", "window", "created_by", "assignee")


def review_row(user: User, submission_id: int, *, joined: bool = True) -> Submission:
    """The request's row, in one query, with what the permission checks would each ask about
    ``user`` (their recusal and membership) and who recommended, as ``submission.viewer_facts``.

    ``joined`` reads the header's related rows too (``HEADER_RELATIONS``); a page whose header is
    cached leaves them out, which keeps the query cheap to plan. Raises ``Submission.DoesNotExist``
    for a request ``user`` may not see.
    """
    rows = submissions_visible_to(user)
    if joined:
        rows = rows.select_related(*HEADER_RELATIONS)
    submission = rows.annotate(
        viewer_recused_at=Subquery(
            ConflictOfInterest.objects.filter(reviewer=user, organization_id=OuterRef("organization_id")).values(
                "declared_at"
            )[:1]
        ),
        viewer_is_member=Exists(Membership.objects.filter(user=user, organization_id=OuterRef("organization_id"))),
        recommended_by_id=Subquery(
            SubmissionEvent.objects.filter(submission=OuterRef("pk"), event_type="recommend")
            .order_by("-at", "-pk")
            .values("actor_id")[:1]
        ),
    ).get(pk=submission_id)
    submission.viewer_facts = ViewerFacts(
        user_id=user.pk,
        recused_at=submission.viewer_recused_at,
        is_member=submission.viewer_is_member,
        recommended_by_id=submission.recommended_by_id,
    )
    return submission


@dataclass(frozen=True)
class ReviewFacts:
    """What the review page decides on besides the row, fixed for one data version (so cached under it)."""

    findings_locked: bool
    open_question_due_at: datetime | None  # None without an open question
    has_current_approval: bool
    determination_ids: tuple[int, ...]  # every determination it has had, current or not
    has_linked_requests: bool  # clinicians' requests linked to this payer's request (linking records events)


# In the facts' cache key, so a copy cached before a field was added or renamed is never read back.
REVIEW_FACTS_FIELDS = ",".join(f.name for f in fields(ReviewFacts))


def review_facts(submission: Submission) -> ReviewFacts:
    """Two queries."""
    facts = (
        Submission.objects.filter(pk=submission.pk)
        .annotate(
            findings_locked=Exists(CriterionResult.objects.filter(submission=OuterRef("pk"), locked=True)),
            open_question_due_at=Subquery(
                InformationRequest.objects.filter(
                    submission=OuterRef("pk"), responded_at__isnull=True, closed_at__isnull=True
                )
                .order_by("asked_at", "pk")
                .values("due_at")[:1]
            ),
            has_linked_requests=Exists(Submission.objects.filter(payer_request=OuterRef("pk"))),
            has_current_approval=Exists(
                Determination.objects.filter(
                    submission=OuterRef("pk"), superseded_at__isnull=True, outcome=DeterminationOutcome.APPROVED
                )
            ),
        )
        .values("findings_locked", "open_question_due_at", "has_current_approval", "has_linked_requests")
        .get()
    )
    determination_ids = tuple(Determination.objects.filter(submission=submission).values_list("pk", flat=True))
    return ReviewFacts(**facts, determination_ids=determination_ids)


def review_relations_load(submission: Submission) -> Submission:
    """Everything a review page shows of the request, loaded onto its row (a fixed number of queries)."""
    prefetch_related_objects(
        [submission],
        *HEADER_RELATIONS,  # no query for those the row was read with
        "measures__mips_measure",
        Prefetch("apm_entities", queryset=ApmEntityParticipant.objects.prefetch_related("clinicians")),
        Prefetch("citations", queryset=CriterionCitation.objects.select_related("document")),
        Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
        Prefetch(
            "events", queryset=SubmissionEvent.objects.select_related("actor").order_by("at", "pk"), to_attr="timeline"
        ),
        Prefetch("criterion_results", queryset=CriterionResult.objects.select_related("finding_by")),
        Prefetch(
            "information_requests",
            queryset=InformationRequest.objects.select_related("asked_by", "responded_by").order_by("asked_at", "pk"),
        ),
        Prefetch("internal_notes", queryset=InternalNote.objects.select_related("author")),
        Prefetch(
            "determinations",
            queryset=Determination.objects.select_related("decided_by", "recommended_by").order_by("-decided_at"),
        ),
    )
    return submission


def submission_for_review(user: User, submission_id: int) -> Submission:
    """One submission with its evidence, findings, questions, notes, decisions and full history."""
    return review_relations_load(review_row(user, submission_id))


@dataclass
class AnswerChange:
    section: str
    question: str
    before: object
    after: object


@dataclass
class Changes:
    """What the submitter changed between a question and the answer (or now, while it is open)."""

    answers: list[AnswerChange] = field(default_factory=list)
    measures_added: list[str] = field(default_factory=list)
    measures_removed: list[str] = field(default_factory=list)
    documents_added: list[Document] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.answers or self.measures_added or self.measures_removed or self.documents_added)


def answer_changes(before: dict, after: dict) -> list[AnswerChange]:
    changes = []
    order = [s.key for s in SECTIONS] + sorted((set(before) | set(after)) - {s.key for s in SECTIONS})
    for key in order:
        old, new = before.get(key, {}), after.get(key, {})
        if old == new:
            continue
        section = SECTIONS_BY_KEY.get(key)
        fields = section.base_fields if section else {}
        for name in list(fields) + sorted((set(old) | set(new)) - set(fields)):
            if old.get(name) == new.get(name):
                continue
            field_ = fields.get(name)
            changes.append(
                AnswerChange(
                    section=section.title if section else key,
                    question=answer_label(field_) if field_ else name,
                    before=answer_display(field_, old.get(name)),
                    after=answer_display(field_, new.get(name)),
                )
            )
    return changes


def _measure_name(measure: dict) -> str:
    return f"{measure['identifier']}: {measure['title']}" if measure.get("identifier") else measure["title"]


def information_request_changes(submission: Submission) -> dict[int, Changes]:
    """For each question of a prefetched submission, what changed from the question to the answer.

    The state after an answer is the state the next question recorded, or the request as it is now.
    """
    requests = sorted(submission.information_requests.all(), key=lambda r: (r.asked_at, r.pk))
    documents = defaultdict(list)
    for document in submission.documents.all():
        if document.information_request_id:
            documents[document.information_request_id].append(document)
    now_measures = measures_snapshot(submission)
    result = {}
    for position, request in enumerate(requests):
        following = requests[position + 1] if position + 1 < len(requests) else None
        answers_after = following.answers_before if following else submission.answers
        measures_after = following.measures_before if following else now_measures
        before_names = [_measure_name(m) for m in request.measures_before]
        after_names = [_measure_name(m) for m in measures_after]
        result[request.pk] = Changes(
            answers=answer_changes(request.answers_before, answers_after),
            measures_added=[m for m in after_names if m not in before_names],
            measures_removed=[m for m in before_names if m not in after_names],
            documents_added=documents[request.pk],
        )
    return result


def section_items(submission: Submission, key: str) -> list[tuple[str, str]]:
    """(question, answer) pairs of one section as the submitter saw them, for reading beside the checks."""
    section = SECTIONS_BY_KEY[key](submission=submission)
    # The form's initial values: the stored answers as the questions show them (loss bands one by one);
    # labels from the declared fields, without the "(required to submit)" the form adds.
    return [
        (answer_label(section.base_fields.get(name, f)), answer_display(f, section.initial.get(name)))
        for name, f in section.fields.items()
    ]


def automatic_reasons(result: CriterionResult) -> list[dict]:
    """The automatic check's reasons for one criterion, each with its citation when it has one."""
    stored = result.automatic_result or {}
    reasons = []
    for check in stored.get("checks") or [stored]:
        for reason in check.get("reasons", []):
            text = reason.get("text", "") if isinstance(reason, dict) else str(reason)
            citation = reason.get("citation", "") if isinstance(reason, dict) else ""
            if citation and citation in text:
                citation = ""  # the text already cites it
            reasons.append({"text": text, "citation": citation, "check": check.get("check", "")})
    return reasons


@dataclass
class Renewal:
    """A request started from an approved one: that version, what changed since, and its findings."""

    source: Submission
    changes: Changes
    findings: dict[str, CriterionResult]


def renewal_of(submission: Submission) -> Renewal | None:
    """The approved request ``submission`` was copied from, compared with it (two queries), or None.

    Documents are never copied, so only answers and measures are compared.
    """
    if submission.copied_from_id is None:
        return None
    source = (
        Submission.objects.filter(pk=submission.copied_from_id, status=SubmissionStatus.APPROVED)
        .prefetch_related(
            "measures", Prefetch("criterion_results", queryset=CriterionResult.objects.select_related("finding_by"))
        )
        .first()
    )
    if source is None:
        return None
    before = [_measure_name(m) for m in measures_snapshot(source)]
    after = [_measure_name(m) for m in measures_snapshot(submission)]
    changes = Changes(
        answers=answer_changes(source.answers, submission.answers),
        measures_added=[m for m in after if m not in before],
        measures_removed=[m for m in before if m not in after],
    )
    return Renewal(source=source, changes=changes, findings={r.criterion: r for r in source.criterion_results.all()})


@dataclass(frozen=True)
class YearOutcome:
    year: int
    outcome: str  # "" when CMS has not set the year's parameters
    differs: bool
    reasons: list = field(default_factory=list)


def yearly_outcomes(result: CriterionResult, years: list[int]) -> list[YearOutcome]:
    """One criterion's automatic outcome in each requested year, flagging years that differ from the first."""
    by_year = (result.automatic_result or {}).get("by_year") or {}
    outcomes = []
    for year in years:
        stored = by_year.get(str(year))
        if stored is None:
            outcomes.append(YearOutcome(year, "", year != years[0]))
        else:
            outcomes.append(YearOutcome(year, stored["outcome"], stored["differs"], stored.get("reasons", [])))
    return outcomes
