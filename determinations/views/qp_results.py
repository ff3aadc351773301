"""QP results for clinicians and their APM Entities: each snapshot's scores, status and what they mean."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from determinations.selectors import qp as qp_selectors


@login_required
def qp_status_list(request):
    context = {"clinicians": qp_selectors.clinicians_visible_to(request.user)}
    return render(request, "determinations/qp/status_list.html", context)


@login_required
def qp_clinician(request, year, npi):
    snapshots = qp_selectors.clinician_explanations(request.user, npi, year)
    if not snapshots:
        raise Http404("No QP results for this clinician and year that you may see.")
    return render(request, "determinations/qp/clinician.html", {"npi": npi, "year": year, "snapshots": snapshots})
