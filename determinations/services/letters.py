"""Determination letters: an HTML template rendered to PDF with WeasyPrint and kept with the determination.

The letter names the arrangement, the outcome for each criterion, the effective performance years
and the review lead who signed it. It is rendered without fetching anything: the print CSS is in
the template and the URL fetcher only allows ``data:`` URIs. The PDF is stored under MEDIA_ROOT
(outside the web root) and sent only through the permission-checked letter view.
"""

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from determinations.events import EventType
from determinations.models import Determination
from determinations.services.events import event_record

OUTCOME_LABELS = {"meets": "Met", "does_not_meet": "Not met", "not_decided": "Not decided"}


def letter_context(determination: Determination) -> dict:
    submission = determination.submission
    criteria = [
        {**item, "outcome_label": OUTCOME_LABELS.get(item.get("outcome"), item.get("outcome", ""))}
        for item in determination.reasons
    ]
    return {
        "determination": determination,
        "submission": submission,
        "arrangement": determination.arrangement,
        "criteria": criteria,
        "years": determination.effective_years,
        "approved": determination.outcome == "approved",
        "signer": determination.decided_by,
        "decided_on": timezone.localtime(determination.decided_at).date(),
    }


def letter_html(determination: Determination) -> str:
    return render_to_string("determinations/letter.html", letter_context(determination))


def letter_document(determination: Determination):
    """The laid-out WeasyPrint document (pages and boxes), before it is written as a PDF."""
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=letter_html(determination), url_fetcher=fetcher).render()


def letter_filename(determination: Determination) -> str:
    tracking = determination.submission.tracking_number or f"request-{determination.submission_id}"
    return f"{tracking}-determination-{determination.pk}.pdf"


def _determination(determination_id: int, *, lock: bool) -> Determination:
    determinations = Determination.objects.select_related(
        "submission__organization", "submission__performance_year", "arrangement", "decided_by", "recommended_by"
    )
    if lock:
        determinations = determinations.select_for_update(of=("self",))
    return determinations.get(pk=determination_id)


def determination_letter_render(*, determination_id: int) -> Determination:
    """Render and store the letter once; a determination that already has one is left as it is.

    The PDF is laid out before the row is locked, so the write transaction is short (on the
    embedded SQLite set-up it holds the only write lock); if two renderers race, the first stored
    letter is kept and the other's PDF is dropped.
    """
    determination = _determination(determination_id, lock=False)
    if determination.letter:
        return determination
    pdf = letter_document(determination).write_pdf()
    with transaction.atomic():
        determination = _determination(determination_id, lock=True)
        if determination.letter:
            return determination
        _letter_store(determination, pdf, event_type=EventType.LETTER_RENDERED)
    return determination


def _letter_store(determination: Determination, pdf: bytes, *, event_type: EventType, **payload) -> None:
    determination.letter.save(letter_filename(determination), ContentFile(pdf), save=False)
    determination.save(update_fields=["letter"])
    event_record(
        determination.submission,
        event_type,
        payload={"determination": determination.pk, "file": determination.letter.name, **payload},
    )


def determination_letter_regenerate(*, determination_id: int, **payload) -> Determination:
    """Render the letter again from the current template (inside the caller's transaction); the
    earlier file is kept on disk and named in the event."""
    determination = _determination(determination_id, lock=True)
    pdf = letter_document(determination).write_pdf()
    previous = determination.letter.name
    _letter_store(determination, pdf, event_type=EventType.LETTER_REGENERATED, previous=previous, **payload)
    return determination


def determination_letter_file(*, determination_id: int):
    """The stored letter, rendered now if the background task has not done it yet."""
    determination = _determination(determination_id, lock=False)
    if not determination.letter or not determination.letter.storage.exists(determination.letter.name):
        Determination.objects.filter(pk=determination_id).update(letter="")
        determination = determination_letter_render(determination_id=determination_id)
    return determination.letter
