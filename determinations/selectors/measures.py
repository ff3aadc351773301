"""Reads of the MIPS quality measure list: finding a measure to put on a request.

CMS publishes a year's list late, so while a request's year has none loaded the search offers the
latest list loaded before it (``mips_measure_list_year``); each measure keeps its year, and the pages
say when a measure came from an older list.
"""

from django.db.models import Case, IntegerField, Max, Q, Value, When

from determinations.models import MipsMeasure

_EDGE_PUNCTUATION = ".,;:!?()[]{}\"'"


def _measure_id_candidates(token: str) -> set[str]:
    """What a typed measure number may stand for: ``1``, ``01`` and ``001`` all mean measure ``001``."""
    candidates = {token}
    if token.isdigit():
        number = int(token)
        candidates |= {str(number), f"{number:03d}"}
    return candidates


def mips_measure_list_year(year: int) -> int | None:
    """The list a request for ``year`` picks from: the year's own, else the latest loaded before it."""
    return MipsMeasure.objects.filter(year__lte=year).aggregate(latest=Max("year"))["latest"]


def mips_measures_search(*, year: int, query: str, limit: int = 25) -> list[MipsMeasure]:
    """The year's quality measures that match ``query``, best matches first, at most ``limit``.

    A query matches a measure whose number it is (``1``, ``001``, ``AAAAI11``; case-insensitive),
    whose eCQM ID it is (``CMS122v10``), or whose title holds every word of it, case-insensitively
    (``hemoglobin a1c``). Number and eCQM matches come first, then title matches by measure number.
    ``is_outcome`` on each result says whether it is an outcome measure.
    """
    words = [w.strip(_EDGE_PUNCTUATION) for w in (query or "").split()]
    words = [w for w in words if w]
    if not words or limit <= 0:
        return []

    by_title = Q()
    for word in words:
        by_title &= Q(title__icontains=word)
    measures = MipsMeasure.objects.filter(year=year)
    if len(words) > 1:
        return list(measures.filter(by_title).order_by("measure_id")[:limit])

    by_id = Q(e_measure_id__iexact=words[0])
    for candidate in sorted(_measure_id_candidates(words[0])):
        by_id |= Q(measure_id__iexact=candidate)
    return list(
        measures.filter(by_id | by_title)
        .annotate(rank=Case(When(by_id, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("rank", "measure_id")[:limit]
    )
