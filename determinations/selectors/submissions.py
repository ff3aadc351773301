"""Reads of submissions: the dashboard, a request's detail page, likely duplicates and the published list.

``submissions_visible_to`` is the set of requests a person may see; lists start from it, and single
requests are checked by ``determinations.permissions.can_view_submission``."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User
from determinations.models import Determination, Document, InformationRequest, Submission, SubmissionEvent
from determinations.selectors.public_list import published_determinations
from determinations.states import SubmissionStatus


def submissions_visible_to(user: User) -> QuerySet[Submission]:
    """CMS staff see every submitted request; members see their organizations' requests, drafts too."""
    submissions = Submission.objects.all()
    if user.staff_role:
        return submissions.exclude(status=SubmissionStatus.DRAFT)
    return submissions.filter(organization__memberships__user=user)


def submissions_for_dashboard(user: User) -> QuerySet[Submission]:
    return (
        submissions_visible_to(user)
        .select_related("arrangement", "organization", "performance_year", "window")
        .annotate(document_count=Count("documents", distinct=True))
        .prefetch_related(
            Prefetch(
                "information_requests",
                queryset=InformationRequest.objects.filter(
                    responded_at__isnull=True,
                    closed_at__isnull=True,
                    submission__status=SubmissionStatus.INFORMATION_REQUESTED,
                ),
                to_attr="open_questions",
            )
        )
        .order_by("-updated_at")
    )


def submission_detail(user: User, submission_id: int) -> Submission:
    """One submission with its evidence, or ``Submission.DoesNotExist`` if the user may not see it."""
    events = SubmissionEvent.objects.select_related("actor").order_by("at", "pk")
    if not user.staff_role:
        events = events.filter(visibility="public")
    return (
        submissions_visible_to(user)
        .select_related("arrangement", "organization", "performance_year", "window", "created_by")
        .prefetch_related(
            "measures__mips_measure",
            Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
            Prefetch("events", queryset=events, to_attr="timeline"),
            Prefetch(
                "information_requests",
                queryset=InformationRequest.objects.prefetch_related("documents").order_by("-asked_at", "-pk"),
            ),
            Prefetch(
                "determinations",
                queryset=Determination.objects.filter(superseded_at__isnull=True).select_related("decided_by"),
                to_attr="current_determinations",
            ),
        )
        .get(pk=submission_id)
    )


def submissions_open_for_same_payer(user: User, *, submission: Submission) -> QuerySet[Submission]:
    """Likely duplicates the person may see: other requests of their organizations for the same payer
    name and first year, not withdrawn or rejected. Other organizations' requests stay unnamed, drafts
    above all; what is public of them is in ``published_for_same_payer``."""
    closed = [SubmissionStatus.WITHDRAWN, SubmissionStatus.REJECTED]
    return (
        submissions_visible_to(user)
        .exclude(pk=submission.pk)
        .exclude(status__in=closed)
        .filter(
            arrangement__payer_name__iexact=submission.arrangement.payer_name,
            performance_year=submission.performance_year_id,
        )
        .select_related("arrangement")
        .order_by("pk")
    )


def published_for_same_payer(*, submission: Submission, excluding: QuerySet[Submission]) -> QuerySet[Determination]:
    """Approved arrangements on the public list for the same payer name covering the request's first
    year (a public fact anyone reads at /advanced-apms/), other than those of ``excluding``."""
    return (
        published_determinations(year=submission.performance_year.year)
        .filter(arrangement__payer_name__iexact=submission.arrangement.payer_name)
        .exclude(submission__in=excluding.values("pk"))
        .exclude(arrangement_id=submission.arrangement_id)
    )


def published_arrangements_search(*, query: str, limit: int = 20) -> QuerySet:
    """Approved Other Payer Advanced APMs whose arrangement or payer name has every word of ``query``."""
    determinations = Determination.objects.filter(outcome="approved", superseded_at__isnull=True).select_related(
        "arrangement", "submission"
    )
    for word in query.split()[:8]:
        determinations = determinations.filter(
            Q(submission__arrangement_name__icontains=word) | Q(arrangement__payer_name__icontains=word)
        )
    return determinations.order_by("arrangement__payer_name", "submission__arrangement_name", "-first_year")[:limit]
