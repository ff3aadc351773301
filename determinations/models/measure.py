"""The MIPS quality measure list, one row per (performance year, measure ID).

Imported from CMS's ``qpp-measures-data`` package (or a ``measures-data.json`` an admin supplies for
a newer year) by ``determinations.services.measures.mips_measures_import``; nothing else writes it.
"""

import re

from django.db import models


class MeasureType(models.TextChoices):
    """The ``measureType`` values ``qpp-measures-data`` uses for quality measures (2017-2022).

    The field also stores values not listed here, as they come: CMS adds types from time to time and
    an import must not fail because of it. ``MipsMeasure.get_measure_type_display`` labels them.
    """

    OUTCOME = "outcome", "Outcome"
    INTERMEDIATE_OUTCOME = "intermediateOutcome", "Intermediate outcome"
    PATIENT_REPORTED_OUTCOME = "patientReportedOutcome", "Patient-reported outcome"
    INTERMEDIATE_OUTCOME_AND_PROCESS = "intermediateOutcomeAndProcess", "Intermediate outcome and process (composite)"
    PROCESS = "process", "Process"
    EFFICIENCY = "efficiency", "Efficiency"
    STRUCTURE = "structure", "Structure"
    PATIENT_ENGAGEMENT_EXPERIENCE = "patientEngagementExperience", "Patient engagement/experience"


#: Types that count as an outcome measure. CMS's MIPS definition (42 CFR 414.1305, "high priority
#: measure") reads "an outcome (including intermediate-outcome and patient-reported outcome)"
#: measure, so those three are outcome measures. The 2017-2018 "Diabetes Mellitus Composite" is
#: typed ``intermediateOutcomeAndProcess``: its result is met only when the intermediate outcomes are,
#: so it counts too. Process, structure, efficiency and patient engagement/experience measures do not.
OUTCOME_MEASURE_TYPES = frozenset(
    {
        MeasureType.OUTCOME,
        MeasureType.INTERMEDIATE_OUTCOME,
        MeasureType.PATIENT_REPORTED_OUTCOME,
        MeasureType.INTERMEDIATE_OUTCOME_AND_PROCESS,
    }
)


def is_outcome_type(measure_type: str) -> bool:
    """Whether a raw ``measureType`` is an outcome measure (see ``OUTCOME_MEASURE_TYPES``).

    A type CMS adds later whose name says it is an outcome (``...Outcome`` or ``outcome...``) counts
    too, so a new list does not silently lose its outcome measures; a reviewer still sees the type.
    """
    if measure_type in OUTCOME_MEASURE_TYPES:
        return True
    known = measure_type in MeasureType.values
    return not known and "outcome" in measure_type.lower()


class MipsMeasure(models.Model):
    """A MIPS quality measure finalized for one performance year.

    ``year`` is a plain number, not a key to ``PerformanceYear``: a list can be imported before the
    year's record exists. ``is_outcome`` is derived from ``measure_type`` at import
    (``is_outcome_type``): outcome, intermediate outcome, patient-reported outcome, and the
    intermediate-outcome composite. ``is_high_priority`` is CMS's own flag from the data.
    """

    year = models.PositiveSmallIntegerField("performance year")
    measure_id = models.CharField("measure ID", max_length=20, help_text="The quality measure number, e.g. 001.")
    title = models.CharField(max_length=1000)
    description = models.TextField(blank=True)
    measure_type = models.CharField(max_length=50, choices=MeasureType.choices, blank=True)
    is_outcome = models.BooleanField("outcome measure", default=False)
    is_high_priority = models.BooleanField("high priority", default=False)
    nqf_id = models.CharField("CBE (NQF) ID", max_length=20, blank=True)
    e_measure_id = models.CharField("eCQM ID", max_length=20, blank=True)
    primary_steward = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(help_text="When an import last created or changed this row.")

    class Meta:
        verbose_name = "MIPS quality measure"
        ordering = ["year", "measure_id"]
        constraints = [
            # Its index serves lookups by (year, measure ID) and narrows every search to one year
            # first. A title search then filters that year's rows (about a thousand at most), which
            # no further index would speed up: a B-tree cannot serve "contains", and a trigram index
            # would tie the schema to a PostgreSQL extension for a table of a few thousand rows.
            models.UniqueConstraint(fields=["year", "measure_id"], name="mips_measure_unique_year_measure_id"),
        ]

    def __str__(self):
        return f"{self.measure_id} ({self.year}): {self.title}"

    def get_measure_type_display(self) -> str:
        """The type's label; a type CMS added after this code was written is spelled out from its name."""
        labels = dict(MeasureType.choices)
        if self.measure_type in labels:
            return labels[self.measure_type]
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", self.measure_type).lower()
        return words[:1].upper() + words[1:]
