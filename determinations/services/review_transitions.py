"""What must hold for each review transition, what it changes, and what follows it.

``determinations.workflow.TRANSITIONS`` names these functions; ``transition_apply`` calls them with
the submission row locked. A guard returns the problems (plain sentences, empty when all holds); an
effect changes related rows, may add to the event's ``payload`` and returns the ``Submission``
fields it changed; a follow-up runs after commit with the submission and the event written.
"""

from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime

from determinations.models import (
    Criterion,
    CriterionResult,
    Determination,
    DeterminationOutcome,
    Finding,
    InformationRequest,
)
from determinations.selectors.public_list import published_list_changed
from determinations.services.notifications import determination_decision_queue, information_request_queue
from determinations.services.precheck import criterion_results_record
from determinations.tasks import determination_letter_render
from qppportal.background import enqueue
from qppportal.dates import date_text

RECOMMENDATIONS = {"approve": "approval", "reject": "rejection"}


def open_information_request(submission):
    return submission.information_requests.filter(responded_at__isnull=True, closed_at__isnull=True).first()


def _when(moment: datetime) -> str:
    return f"{date_text(moment, time=True)} Eastern time"


def _criterion_title(key: str) -> str:
    return str(Criterion(key).label)


def _results(submission) -> list[CriterionResult]:
    """The criterion results in the regulation's order: CEHRT, quality, financial risk."""
    order = {key: position for position, key in enumerate(Criterion.values)}
    return sorted(submission.criterion_results.all(), key=lambda r: order[r.criterion])


# Asking for information ----------------------------------------------------------------------


def _due_at(payload) -> datetime | None:
    value = payload.get("due_at")
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) else None


def request_information_guard(submission, *, now, payload, **context) -> list[str]:
    problems = []
    if not str(payload.get("question", "")).strip():
        problems.append("Write the question for the submitter.")
    due_at = _due_at(payload)
    if due_at is None:
        problems.append("Give the date the answer is due.")
    elif due_at <= now:
        problems.append("The due date must be in the future.")
    return problems


def request_information_repeats(submission, event, *, payload, **context) -> list[str]:
    """A second question while the first is open is not a repeat: it is refused, never dropped."""
    asked = event.payload.get("question", "")
    if str(payload.get("question", "")).strip() == asked:
        return []
    return [
        f"A question asked on {_when(event.at)} is still open: “{asked}”. Your new question was not sent. "
        "Ask it once the open one is answered or closed."
    ]


def request_information_effect(submission, *, now, actor, payload, **context) -> list[str]:
    due_at = _due_at(payload)
    request = InformationRequest.objects.create(
        submission=submission,
        question=payload["question"].strip(),
        due_at=due_at,
        asked_by=actor,
        asked_at=now,
        answers_before=submission.answers,
        measures_before=measures_snapshot(submission),
    )
    payload.update(information_request=request.pk, due_at=due_at.isoformat(), question=request.question)
    return []


def measures_snapshot(submission) -> list[dict]:
    return [
        {"identifier": m.measure_identifier, "title": m.title, "basis": m.basis, "is_outcome": m.is_outcome}
        for m in submission.measures.all()
    ]


def request_information_notify(submission, event) -> None:
    information_request_queue(InformationRequest.objects.get(pk=event.payload["information_request"]))


# Answering, or going on without an answer -----------------------------------------------------


def respond_guard(submission, *, now, payload, **context) -> list[str]:
    request = open_information_request(submission)
    if request is None:
        return ["There is no open question from CMS to answer."]
    if payload.get("information_request", request.pk) != request.pk:
        return [
            f"Your answer was written for an earlier question from CMS; CMS asked a new question on "
            f"{_when(request.asked_at)}. Your text was not sent: read the new question, and send your answer to it."
        ]
    if now > request.due_at:
        return [
            f"The answer was due by {_when(request.due_at)}, so it can no longer be sent here. "
            "Contact your CMS reviewer, who can extend the due date."
        ]
    if not str(payload.get("response", "")).strip():
        return ["Write your answer to CMS's question."]
    return []


def respond_repeats(submission, event, *, payload, **context) -> list[str]:
    """A second, different answer to an answered question is refused with when it was answered."""
    request = InformationRequest.objects.select_related("responded_by").get(pk=event.payload["information_request"])
    if str(payload.get("response", "")).strip() == request.response:
        return []
    by = f" by {request.responded_by}" if request.responded_by else ""
    return [
        f"This question was already answered on {_when(request.responded_at)}{by}; your text was not sent. "
        "It is kept below: copy it, and send it to your CMS reviewer if it adds to that answer."
    ]


def respond_effect(submission, *, now, actor, payload, **context) -> list[str]:
    """Record the answer and re-run the automatic check on the answers as they are now."""
    request = open_information_request(submission)
    request.response = payload.pop("response").strip()
    request.responded_by = actor
    request.responded_at = now
    request.save(update_fields=["response", "responded_by", "responded_at"])
    payload["information_request"] = request.pk
    submission.precheck_outcome = criterion_results_record(submission)
    return ["precheck_outcome"]


def close_information_request_guard(submission, *, now, reason="", **context) -> list[str]:
    request = open_information_request(submission)
    if request is None:
        return ["There is no open question."]
    if now <= request.due_at:
        return [f"The answer is not due until {_when(request.due_at)}; wait for it, or extend the due date."]
    if not reason.strip():
        return ["Say why the review goes on without an answer."]
    return []


def close_information_request_effect(submission, *, now, payload, **context) -> list[str]:
    request = open_information_request(submission)
    request.closed_at = now
    request.save(update_fields=["closed_at"])
    payload["information_request"] = request.pk
    return []


# Recommending ---------------------------------------------------------------------------------


def findings_problems(results: list[CriterionResult], recommendation: str) -> list[str]:
    """Why these findings cannot support this recommendation (empty when they can)."""
    if recommendation not in RECOMMENDATIONS:
        return ["Choose whether to recommend approval or rejection."]
    missing = [r.get_criterion_display() for r in results if not r.finding or not r.rationale.strip()]
    if missing or len(results) < len(Criterion):
        return [f"Record a finding with its rationale for every criterion first (missing: {', '.join(missing)})."]
    unmet = [r.get_criterion_display() for r in results if r.finding != Finding.MEETS]
    if recommendation == "approve" and unmet:
        return [f"Approval needs every criterion to be met; not met: {', '.join(unmet)}."]
    if recommendation == "reject" and not unmet:
        return ["Every criterion is met, so recommend approval, or change a finding."]
    return []


def recommend_guard(submission, *, payload, **context) -> list[str]:
    return findings_problems(_results(submission), payload.get("recommendation", ""))


def recommend_effect(submission, *, payload, **context) -> list[str]:
    """The findings are locked with the recommendation; sending back or reopening unlocks them."""
    results = submission.criterion_results.all()
    payload["findings"] = {r.criterion: r.finding for r in results}
    results.update(locked=True)
    return []


def findings_unlock(submission, **context) -> list[str]:
    submission.criterion_results.update(locked=False)
    return []


# Deciding -------------------------------------------------------------------------------------


def _recommendation(submission):
    return submission.events.filter(event_type="recommend").order_by("-at", "-pk").first()


def approve_guard(submission, *, payload, **context) -> list[str]:
    unmet = [r.get_criterion_display() for r in submission.criterion_results.all() if r.finding != Finding.MEETS]
    if unmet:
        return [f"The findings do not support approval ({', '.join(unmet)} not met): send it back to the reviewer."]
    return approved_years_problems(submission.years, payload)


def approved_years_problems(requested: list[int], payload: dict) -> list[str]:
    """An approval of fewer years than asked: consecutive requested years, with the reason in writing.

    Consecutive, because a determination is effective from its first to its last year (the public
    list and the letter read that range).
    """
    years = payload.get("years")
    if years is None:
        return []
    if not years:
        return ["Choose at least one year to approve."]
    outside = [year for year in years if year not in requested]
    if outside:
        return [f"{', '.join(map(str, outside))} {'was' if len(outside) == 1 else 'were'} not asked for."]
    if years != list(range(years[0], years[-1] + 1)):
        return ["Approve consecutive years: a determination runs from its first year to its last."]
    if len(years) < len(requested) and not payload.get("years_reason"):
        return ["Say why fewer years are approved than were asked for."]
    return []


def reject_guard(submission, *, payload, **context) -> list[str]:
    unmet = payload.get("unmet") or []
    if not unmet:
        return ["Name each criterion that is not met, with the reason."]
    problems = []
    for item in unmet:
        if item.get("criterion") not in Criterion.values:
            problems.append("Name criteria from the list.")
        elif not str(item.get("reason", "")).strip():
            problems.append(f"Give the reason {_criterion_title(item['criterion'])} is not met.")
    return problems


def _determination(submission, *, outcome, reasons, actor, now, payload) -> Determination:
    years = payload.get("years") or submission.years
    recommendation = _recommendation(submission)
    determination = Determination.objects.create(
        submission=submission,
        arrangement_id=submission.arrangement_id,
        outcome=outcome,
        first_year=years[0],
        last_year=years[-1],
        years_reason=payload.get("years_reason", "") if len(years) < len(submission.years) else "",
        reasons=reasons,
        decided_by=actor,
        decided_at=now,
        recommended_by_id=recommendation.actor_id if recommendation else None,
    )
    payload["determination"] = determination.pk
    transaction.on_commit(published_list_changed)
    return determination


def approve_effect(submission, *, now, actor, payload, **context) -> list[str]:
    reasons = [
        {"criterion": r.criterion, "title": r.get_criterion_display(), "outcome": Finding.MEETS, "reason": r.rationale}
        for r in _results(submission)
    ]
    _determination(
        submission, outcome=DeterminationOutcome.APPROVED, reasons=reasons, actor=actor, now=now, payload=payload
    )
    return []


def reject_effect(submission, *, now, actor, payload, **context) -> list[str]:
    """Each criterion's outcome: the ones the lead names are not met, with the lead's reason."""
    unmet = {item["criterion"]: item["reason"].strip() for item in payload["unmet"]}
    reasons = []
    for result in _results(submission):
        if result.criterion in unmet:
            outcome, reason = Finding.DOES_NOT_MEET, unmet[result.criterion]
        elif result.finding == Finding.MEETS:
            outcome, reason = Finding.MEETS, ""
        else:
            outcome, reason = "not_decided", ""
        reasons.append(
            {
                "criterion": result.criterion,
                "title": result.get_criterion_display(),
                "outcome": outcome,
                "reason": reason,
            }
        )
    _determination(
        submission, outcome=DeterminationOutcome.REJECTED, reasons=reasons, actor=actor, now=now, payload=payload
    )
    return []


def decision_notify(submission, event) -> None:
    determination_decision_queue(Determination.objects.get(pk=event.payload["determination"]))


def letter_render_enqueue(submission, event) -> None:
    """Render the letter in the background; the decision e-mail and the download also render it if missing."""
    enqueue(determination_letter_render, event.payload["determination"])


def reopen_effect(submission, *, now, payload, **context) -> list[str]:
    """The current determination is superseded (kept, with its letter); the findings open again."""
    current = Determination.objects.filter(submission=submission, superseded_at__isnull=True)
    payload["superseded"] = list(current.values_list("pk", flat=True))
    current.update(superseded_at=now)
    transaction.on_commit(published_list_changed)
    findings_unlock(submission)
    return []
