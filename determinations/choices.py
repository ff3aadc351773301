"""Choice lists shared across the domain: determination processes, window processes and payer types."""

from django.db import models


class Process(models.TextChoices):
    PAYER_INITIATED = "payer_initiated", "Payer Initiated"
    CLINICIAN_INITIATED = "clinician_initiated", "Eligible Clinician Initiated"


class WindowProcess(models.TextChoices):
    """What a submission window takes: the two request processes, and the All-Payer QP data (42 CFR 414.1440(e))."""

    PAYER_INITIATED = Process.PAYER_INITIATED.value, Process.PAYER_INITIATED.label
    CLINICIAN_INITIATED = Process.CLINICIAN_INITIATED.value, Process.CLINICIAN_INITIATED.label
    ALL_PAYER_QP = "all_payer_qp", "All-Payer QP data submission"


class PayerType(models.TextChoices):
    MEDICAID = "medicaid", "State Medicaid agency"
    MEDICARE_HEALTH_PLAN = "medicare_health_plan", "Medicare Health Plan"
    MULTI_PAYER_MODEL = "multi_payer_model", "CMS Multi-Payer Model payer"
    OTHER_PAYER = "other_payer", "Remaining other payer (commercial or private)"


class RequesterKind(models.TextChoices):
    PAYER = "payer", "Payer"
    APM_ENTITY = "apm_entity", "APM Entity"
    ELIGIBLE_CLINICIAN = "eligible_clinician", "Eligible clinician"
