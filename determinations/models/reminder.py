"""When reminders go out: one row per kind of reminder, edited by program admins in the admin site.

The periodic sweep runs every hour (beat); what it sends and how long before each deadline comes
from these rows, so CMS changes the reminder schedule without a deploy
(``docs/decisions/0024-reminders-as-rows.md``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class ReminderKind(models.TextChoices):
    DRAFT_WINDOW_CLOSING = "draft_window_closing", "Draft in a window that is closing (to its organization)"
    QUESTION_DUE = "question_due", "CMS question due or overdue (to the submitting organization)"
    REVIEW_UNASSIGNED = "review_unassigned", "Request unassigned too long (to review leads)"
    REVIEW_UNDECIDED = "review_undecided", "Request undecided too long (to its reviewer and review leads)"
    REVIEWER_DIGEST = "reviewer_digest", "Weekly digest of each reviewer's requests"
    RENEWAL_DUE = "renewal_due", "Renewal: approved last year, no request for the coming year (to its organization)"
    CONFIRMATION_DUE = "confirmation_due", "Multi-year determination: yearly confirmation due (to its organization)"
    ALL_PAYER_QP_DUE = "all_payer_qp_due", "All-Payer QP submission draft, December 1 deadline (to its organization)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def parse_offsets(text: str) -> list[int]:
    try:
        offsets = sorted({int(part) for part in text.replace(" ", "").split(",") if part}, reverse=True)
    except ValueError:
        raise ValidationError("Give whole numbers of days separated by commas, for example 30,7,1.") from None
    if any(offset < 0 or offset > 365 for offset in offsets):
        raise ValidationError("Each number of days must be between 0 and 365.")
    return offsets


class ReminderSchedule(models.Model):
    kind = models.CharField(max_length=40, choices=ReminderKind.choices, unique=True)
    enabled = models.BooleanField(default=True)
    days_before = models.CharField(
        max_length=100,
        blank=True,
        validators=[parse_offsets],
        help_text="Days before the deadline, comma-separated (business days for CMS questions), e.g. 30,7,1.",
    )
    after_days = models.PositiveSmallIntegerField(
        default=0, help_text="For staff reminders: days a request may wait before the leads are told."
    )
    weekday = models.PositiveSmallIntegerField(
        choices=Weekday.choices, default=Weekday.MONDAY, help_text="For the weekly digest: the day it goes out."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def offsets(self) -> list[int]:
        return parse_offsets(self.days_before)
