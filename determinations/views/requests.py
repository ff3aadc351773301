"""Payers and clinicians: start a request, fill each step, attach documents, review and submit."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from determinations import permissions, selectors
from determinations.forms.requests import (
    ATTESTATION_TEXT,
    AttestationForm,
    CitationForm,
    CopyRequestForm,
    DocumentUploadForm,
    MeasureSearchForm,
    MipsMeasureChoiceForm,
    OtherMeasureForm,
    ParticipantsForm,
    PublishedSearchForm,
    StartRequestForm,
    WithdrawForm,
)
from determinations.forms.sections import SECTIONS, SECTIONS_BY_KEY
from determinations.models import Document, DocumentKind
from determinations.rules.participants import participant_counts
from determinations.selectors.measures import mips_measure_list_year, mips_measures_search
from determinations.selectors.participants import submission_participants
from determinations.selectors.review import section_items
from determinations.services import documents, participants, precheck, submissions
from determinations.services.confirmations import confirmations_of
from determinations.services.review_transitions import open_information_request
from determinations.services.submission_completeness import missing_by_section, submission_blocking_problems
from determinations.states import SUBMITTER_LABELS, SubmissionStatus
from determinations.workflow import transition_apply, transitions_available

from .access import attachment, submission_for
from .outcome import done_or_refused
from .section_step import section_saved, sent_already
from .steps import steps_for


def _read_only_redirect(request, submission):
    return sent_already(request, submission, what="request", detail="determinations:submission_detail")


def _editable_step(request, pk: int):
    """A step of the form: the submission (if the person may edit it), or the redirect to what was sent."""
    submission = submission_for(request, pk)
    if not submission.is_editable:
        return submission, _read_only_redirect(request, submission)
    submission_for(request, pk, edit=True)
    return submission, None


@login_required
def request_start(request):
    permissions.require(permissions.can_start_request(request.user))
    organization = selectors.organization_for_new_request(
        request.user, request.GET.get("organization") or request.POST.get("organization")
    )
    process, _ = submissions.submission_process_for(organization)
    clinician = process == "clinician_initiated"
    now = timezone.now()
    open_windows = list(selectors.submission_windows_for_organization(organization, now=now, open_only=True))
    form = StartRequestForm(request.POST or None, windows=open_windows, clinician=clinician)
    published = []
    search = PublishedSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if clinician and query:
        published = selectors.published_arrangements_search(query=query)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submissions.submission_start(
                actor=request.user,
                organization=organization,
                window=form.cleaned_data["window"],
                arrangement_name=form.cleaned_data["arrangement_name"],
                years_requested=form.cleaned_data["years_requested"],
                payer_name=form.cleaned_data.get("payer_name", ""),
                payer_contact={
                    key: form.cleaned_data[key]
                    for key in ("payer_contact_name", "payer_contact_email")
                    if form.cleaned_data.get(key)
                },
            )
        except submissions.SubmissionError as error:
            form.add_error(None, str(error))
        else:
            _warn_of_duplicates(request, submission)
            messages.success(request, "Your draft request is started. It saves at every step.")
            return redirect("determinations:submission_section", submission.pk, SECTIONS[0].key)
    context = {
        "form": form,
        "organization": organization,
        "organizations": selectors.organizations_for_new_request(request.user),
        "clinician": clinician,
        "all_windows": selectors.submission_windows_for_organization(organization, now=now, open_only=False),
        "open_windows": open_windows,
        "next_window": selectors.submission_window_next_for_organization(organization, now=now),
        "query": query,
        "search": search,
        "published": published,
        "now": now,
    }
    status = 400 if search.errors else 200
    return render(request, "determinations/request_start.html", context, status=status)


def _warn_of_duplicates(request, submission) -> None:
    """Name the likely duplicates this person may see: their organization's own requests, and of
    other organizations only approved arrangements already on the public list (never their drafts
    or open requests, whose existence is theirs alone)."""
    payer, year = submission.arrangement.payer_name, submission.performance_year.year
    own = selectors.submissions_open_for_same_payer(request.user, submission=submission)
    if own:
        messages.warning(
            request,
            f"Your organization already has a request for {payer} for {year}: "
            f"{', '.join(str(d) for d in own[:3])}. If it is the same arrangement, withdraw this draft.",
        )
    published = selectors.published_for_same_payer(submission=submission, excluding=own)
    if published:
        names = ", ".join(f"“{d.submission.arrangement_name}”" for d in published[:3])
        messages.warning(
            request,
            f"The public list of Other Payer Advanced APMs already has {names} for {payer} for {year}. "
            "If that is the arrangement you mean, it is already approved: withdraw this draft.",
        )


@login_required
def submission_section(request, pk: int, section: str):
    section_form = SECTIONS_BY_KEY.get(section)
    if section_form is None:
        raise Http404("No such section.")
    submission, read_only = _editable_step(request, pk)
    if read_only:
        return read_only
    form = section_form(request.POST or None, submission=submission)
    if request.method == "POST" and form.is_valid():
        next_url = partial(_next_step_url, submission, section)
        return section_saved(request, submission, form, save=submissions.submission_save_section, next_url=next_url)
    context = {
        "submission": submission,
        "form": form,
        "section": section_form,
        "steps": steps_for(submission, current=section),
        "missing": [p for p in missing_by_section(submission) if p.section == section],
    }
    if section == "quality":
        context |= _measures_context(request, submission)
    return render(request, "determinations/request_section.html", context)


def _next_step_url(submission, section: str) -> str:
    """The step after ``section``: the participant list follows the arrangement step."""
    if section == "arrangement":
        return reverse("determinations:submission_participants", args=[submission.pk])
    keys = [s.key for s in SECTIONS]
    position = keys.index("arrangement" if section == "participants" else section)
    if position + 1 < len(keys):
        return reverse("determinations:submission_section", args=[submission.pk, keys[position + 1]])
    return reverse("determinations:submission_documents", args=[submission.pk])


@login_required
def submission_participants_step(request, pk: int):
    """The participant list: APM Entities with their TINs and identifiers, and their clinicians' NPIs."""
    submission, read_only = _editable_step(request, pk)
    if read_only:
        return read_only
    form = ParticipantsForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            entities = form.cleaned_data["entities"]
            participants.participants_replace(submission_id=submission.pk, actor=request.user, entities=entities)
            counts = participant_counts(entities)
            messages.success(
                request,
                f"Participant list saved: {counts.apm_entities} APM Entities, {counts.clinicians} clinicians.",
            )
            return redirect(_next_step_url(submission, "participants"))
        status = 400
    entities = submission_participants(submission)
    context = {
        "submission": submission,
        "form": form,
        "entities": entities,
        "counts": participant_counts(entities),
        "steps": steps_for(submission, current="participants"),
        "missing": [p for p in missing_by_section(submission) if p.section == "participants"],
    }
    return render(request, "determinations/request_participants.html", context, status=status)


def _measures_context(request, submission):
    search = MeasureSearchForm(request.GET or None)
    list_year = mips_measure_list_year(submission.performance_year.year)
    results = []
    if list_year and search.is_valid() and search.cleaned_data["q"]:
        results = mips_measures_search(year=list_year, query=search.cleaned_data["q"])
    return {
        "list_year": list_year,
        "measures": submission.measures.select_related("mips_measure"),
        "search_form": search,
        "search_results": results,
        "other_measure_form": OtherMeasureForm(prefix="other"),
    }


@login_required
@require_POST
def measure_add(request, pk: int):
    submission = submission_for(request, pk, edit=True)
    url = reverse("determinations:submission_section", args=[submission.pk, "quality"])
    if "mips_measure" in request.POST:
        choice = MipsMeasureChoiceForm(
            request.POST,
            list_year=mips_measure_list_year(submission.performance_year.year),
            year=submission.performance_year.year,
        )
        if not choice.is_valid():
            messages.error(request, choice.errors["mips_measure"][0])
            return redirect(url + "#measures")
        measure = choice.cleaned_data["mips_measure"]
        fields = {
            "mips_measure": measure,
            "title": measure.title,
            "measure_identifier": measure.measure_id,
            "basis": "mips_list",
            "is_outcome": measure.is_outcome,
            "steward": measure.primary_steward,
            "cbe_id": measure.nqf_id,
        }
    else:
        form = OtherMeasureForm(request.POST, prefix="other")
        if not form.is_valid():
            context = {
                "submission": submission,
                "form": SECTIONS_BY_KEY["quality"](submission=submission),
                "section": SECTIONS_BY_KEY["quality"],
                "steps": steps_for(submission, current="quality"),
                "missing": [],
                **_measures_context(request, submission),
                "other_measure_form": form,
            }
            return render(request, "determinations/request_section.html", context, status=400)
        fields = form.cleaned_data
    try:
        submissions.arrangement_measure_add(submission_id=submission.pk, actor=request.user, **fields)
    except submissions.SubmissionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Added: {fields['title']}.")
    return redirect(url + "#measures")


@login_required
@require_POST
def measure_remove(request, pk: int, measure_pk: int):
    submission = submission_for(request, pk, edit=True)
    submissions.arrangement_measure_remove(submission_id=submission.pk, actor=request.user, measure_id=measure_pk)
    messages.success(request, "Measure removed.")
    return redirect(reverse("determinations:submission_section", args=[submission.pk, "quality"]) + "#measures")


@login_required
def submission_documents(request, pk: int):
    submission, read_only = _editable_step(request, pk)
    if read_only:
        return read_only
    form = DocumentUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                document = documents.document_upload(
                    submission=submission,
                    actor=request.user,
                    uploaded_file=form.cleaned_data["file"],
                    section=form.cleaned_data["section"],
                    description=form.cleaned_data["description"],
                    information_request=open_information_request(submission),
                )
            except documents.DocumentRejected as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, f"Uploaded {document.original_name}.")
                return redirect("determinations:submission_documents", submission.pk)
        status = 400
    return _documents_page(request, submission, form=form, status=status)


def _documents_page(request, submission, *, form=None, citation_form=None, status=200):
    context = {
        "submission": submission,
        "form": form or DocumentUploadForm(),
        "citation_form": citation_form or CitationForm(submission=submission),
        "documents": submission.documents.select_related("uploaded_by"),
        "citations": submission.citations.select_related("document"),
        "steps": steps_for(submission, current="documents"),
        "missing": [p for p in missing_by_section(submission) if p.section == "documents"],
    }
    return render(request, "determinations/request_documents.html", context, status=status)


@login_required
@require_POST
def citation_add(request, pk: int):
    submission = submission_for(request, pk, edit=True)
    form = CitationForm(request.POST, submission=submission)
    if not form.is_valid():
        return _documents_page(request, submission, citation_form=form, status=400)
    participants.citation_add(submission_id=submission.pk, actor=request.user, **form.cleaned_data)
    messages.success(request, "Citation added.")
    return redirect(reverse("determinations:submission_documents", args=[submission.pk]) + "#citations")


@login_required
@require_POST
def citation_remove(request, pk: int, citation_pk: int):
    submission = submission_for(request, pk, edit=True)
    participants.citation_remove(submission_id=submission.pk, actor=request.user, citation_id=citation_pk)
    messages.success(request, "Citation removed.")
    return redirect(reverse("determinations:submission_documents", args=[submission.pk]) + "#citations")


@login_required
@require_POST
def document_remove(request, pk: int, document_pk: int):
    submission = submission_for(request, pk, edit=True)
    document = get_object_or_404(Document, pk=document_pk, submission=submission)
    permissions.require(permissions.can_remove_document(request.user, submission, document))
    documents.document_remove(document=document, actor=request.user)
    messages.success(request, f"Removed {document.original_name}.")
    return redirect("determinations:submission_documents", submission.pk)


@login_required
def document_download(request, pk: int, document_pk: int):
    submission = submission_for(request, pk)
    permissions.require(permissions.can_download_document(request.user, submission))
    document = get_object_or_404(Document, pk=document_pk, submission=submission)
    # A citation's link opens a PDF at its page (#page=N); other kinds are always downloaded.
    inline = request.GET.get("inline") == "1" and document.kind == DocumentKind.PDF
    return attachment(document.file, document.original_name, inline=inline)


@login_required
def submission_review(request, pk: int):
    """The last step: everything on one page, what is missing, the pre-check, attestation and submit."""
    submission = submission_for(request, pk)
    if submission.status == SubmissionStatus.INFORMATION_REQUESTED:
        return redirect("determinations:information_request_answer", submission.pk)
    if not submission.is_editable:
        return _read_only_redirect(request, submission)
    submission_for(request, pk, edit=True)
    by_year = precheck.submission_prechecks_by_year(submission)
    check = by_year[0].precheck or precheck.submission_precheck(submission)
    form = AttestationForm(request.POST or None, needs_acknowledgement=check.has_warnings)
    problems = submission_blocking_problems(submission)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            submit = partial(
                submissions.submission_submit,
                submission_id=submission.pk,
                actor=request.user,
                name=form.cleaned_data["attester_name"],
                title=form.cleaned_data["attester_title"],
                text=ATTESTATION_TEXT,
                payload=check.summary(),
            )
            submitted = done_or_refused(
                request,
                form,
                submit,
                done_url=reverse("determinations:submission_receipt", args=[submission.pk]),
                success="Your request was submitted to CMS. A receipt is on its way by e-mail.",
            )
            if submitted:
                return submitted
        problems = submission_blocking_problems(submission)
    context = {
        "submission": submission,
        "summary": _answers_summary(submission),
        "problems": [p for p in problems if p.section != "attestation"],
        "precheck": check,
        "years": [y.year for y in by_year],
        **_evidence_context(submission),
        "year_rows": precheck.year_rows(by_year) if len(by_year) > 1 else [],
        "form": form,
        "attestation_text": ATTESTATION_TEXT,
        "steps": steps_for(submission, current="review"),
    }
    return render(request, "determinations/request_review.html", context, status=status)


def _evidence_context(submission) -> dict:
    """The participant list with its counts, and the citations, as the review and detail pages show them."""
    entities = submission_participants(submission)
    return {
        "entities": entities,
        "counts": participant_counts(entities),
        "citations": submission.citations.select_related("document"),
        "show_cehrt": submission.section("cehrt").get("hospitals_are_apm_entities") is True,
    }


def _answers_summary(submission):
    """Each section's questions and answers, read back as a person reads them."""
    rows = []
    for section in SECTIONS:
        items = section_items(submission, section.key)
        rows.append({"section": section, "items": items})
    return rows


@login_required
def submission_detail(request, pk: int):
    submission = submission_for(request, pk)
    if request.user.staff_role:
        return redirect("determinations:review_detail", submission.pk)
    detail = selectors.submission_detail(request.user, submission.pk)
    context = {
        "submission": detail,
        "summary": _answers_summary(detail),
        **_evidence_context(detail),
        "status_label": SUBMITTER_LABELS[detail.status],
        "can_withdraw": bool(transitions_available(detail, request.user).get("withdraw")),
        "confirmations": confirmations_of(detail),
    }
    return render(request, "determinations/submission_detail.html", context)


@login_required
def submission_receipt(request, pk: int):
    submission = submission_for(request, pk)
    if not submission.tracking_number:
        return redirect("determinations:submission_review", submission.pk)
    return render(request, "determinations/submission_receipt.html", {"submission": submission})


@login_required
def submission_withdraw(request, pk: int):
    submission = submission_for(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        withdraw = partial(
            transition_apply,
            submission_id=submission.pk,
            name="withdraw",
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        withdrawn = done_or_refused(
            request,
            form,
            withdraw,
            done_url=reverse("determinations:submission_detail", args=[submission.pk]),
            success="The request is withdrawn.",
        )
        if withdrawn:
            return withdrawn
    return render(request, "determinations/submission_withdraw.html", {"submission": submission, "form": form})


@login_required
def submission_copy(request, pk: int):
    source = submission_for(request, pk)
    permissions.require(permissions.can_copy_submission(request.user, source))
    windows = [
        w
        for w in selectors.submission_windows_for_organization(source.organization, open_only=True)
        if w.payer_type == source.payer_type
    ]
    form = CopyRequestForm(request.POST or None, windows=windows)
    if request.method == "POST" and form.is_valid():
        try:
            copy = submissions.submission_copy_to_new_draft(
                source=source, actor=request.user, window=form.cleaned_data["window"]
            )
        except submissions.SubmissionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"A new draft for {copy.performance_year.year} was started from {source}. Check each step."
            )
            return redirect("determinations:submission_section", copy.pk, SECTIONS[0].key)
    return render(
        request, "determinations/submission_copy.html", {"submission": source, "form": form, "windows": windows}
    )
