"""APM Entities, TINs and clinicians: the All-Payer QP Submission, step by step, then read-only.

The steps are the submitter and level (a ``SectionForm``), the Other Payer Advanced APMs taken
part in (searched among the year's approved determinations), the payments and patients per
snapshot period, and the review with what is missing, the certification and submit.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from determinations import permissions
from determinations.forms.all_payer import (
    CERTIFICATION_TEXT,
    FIGURES,
    SECTIONS,
    SECTIONS_BY_KEY,
    TOTALS,
    AllPayerFiguresForm,
    ArrangementChoiceForm,
    CertificationForm,
    StartAllPayerForm,
)
from determinations.forms.requests import PublishedSearchForm
from determinations.models import AllPayerQPSubmission
from determinations.models.qp import SNAPSHOTS
from determinations.selectors.all_payer import all_payer_qp_determinations_search, all_payer_qp_windows_open
from determinations.services import all_payer_qp as service

from .access import require_visible
from .outcome import done_or_refused
from .section_step import section_saved, sent_already
from .steps import Step, step_state

NOT_FOUND = "No such All-Payer QP submission."
STEPS = [(section.key, section.title) for section in SECTIONS] + [
    ("arrangements", "Other Payer Advanced APMs"),
    ("figures", "Payments and patients"),
    ("review", "Review and certify"),
]


def _submission_for(request, pk: int, *, edit: bool = False) -> AllPayerQPSubmission:
    """The submission if this person may see it (another organization's is a 404, decision 0028)."""
    submission = get_object_or_404(
        AllPayerQPSubmission.objects.select_related("organization", "performance_year", "window"), pk=pk
    )
    check = permissions.can_edit_all_payer_qp if edit else permissions.can_view_all_payer_qp
    require_visible(check(request.user, submission), not_found=NOT_FOUND)
    return submission


def _editable(request, pk: int):
    """A step: the draft (if the person may edit it), or the redirect to what was sent once it is submitted."""
    submission = _submission_for(request, pk)
    if not submission.is_editable:
        detail = "determinations:all_payer_qp_detail"
        return submission, sent_already(request, submission, what="All-Payer QP submission", detail=detail)
    _submission_for(request, pk, edit=True)
    return submission, None


def _steps(submission, *, current: str) -> list[Step]:
    incomplete = {problem.section for problem in service.all_payer_qp_missing(submission)}
    return [
        Step(
            key,
            title,
            service.step_url(submission, key),
            step_state(key, current, key != "review" and key not in incomplete),
        )
        for key, title in STEPS
    ]


def _context(submission, current: str, **extra) -> dict:
    missing = [p for p in service.all_payer_qp_missing(submission) if p.section == current]
    return {"submission": submission, "steps": _steps(submission, current=current), "missing": missing, **extra}


def _next(submission, current: str) -> str:
    keys = [key for key, _ in STEPS]
    return service.step_url(submission, keys[keys.index(current) + 1])


def _after_section(submission, section: str) -> str:
    """The step after a saved section; a level just chosen brings its own questions: stay until they are answered."""
    submission.refresh_from_db()
    unanswered = [p for p in service.all_payer_qp_missing(submission) if p.section == section]
    return service.step_url(submission, section) if unanswered else _next(submission, section)


@login_required
def all_payer_qp_start(request):
    permissions.require(permissions.can_start_all_payer_qp(request.user))
    organizations = [
        m.organization
        for m in request.user.memberships.select_related("organization").exclude(organization__kind="payer")
    ]
    windows = list(all_payer_qp_windows_open())
    form = StartAllPayerForm(request.POST or None, organizations=organizations, windows=windows)
    if request.method == "POST" and form.is_valid():
        organization = next(o for o in organizations if o.pk == form.cleaned_data["organization"])
        window = next(w for w in windows if w.pk == form.cleaned_data["window"])
        try:
            submission = service.all_payer_qp_start(actor=request.user, organization=organization, window=window)
        except service.AllPayerQPError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your All-Payer QP submission is started. It saves at every step.")
            return redirect(service.step_url(submission, SECTIONS[0].key))
    status = 400 if form.errors else 200
    return render(request, "determinations/all_payer/start.html", {"form": form, "windows": windows}, status=status)


@login_required
def all_payer_qp_section(request, pk: int, section: str):
    section_form = SECTIONS_BY_KEY.get(section)
    if section_form is None:
        raise Http404("No such step.")
    submission, read_only = _editable(request, pk)
    if read_only:
        return read_only
    form = section_form(request.POST or None, submission=submission)
    if request.method == "POST" and form.is_valid():
        return section_saved(
            request,
            submission,
            form,
            save=service.all_payer_qp_save_section,
            next_url=partial(_after_section, submission, section),
        )
    context = _context(submission, section, form=form, section=section_form)
    return render(request, "determinations/all_payer/section.html", context, status=400 if form.errors else 200)


@login_required
def all_payer_qp_arrangements(request, pk: int):
    """Choose each Other Payer Advanced APM taken part in, from the year's approved determinations."""
    submission, read_only = _editable(request, pk)
    if read_only:
        return read_only
    search = PublishedSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    status = 400 if search.errors else 200
    if request.method == "POST":
        choice = ArrangementChoiceForm(request.POST)
        if not choice.is_valid():
            messages.error(request, "Choose an arrangement from the search results.")
        else:
            try:
                added = service.all_payer_qp_arrangement_add(
                    submission_id=submission.pk,
                    actor=request.user,
                    determination_id=choice.cleaned_data["determination"],
                )
            except service.AllPayerQPError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Added: {added.name}.")
        return redirect(service.step_url(submission, "arrangements"))
    results = all_payer_qp_determinations_search(year=submission.performance_year.year, query=query) if query else []
    chosen = {a.determination_id for a in submission.arrangements.all()}
    context = _context(
        submission,
        "arrangements",
        search=search,
        query=query,
        results=[d for d in results if d.pk not in chosen],
        arrangements=submission.arrangements.all(),
        next_url=_next(submission, "arrangements"),
    )
    return render(request, "determinations/all_payer/arrangements.html", context, status=status)


@login_required
@require_POST
def all_payer_qp_arrangement_remove(request, pk: int, arrangement_pk: int):
    submission = _submission_for(request, pk, edit=True)
    try:
        service.all_payer_qp_arrangement_remove(
            submission_id=submission.pk, actor=request.user, arrangement_id=arrangement_pk
        )
    except service.AllPayerQPError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Arrangement removed, with its figures.")
    return redirect(service.step_url(submission, "arrangements"))


@login_required
def all_payer_qp_figures(request, pk: int):
    """Per snapshot period: the totals from all payers but Medicare once, with the excluded amounts apart, and
    the payments and patients through each arrangement."""
    submission, read_only = _editable(request, pk)
    if read_only:
        return read_only
    arrangements = submission.arrangements.prefetch_related("figures")
    form = AllPayerFiguresForm(request.POST or None, submission=submission, arrangements=arrangements)
    if request.method == "POST" and form.is_valid():
        service.all_payer_qp_figures_save(
            submission_id=submission.pk, actor=request.user, totals=form.totals(), figures=form.figures()
        )
        messages.success(request, "Payments and patients: saved.")
        return redirect(_next(submission, "figures"))
    context = _context(submission, "figures", form=form)
    return render(request, "determinations/all_payer/figures.html", context, status=400 if form.errors else 200)


def _figure(name: str, value) -> str:
    """A figure as a person reads it: $1,200,000.00, 1,500 patients, or a dash when not given."""
    if value is None:
        return "—"
    return f"${value:,.2f}" if "payment" in name else f"{value:,}"


def _rows(rows, labels: dict[str, str]) -> list[dict]:
    periods = dict(SNAPSHOTS)
    return [
        {
            "period": periods[row.snapshot],
            "values": [(label, _figure(name, getattr(row, name))) for name, label in labels.items()],
        }
        for row in rows
    ]


def _summary(submission) -> dict:
    """The totals per period, and each arrangement with its figures per period, as the review and the detail
    pages read them back."""
    return {
        "totals": _rows(submission.totals.all(), TOTALS),
        "arrangements": [
            {"arrangement": arrangement, "rows": _rows(arrangement.figures.all(), FIGURES)}
            for arrangement in submission.arrangements.prefetch_related("figures")
        ],
    }


@login_required
def all_payer_qp_review(request, pk: int):
    submission, read_only = _editable(request, pk)
    if read_only:
        return read_only
    form = CertificationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            submit = partial(
                service.all_payer_qp_submit,
                submission_id=submission.pk,
                actor=request.user,
                name=form.cleaned_data["attester_name"],
                title=form.cleaned_data["attester_title"],
                text=CERTIFICATION_TEXT,
            )
            submitted = done_or_refused(
                request,
                form,
                submit,
                done_url=reverse("determinations:all_payer_qp_receipt", args=[submission.pk]),
                success="Your All-Payer QP data were submitted to CMS. A receipt is on its way.",
                repeated=service.AllPayerQPRepeated,
                refused=service.AllPayerQPError,
            )
            if submitted:
                return submitted
    context = {
        **_context(submission, "review"),
        "problems": service.all_payer_qp_blocking_problems(submission, now=timezone.now()),
        "summary": _summary(submission),
        "form": form,
        "certification_text": CERTIFICATION_TEXT,
    }
    return render(request, "determinations/all_payer/review.html", context, status=status)


@login_required
def all_payer_qp_receipt(request, pk: int):
    submission = _submission_for(request, pk)
    if not submission.tracking_number:
        return redirect(reverse("determinations:all_payer_qp_review", args=[submission.pk]))
    return render(request, "determinations/all_payer/receipt.html", {"submission": submission})


@login_required
def all_payer_qp_detail(request, pk: int):
    submission = _submission_for(request, pk)
    context = {"submission": submission, "summary": _summary(submission)}
    return render(request, "determinations/all_payer/detail.html", context)
