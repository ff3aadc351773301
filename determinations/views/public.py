"""The public list of Other Payer Advanced APMs: a page anyone can open, with CSV and JSON downloads.

Only approved, current determinations appear (``selectors.public_list``); filters are the
performance year and the payer type, and the downloads carry the same filters as the page. The
downloads stream; the page is served from the cache to visitors who are not signed in (for them
it is the same page), and the cache is dropped on every decision.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from determinations.choices import PayerType
from determinations.downloads import csv_download, json_download
from determinations.forms.review import PublicListForm
from determinations.models import Determination
from determinations.selectors.public_list import (
    COLUMNS,
    PAGE_CACHE_SECONDS,
    PAGE_SIZE,
    cached_published_page,
    default_year,
    published_csv_rows,
    published_determinations,
    published_rows,
    published_values,
    published_years,
)
from determinations.views.pagination import paginated


def _filtered(request):
    """The bound form, the year and payer type chosen, and the matching rows as ``published_values`` tuples."""
    years = published_years()
    filters = request.GET.copy()
    filters.pop("page", None)
    # The menu starts on the year the heading shows, so "Show" keeps it unless the visitor changes it.
    form = PublicListForm(
        filters or None, years=years, payer_types=PayerType.choices, initial={"year": default_year(years)}
    )
    if filters and not form.is_valid():
        return form, None, None, Determination.objects.none()
    data = form.cleaned_data if filters else {}
    year = data.get("year") or default_year(years)
    payer_type = data.get("payer_type", "")
    return form, year, payer_type, published_values(published_determinations(year=year, payer_type=payer_type))


def _streamed(values):
    return published_rows(values.iterator(chunk_size=2000))


def _query(year, payer_type) -> str:
    return urlencode({k: v for k, v in {"year": year, "payer_type": payer_type}.items() if v})


def _sees_the_shared_page(request) -> bool:
    """No session and no pending message: the page is the one every anonymous visitor gets."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


@require_GET
def apm_list(request):
    cached = cached_published_page(request.GET) if _sees_the_shared_page(request) else None
    if cached is not None and cached.value is not None:
        return HttpResponse(cached.value)
    form, year, payer_type, values = _filtered(request)
    if year is None and request.GET:
        return render(request, "determinations/public_list.html", {"form": form, "rows": []}, status=400)
    query = _query(year, payer_type)
    pages = paginated(request, values, PAGE_SIZE)
    context = {
        **pages,
        "form": form,
        "rows": list(published_rows(pages["page"].object_list)),
        "year": year,
        "payer_type_label": PayerType(payer_type).label if payer_type else "",
        "csv_url": f"{reverse('apms:list_csv')}?{query}",
        "json_url": f"{reverse('apms:list_json')}?{query}",
    }
    response = render(request, "determinations/public_list.html", context)
    if cached is not None:
        cached.keep(response.content, PAGE_CACHE_SECONDS)
    return response


@require_GET
def apm_list_csv(request):
    form, year, payer_type, values = _filtered(request)
    if year is None and request.GET:
        return HttpResponse("Choose a performance year and payer type from the lists.", status=400)
    rows = published_csv_rows(_streamed(values))
    return csv_download(COLUMNS, rows, filename=f"other-payer-advanced-apms-{year}.csv")


@require_GET
def apm_list_json(request):
    form, year, payer_type, values = _filtered(request)
    if year is None and request.GET:
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return json_download({"performance_year": year, "payer_type": payer_type or None}, "apms", _streamed(values))
