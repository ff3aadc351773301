"""The page each role lands on after signing in."""

import hashlib
from functools import partial

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from determinations.dashboard import dashboard_tokens
from determinations.fragments import cached_blocks, template_block
from determinations.page_cache import cached_page
from determinations.selectors import all_payer as all_payer_selectors
from determinations.selectors import reference as determination_selectors
from determinations.selectors import submissions as submission_selectors
from determinations.views import review_queue
from determinations.views.pagination import paginated
from qppportal.fragments import Page, kept_or_rendered

from .. import selectors
from ..models import StaffRole
from ..roles import home_url
from .decorators import staff_role_required

DASHBOARD_PAGE_SIZE = 50
TEMPLATE = "accounts/home_organization.html"


@login_required
def organization_home(request):
    """Payer and clinician submitters and organization admins: their organizations and open windows.

    The whole page is kept per viewer and address (decision 0040) under the viewer's token, their
    organizations' and the windows' tokens (``determinations/dashboard.py``), until a window opens
    or closes; a load with nothing changed runs no query.
    """
    if request.user.staff_role:
        return redirect(home_url(request.user))
    now = timezone.now()
    cached = cached_page("dashboard", request.user, request.get_full_path(), [], now)
    return kept_or_rendered(request, cached.html, partial(_organization_home, request, cached, now))


def _organization_home(request, cached, now) -> Page:
    """The dashboard as built from the database. Its list of requests is the same for everyone in the
    same organizations, so it is also kept as a block under their organizations' tokens and the
    page's query string (decision 0039)."""
    # The organizations' tokens are read before what they stand for (their names, member counts and
    # requests); which organizations they are is the viewer's, under the viewer's token read before.
    shown = dashboard_tokens(selectors.organization_ids_of(request.user))
    memberships = list(selectors.memberships_of(request.user))
    payer_types = {m.organization.payer_type for m in memberships if m.organization.payer_type}
    has_clinician_org = any(not m.organization.is_payer for m in memberships)
    version = "-".join(f"{key}={token}" for key, token in shown.items())
    page_key = hashlib.sha256(f"{version}?{request.GET.urlencode()}".encode()).hexdigest()

    def requests() -> dict:
        submissions = submission_selectors.submissions_for_dashboard(request.user)
        return paginated(request, submissions, DASHBOARD_PAGE_SIZE)

    blocks = {
        "requests": template_block(f"dashboard:requests:{page_key}", "determinations/_dashboard_table.html", requests)
    }
    windows = {"payer_types": payer_types, "include_clinician": has_clinician_org}
    context = {
        "memberships": memberships,
        "windows": determination_selectors.submission_windows_open_for(**windows, now=now),
        "blocks": cached_blocks(blocks),
        # APM Entities, TINs and clinicians also send their All-Payer QP data (42 CFR 414.1440(e)).
        "all_payer_qp": has_clinician_org,
        "all_payer_qp_submissions": all_payer_selectors.all_payer_qp_for_dashboard(request.user)[:DASHBOARD_PAGE_SIZE]
        if has_clinician_org
        else [],
        "all_payer_qp_windows": all_payer_selectors.all_payer_qp_windows_open() if has_clinician_org else [],
    }
    if has_clinician_org:  # the All-Payer QP lists move no token: not kept
        return Page(TEMPLATE, context, None)
    valid_until = determination_selectors.submission_windows_next_change(**windows, now=now)
    return Page(TEMPLATE, context, partial(cached.keep, valid_until=valid_until, also=shown))


@staff_role_required(StaffRole.REVIEWER, StaffRole.REVIEW_LEAD)
def reviewer_home(request):
    """The reviewers' home is the review queue (``determinations/views/review_queue.py``)."""
    return review_queue.queue_page(request, template_name="accounts/home_reviewer.html")


@staff_role_required(StaffRole.REVIEW_LEAD)
def review_lead_home(request):
    """The lead's home: each reviewer's workload, then the submission windows."""
    windows = determination_selectors.submission_windows_current()
    return review_queue.workload_page(
        request, template_name="accounts/home_review_lead.html", extra_context={"windows": windows}
    )


@staff_role_required(StaffRole.PROGRAM_ADMIN)
def program_admin_home(request):
    """What is loaded and what is missing (years, windows, measure lists, staff with MFA), then each part."""
    performance_years = list(determination_selectors.performance_years_overview())
    staff = selectors.staff_by_role()
    context = {
        "performance_years": performance_years,
        "years_with_windows": [py.year for py in performance_years if py.window_count],
        "windows_ahead": list(determination_selectors.submission_windows_ahead()[:12]),
        "window_changes": determination_selectors.submission_window_changes_recent(),
        "measure_counts": determination_selectors.mips_measure_counts(),
        "measure_years_missing": determination_selectors.mips_measure_years_missing(),
        "staff": staff,
        "staff_without_mfa": [person for people in staff.values() for person in people if not person.has_mfa],
        "staff_count": sum(len(people) for people in staff.values()),
        "staff_invitations": selectors.staff_invitations_pending(),
    }
    return render(request, "accounts/home_program_admin.html", context)
