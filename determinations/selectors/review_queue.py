"""Reads for CMS reviewers and leads: the review queue, its counts per status, workload, CSV export.

Every page here runs a fixed number of queries whatever the number of rows, and stays fast with
50,000 requests in the database (``bench/README.md``):

- the page's ids come from the filters and sort alone (the default "open, due soonest" view reads
  a partial index), then one query fetches those 50 rows with their joins;
- the counts per status are one GROUP BY over every filter but the status; their sum is the
  number of rows for the pagination (no separate COUNT). They are cached under the queue's data
  version (``queue_version``), a token that every change the queue shows replaces;
- a rendered page is cached per viewer and address under the same version
  (``cached_queue_page``), so a page with nothing changed costs one cache read and no query;
- workload is one query: three counts per reviewer read from one index.

"This season" is the calendar year in US Eastern time: Payer Initiated requests for the next
performance year and Eligible Clinician requests for the current one are filed and decided in it.
"""

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from uuid import uuid4

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from accounts.models import Organization, StaffRole, User
from determinations.choices import PayerType, Process
from determinations.filters import QUEUE_STATUSES, ReviewQueueFilter, statuses_for
from determinations.models import Arrangement, ConflictOfInterest, PerformanceYear, SavedQueueView, Submission
from determinations.rules.results import Outcome
from determinations.selectors.submissions import submissions_visible_to
from determinations.states import DECIDED, OPEN, SubmissionStatus
from qppportal.cache import VersionedEntry, tokens_changed, versioned_entry

PAGE_SIZE = 50
COUNTS_CACHE_SECONDS = 300
# The columns a queue row shows (never the answers or attestation JSON, which can be large).
ROW_FIELDS = (
    "id",
    "tracking_number",
    "process",
    "payer_type",
    "status",
    "precheck_outcome",
    "submitted_at",
    "review_due_at",
    "assignee_id",
    "arrangement_name",
    "arrangement__payer_name",
    "organization__name",
    "performance_year__year",
    "assignee__full_name",
    "assignee__email",
)


def assignable_reviewers() -> list[User]:
    """Reviewers a lead can assign work to (leads assign and decide; reviewers review)."""
    return list(User.objects.filter(staff_role=StaffRole.REVIEWER, is_active=True).only("id", "full_name", "email"))


def queue_years() -> list[int]:
    return list(PerformanceYear.objects.order_by("-year").values_list("year", flat=True))


def queue_submissions(user: User, *, recused_from=()) -> QuerySet[Submission]:
    """What ``user`` sees in the queue: every submitted request but those of ``recused_from`` organizations."""
    submissions = submissions_visible_to(user)
    if recused_from:
        submissions = submissions.exclude(organization_id__in=recused_from)
    return submissions


def recused_organization_ids(user: User) -> list[int]:
    """The organizations ``user`` declared a conflict of interest with (usually none)."""
    return sorted(ConflictOfInterest.objects.filter(reviewer=user).values_list("organization_id", flat=True))


def queue_filter(user: User, params, *, reviewers=None, recused_from=None, now=None) -> ReviewQueueFilter:
    """The queue's filter set bound to ``params`` (a ``request.GET``)."""
    if recused_from is None:
        recused_from = recused_organization_ids(user)
    return ReviewQueueFilter(
        params,
        queue_submissions(user, recused_from=recused_from),
        user=user,
        reviewers=assignable_reviewers() if reviewers is None else reviewers,
        years=queue_years(),
        now=now,
    )


QUEUE_TOKEN_KEY = "review-queue:token"
PAGE_CACHE_SECONDS = 300


def queue_changed() -> None:
    """Every cached count and page of the queue is out of date: now, and again once the transaction commits
    (``tokens_changed``: a page read just before the change committed is kept under a token it replaces)."""
    tokens_changed([QUEUE_TOKEN_KEY])


def queue_version() -> str:
    """The queue's data version: a token that ``queue_changed`` replaces on every change the queue shows.

    Every event (``services/events.py``) and every save or delete of a request, a recusal, a saved
    view, a performance year, an organization, an arrangement or a user (``connect_queue_invalidation``)
    replaces it. Read it before the database: a page read before a commit is then stored under the
    token that the commit replaces.
    """
    return cache.get_or_set(QUEUE_TOKEN_KEY, lambda: uuid4().hex, None)


def _queue_model_changed(sender, **kwargs) -> None:
    queue_changed()


def connect_queue_invalidation() -> None:
    """Replace the queue's token whenever a row that a queue page shows is saved or deleted.

    Signals, as for the signed-in cache (decision 0020): this is cache upkeep, and a signal is the
    one place that sees every save, from the services, the admin site and the jobs alike.
    """
    for model in (Submission, ConflictOfInterest, SavedQueueView, PerformanceYear, Organization, Arrangement, User):
        for signal in (post_save, post_delete):
            signal.connect(_queue_model_changed, sender=model, dispatch_uid=f"review-queue-{model._meta.label}")


@dataclass
class CachedQueuePage:
    """The queue's rendered page for one viewer and address, and how a new copy is kept."""

    entry: VersionedEntry
    minute: str
    html: str | None

    @property
    def version(self) -> str:
        return self.entry.version

    def keep(self, html: str) -> None:
        self.entry.keep((self.minute, html), PAGE_CACHE_SECONDS)


def cached_queue_page(user: User, full_path: str, now: datetime.datetime) -> CachedQueuePage:
    """The page for ``user`` at ``full_path`` if nothing changed since it was built: one cache read.

    The entry is keyed on the viewer (their requests read "You", "mine" and recusals are theirs,
    leads get tick boxes and reviewers claim buttons, the navigation is theirs) and the address
    (every filter, the sort and the page); it holds the version and the minute it was built in,
    and is used only while both are current (rows are marked overdue against the clock).
    """
    address = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    entry = versioned_entry(QUEUE_TOKEN_KEY, f"review-queue:page:{user.pk}:{user.staff_role}:{address}")
    minute = f"{now:%Y%m%d%H%M}"
    built_in, html = entry.value or ("", None)
    return CachedQueuePage(entry=entry, minute=minute, html=html if built_in == minute else None)


def _filters_digest(filterset: ReviewQueueFilter, recused_from) -> str:
    """Every filter but the status and the sort, with what they depend on (the viewer, the minute)."""
    values = filterset.cleaned
    parts = [(name, str(value)) for name, value in sorted(values.items()) if name not in ("status", "sort")]
    parts = [(name, value) for name, value in parts if value not in ("", "None", "False")]
    if values.get("mine"):
        parts.append(("user", str(filterset.user.pk)))
    if values.get("due_within") is not None:
        parts.append(("minute", filterset.now.strftime("%Y%m%d%H%M")))
    return hashlib.sha256(repr((parts, list(recused_from))).encode()).hexdigest()[:32]


def _counts_cache_key(filterset: ReviewQueueFilter, recused_from, version: str) -> str:
    return f"review-queue:counts:{version}:{_filters_digest(filterset, recused_from)}"


def status_counts(filterset: ReviewQueueFilter, *, recused_from=(), version: str | None = None) -> dict[str, int]:
    """Requests per status under every filter but the status itself: one GROUP BY query.

    Given ``version`` (``queue_version()``), the counts are cached under it for ``COUNTS_CACHE_SECONDS``:
    every change the queue shows replaces the version, so a cached figure is never older than the
    data it counts (a ``QuerySet.update`` outside the services is caught by the time limit).
    """
    key = _counts_cache_key(filterset, recused_from, version) if version else None
    counts = cache.get(key) if key else None
    if counts is None:
        rows = filterset.queryset_without("status").values_list("status").annotate(n=Count("pk"))
        counts = dict.fromkeys(QUEUE_STATUSES, 0)
        counts.update(dict(rows))
        if key:
            cache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


class KnownCountPaginator(Paginator):
    """A paginator told its total, so it does not run its own COUNT query."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


@dataclass
class QueuePage:
    filterset: ReviewQueueFilter
    page: Page
    counts: dict[str, int]
    reviewers: list[User] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def open_count(self) -> int:
        return sum(self.counts[status] for status in OPEN)

    @property
    def all_count(self) -> int:
        return sum(self.counts.values())


def page_rows(queryset: QuerySet[Submission], *, offset: int) -> list:
    """Rows ``offset`` to ``offset + PAGE_SIZE`` of ``queryset`` as named tuples of ``ROW_FIELDS``.

    Two queries: the page's ids (the filters and the sort, from the indexes, joining only what a
    filter or sort needs), then those rows with their arrangement, organization, year and
    assignee. Joining after the LIMIT keeps PostgreSQL from joining every matching row first.
    """
    ids = list(queryset.values_list("pk", flat=True)[offset : offset + PAGE_SIZE])
    if not ids:
        return []
    rows = Submission.objects.filter(pk__in=ids).order_by().values_list(*ROW_FIELDS, named=True)
    by_id = {row.id: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def review_queue_page(user: User, params, *, version: str, page_number=None, now=None) -> QueuePage:
    """One page of the queue in six queries, seven without the counts cached under ``version``.

    Reviewers, recusals, years, (the counts), the page's ids and its rows. The rows of page N are
    rows (N-1)*50 to N*50 of the filtered, sorted queryset; the counts give the number of pages
    and the links, never the rows themselves.
    """
    reviewers = assignable_reviewers()
    recused_from = recused_organization_ids(user)
    filterset = queue_filter(user, params, reviewers=reviewers, recused_from=recused_from, now=now)
    counts = status_counts(filterset, recused_from=recused_from, version=version)
    total = sum(counts[status] for status in statuses_for(filterset.status_value))
    paginator = KnownCountPaginator(filterset.qs, PAGE_SIZE, count=total)
    page = paginator.get_page(page_number if page_number is not None else params.get("page"))
    page.object_list = page_rows(filterset.qs, offset=(page.number - 1) * PAGE_SIZE)
    return QueuePage(filterset=filterset, page=page, counts=counts, reviewers=reviewers)


def saved_views_of(user: User) -> list[SavedQueueView]:
    """The views ``user`` saved for themselves, by name."""
    return list(SavedQueueView.objects.filter(owner=user).only("id", "name", "query"))


LEAD_LIST_SIZE = 10


@dataclass
class LeadWaiting:
    """What waits for a lead: the counts, and the first requests of each list (review due soonest)."""

    awaiting_decision: int
    unassigned: int
    awaiting_rows: list
    unassigned_rows: list


def lead_waiting(user: User, *, limit: int | None = None) -> LeadWaiting:
    """Recommended requests (awaiting a decision) and open unassigned ones, without ``user``'s recusals.

    Three queries whatever the numbers: both counts in one, then the first ``limit`` of each list.
    """
    limit = LEAD_LIST_SIZE if limit is None else limit
    recused_from = recused_organization_ids(user)
    open_requests = queue_submissions(user, recused_from=recused_from).filter(status__in=OPEN)
    counts = open_requests.aggregate(
        awaiting_decision=Count("pk", filter=Q(status=SubmissionStatus.RECOMMENDED)),
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
    )
    ordered = open_requests.order_by("review_due_at", "pk").values_list(*ROW_FIELDS, named=True)
    return LeadWaiting(
        **counts,
        awaiting_rows=list(ordered.filter(status=SubmissionStatus.RECOMMENDED)[:limit]),
        unassigned_rows=list(ordered.filter(assignee__isnull=True)[:limit]),
    )


def season_start(now: datetime.datetime) -> datetime.datetime:
    """January 1 of ``now``'s year in US Eastern time: the start of this review season."""
    local = timezone.localtime(now)
    return local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def reviewer_workload(*, now=None) -> QuerySet[User]:
    """Each active reviewer with ``open_count``, ``overdue_count`` and ``done_count`` (decided this season).

    One query: three correlated counts per reviewer, each read from ``submission_workload_idx``
    alone. "Decided this season" counts the reviewer's requests that are approved or rejected
    now, by a decision made since January 1: ``status_changed_at`` is stamped by
    ``transition_apply`` with the time of the approve or reject event it writes, so this equals
    counting those events, without reading the event log. A decision reopened since then no
    longer counts.
    """
    now = now or timezone.now()
    mine = Submission.objects.filter(assignee=OuterRef("pk")).order_by().values("assignee")
    open_work = mine.filter(status__in=OPEN)

    def count(queryset):
        counted = queryset.annotate(n=Count("assignee")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    return (
        User.objects.filter(staff_role=StaffRole.REVIEWER, is_active=True)
        .annotate(
            open_count=count(open_work),
            overdue_count=count(open_work.filter(review_due_at__lt=now)),
            done_count=count(mine.filter(status__in=DECIDED, status_changed_at__gte=season_start(now))),
        )
        .order_by("full_name", "email")
    )


# --- CSV export --------------------------------------------------------------------------------

CSV_HEADER = [
    "Tracking number",
    "Arrangement",
    "Payer",
    "Organization",
    "Process",
    "Payer type",
    "Performance year",
    "Status",
    "Automatic check",
    "Assigned to",
    "Submitted",
    "Review due",
]


def queue_csv_rows(filterset: ReviewQueueFilter, *, chunk_size: int = 2000) -> Iterator[list]:
    """The filtered queue, every page, one list per row under ``CSV_HEADER``; read in chunks, never all at once."""
    labels = {
        "process": dict(Process.choices),
        "payer_type": dict(PayerType.choices),
        "status": dict(SubmissionStatus.choices),
        "precheck": {o.value: o.label for o in Outcome},
    }
    rows = filterset.qs.values_list(
        "tracking_number",
        "arrangement_name",
        "arrangement__payer_name",
        "organization__name",
        "process",
        "payer_type",
        "performance_year__year",
        "status",
        "precheck_outcome",
        "assignee__full_name",
        "submitted_at",
        "review_due_at",
    )
    for row in rows.iterator(chunk_size=chunk_size):
        (tracking, arrangement, payer, organization, process, payer_type, year, status, precheck, *rest) = row
        yield [
            tracking,
            arrangement,
            payer,
            organization,
            labels["process"].get(process, process),
            labels["payer_type"].get(payer_type, payer_type),
            year,
            labels["status"].get(status, status),
            labels["precheck"].get(precheck, precheck),
            *rest,
        ]
