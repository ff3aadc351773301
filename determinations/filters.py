"""The review queue's filters, search and sort orders, all read from the URL so a view can be bookmarked.

Parameters (every one optional): ``year``, ``process``, ``payer_type``, ``status`` (``open`` when
absent, ``all``, or one status), ``assignee`` (a reviewer's id), ``mine``, ``unassigned``,
``due_within`` (days), ``precheck``, ``q`` and ``sort``.

"Due within N days" reads CMS's own clock, ``review_due_at`` (the window's deadline plus
``REVIEW_TARGET_DAYS``): a request is due within N days when that moment is no later than N days
from now, so overdue requests are included and ``due_within=0`` lists the overdue ones. The
submitter's clock (an open information request's due date) is left out on purpose: it measures
the submitter, not the reviewer, and is shown on the request itself.
"""

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

import django_filters
from django import forms
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from accounts.models import Organization
from determinations import states
from determinations.choices import PayerType, Process
from determinations.models import Arrangement, Submission
from determinations.rules import tracking_numbers
from determinations.rules.results import Outcome
from determinations.states import STAFF_VISIBLE, SubmissionStatus

OPEN = "open"
ALL = "all"
QUEUE_STATUSES = [s for s in SubmissionStatus if s in STAFF_VISIBLE]
STATUS_CHOICES = [
    (OPEN, "Open (not yet decided)"),
    (ALL, "Any status"),
    *[(s.value, s.label) for s in QUEUE_STATUSES],
]
PRECHECK_CHOICES = [(o.value, o.label) for o in Outcome]
SORT_FIELDS = (
    ("review_due_at", "due"),
    ("submitted_at", "submitted"),
    ("status", "status"),
    ("arrangement_name", "arrangement"),
    ("organization__name", "organization"),
)
SORT_LABELS = {
    "due": "Review due, soonest first",
    "-due": "Review due, latest first",
    "submitted": "Submitted, oldest first",
    "-submitted": "Submitted, newest first",
    "status": "Status",
    "-status": "Status, reversed",
    "arrangement": "Arrangement name, A to Z",
    "-arrangement": "Arrangement name, Z to A",
    "organization": "Organization name, A to Z",
    "-organization": "Organization name, Z to A",
}
DEFAULT_SORT = "due"
# Named views a reviewer returns to all day: links whose filters stay in the URL.
SAVED_VIEWS = (
    ("Mine, due soonest", {"mine": "on", "sort": "due"}),
    ("Unassigned", {"unassigned": "on"}),
    ("Overdue", {"due_within": "0"}),
    ("Waiting for the submitter", {"status": SubmissionStatus.INFORMATION_REQUESTED.value}),
)
# A lead's extra view: recommendations that wait for their decision.
LEAD_SAVED_VIEWS = (("Awaiting a decision", {"status": SubmissionStatus.RECOMMENDED.value}),)
# Filters kept under "More filters"; the panel opens when one of them is set.
MORE_FILTERS = ("status", "process", "payer_type", "precheck", "due_within", "mine", "unassigned")
MAX_DUE_WITHIN_DAYS = 366
SEARCH_WORDS = 6


def filters_query(params) -> str:
    """The queue's filters in ``params`` (a ``QueryDict`` or a query string) as a query string.

    Only the queue's own parameters, in a fixed order, without the page or empty values: the form
    a saved view is stored in and compared by, so the same filters always give the same string.
    """
    if isinstance(params, str):
        params = dict(parse_qsl(params))
    known = ReviewQueueFilter.base_filters
    return urlencode([(name, params.get(name)) for name in known if params.get(name, "") not in ("", None)])


def statuses_for(value: str) -> tuple[str, ...]:
    """The statuses a ``status`` parameter stands for."""
    if value == ALL:
        return tuple(QUEUE_STATUSES)
    if value in (OPEN, "", None):
        return states.OPEN
    return (value,)


class ReviewQueueFilter(django_filters.FilterSet):
    """Filters of the review queue; ``user`` gives "mine", ``reviewers`` and ``years`` the choices.

    Always bind it (``data`` may be empty): an invalid value is dropped and the rest still apply.
    """

    year = django_filters.ChoiceFilter(
        field_name="performance_year__year", label="Performance year", empty_label="Any year"
    )
    process = django_filters.ChoiceFilter(choices=Process.choices, label="Process", empty_label="Any process")
    payer_type = django_filters.ChoiceFilter(
        choices=PayerType.choices, label="Payer type", empty_label="Any payer type"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, label="Status", method="filter_status", empty_label=None
    )
    assignee = django_filters.ChoiceFilter(
        field_name="assignee_id", label="Assigned to", empty_label="Anyone or no one"
    )
    mine = django_filters.BooleanFilter(label="Assigned to me", method="filter_mine", widget=forms.CheckboxInput)
    unassigned = django_filters.BooleanFilter(
        label="Unassigned", method="filter_unassigned", widget=forms.CheckboxInput
    )
    due_within = django_filters.NumberFilter(
        label="Review due within (days)",
        method="filter_due_within",
        min_value=0,
        max_value=MAX_DUE_WITHIN_DAYS,
        help_text="Includes overdue requests; 0 lists only the overdue ones.",
    )
    precheck = django_filters.ChoiceFilter(
        field_name="precheck_outcome", choices=PRECHECK_CHOICES, label="Automatic check", empty_label="Any outcome"
    )
    q = django_filters.CharFilter(
        label="Search", method="filter_search", help_text="Arrangement, payer or organization name, or tracking number."
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORT_LABELS.items()), label="Sort by", method="filter_sort", empty_label=None
    )

    def __init__(self, data, queryset, *, user, reviewers=(), years=(), now=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.user = user
        self.now = now or timezone.now()
        self.choices = {
            "year": [(str(year), str(year)) for year in years],
            "assignee": [(str(r.pk), r.full_name or r.email) for r in reviewers],
        }

    @classmethod
    def _form_class(cls):
        # django-filter builds a form class per request; its fields do not change, only two choice lists.
        if "_cached_form_class" not in cls.__dict__:
            fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
            cls._cached_form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        return cls._cached_form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = self._form_class()(self.data, prefix=self.form_prefix)
            for name, choices in self.choices.items():
                self._form.fields[name].choices = choices
        return self._form

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=statuses_for(value))

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.user) if value else queryset

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(assignee__isnull=True) if value else queryset

    def filter_due_within(self, queryset, name, value):
        return queryset.filter(review_due_at__lte=self.now + timedelta(days=int(value)))

    def filter_search(self, queryset, name, value):
        """Every word must match one of the four names. Each table is searched on its own, so that
        PostgreSQL can read its trigram indexes (migrations 0008 and 0014); an OR across a join cannot.
        The arrangement's name is the request's own (``Submission.arrangement_name``)."""
        for word in value.split()[:SEARCH_WORDS]:
            # A tracking number read over the phone ("opa-2027-pi-7k3qx2d", an O for a 0) is found too.
            word = tracking_numbers.normalized(word) if tracking_numbers.is_valid(word) else word
            names = Q(arrangement_name__icontains=word) | Q(tracking_number__icontains=word)
            requests = Submission.objects.filter(names)
            payers = Arrangement.objects.filter(payer_name__icontains=word)
            organizations = Organization.objects.filter(name__icontains=word)
            queryset = queryset.filter(
                Q(pk__in=requests.values("pk"))
                | Q(arrangement_id__in=payers.values("pk"))
                | Q(organization_id__in=organizations.values("pk"))
            )
        return queryset

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*ordering_for(value))

    def filter_queryset(self, queryset, *, skip=()):
        """Apply every valid filter except those in ``skip``; status and sort have defaults."""
        data = {"status": OPEN, "sort": DEFAULT_SORT}
        data.update({name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")})
        for name, value in data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def queryset_without(self, *names):
        """The unordered queryset with every filter but ``names`` (counts per status skip ``status``)."""
        self.errors  # noqa: B018 (validates the form, as ``qs`` does)
        return self.filter_queryset(self.queryset, skip={*names, "sort"}).order_by()

    @property
    def cleaned(self) -> dict:
        """The valid filter values (the form is validated first); invalid ones are left out."""
        self.errors  # noqa: B018
        return self.form.cleaned_data

    @property
    def status_value(self) -> str:
        return self.cleaned.get("status") or OPEN


def ordering_for(sort: str) -> list:
    """The ORDER BY of a ``sort`` value, with the primary key to keep pages stable.

    Status sorts in workflow order (submitted, in review, ... withdrawn), not alphabetically.
    """
    fields = {param: field for field, param in SORT_FIELDS}
    descending = sort.startswith("-")
    field = fields.get(sort.lstrip("-"), fields[DEFAULT_SORT])
    if field == "status":
        rank = Case(*[When(status=s, then=Value(i)) for i, s in enumerate(QUEUE_STATUSES)], default=Value(99))
        return [rank.desc() if descending else rank.asc(), "-pk" if descending else "pk"]
    return [f"-{field}", "-pk"] if descending else [field, "pk"]
