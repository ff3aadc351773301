"""Page links shared by the long lists (the review queue, the dashboard, the public list)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator


def query_without(params, *names) -> str:
    """``params`` as a query string without ``names``, ending in ``&`` when not empty (for ``?{{ q }}page=2``)."""
    pairs = [(key, value) for key in params for value in params.getlist(key) if key not in names and value != ""]
    return urlencode(pairs) + "&" if pairs else ""


def page_numbers(page) -> list[int | None]:
    """First, last and two either side of the current page; ``None`` marks a gap."""
    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - 2), min(last, page.number + 2) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def paginated(request, object_list, per_page: int) -> dict:
    """Template context for one page of ``object_list``: ``page``, ``page_numbers`` and ``query``."""
    page = Paginator(object_list, per_page).get_page(request.GET.get("page"))
    return {"page": page, "page_numbers": page_numbers(page), "query": query_without(request.GET, "page")}
