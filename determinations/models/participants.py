"""Who a request covers: its APM Entities and their eligible clinicians, as rows of the submission.

They belong to the submission (not the shared ``Arrangement``), so a later draft never changes whom a
decided request covered; QP determinations read them through ``selectors.participants``.
"""

from django.db import models


class ApmEntityParticipant(models.Model):
    submission = models.ForeignKey("determinations.Submission", on_delete=models.CASCADE, related_name="apm_entities")
    name = models.CharField(max_length=200)
    tin = models.CharField("TIN", max_length=9)
    entity_identifier = models.CharField(max_length=50, help_text="The payer's identifier for the APM Entity.")
    uses_cehrt = models.BooleanField(
        null=True, blank=True, help_text="For a hospital that is an APM Entity: whether it uses CEHRT."
    )
    position = models.PositiveIntegerField(help_text="Its order in the uploaded list.")

    class Meta:
        ordering = ["submission", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "entity_identifier"], name="apm_entity_participant_unique_identifier"
            ),
            models.CheckConstraint(condition=models.Q(tin__regex=r"^\d{9}$"), name="apm_entity_participant_tin"),
        ]

    def __str__(self):
        return f"{self.name} (TIN {self.tin})"


class ClinicianParticipant(models.Model):
    apm_entity = models.ForeignKey(ApmEntityParticipant, on_delete=models.CASCADE, related_name="clinicians")
    npi = models.CharField("NPI", max_length=10)

    class Meta:
        ordering = ["apm_entity", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["apm_entity", "npi"], name="clinician_participant_unique_npi"),
            models.CheckConstraint(condition=models.Q(npi__regex=r"^\d{10}$"), name="clinician_participant_npi"),
        ]

    def __str__(self):
        return self.npi
