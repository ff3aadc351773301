"""Many requests at once for job tests and benchmarks: one made through the services, then copies."""

from determinations.models import ArrangementMeasure, CriterionResult, Submission


def request_copies(submission: Submission, count: int) -> list[int]:
    """``count`` copies of a request (answers, measures, automatic results, status), each with
    its own tracking number."""
    measures = list(submission.measures.all())
    results = list(submission.criterion_results.all())
    fields = _fields(Submission.objects.get(pk=submission.pk))
    copies = [
        Submission(
            **fields,
            tracking_number=f"{submission.tracking_number}-{number:04d}" if submission.tracking_number else None,
        )
        for number in range(count)
    ]
    Submission.objects.bulk_create(copies, batch_size=1000)
    ArrangementMeasure.objects.bulk_create(
        [
            ArrangementMeasure(**{**_fields(measure), "submission_id": copy.pk})
            for copy in copies
            for measure in measures
        ],
        batch_size=2000,
    )
    CriterionResult.objects.bulk_create(
        [CriterionResult(**{**_fields(result), "submission_id": copy.pk}) for copy in copies for result in results],
        batch_size=2000,
    )
    return [copy.pk for copy in copies]


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.attname not in ("submission_id", "tracking_number")
    }
