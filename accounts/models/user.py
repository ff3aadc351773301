"""The portal's user: signs in with an e-mail address and may hold one CMS staff role."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class StaffRole(models.TextChoices):
    NONE = "", "Not CMS staff"
    REVIEWER = "reviewer", "Reviewer"
    REVIEW_LEAD = "review_lead", "Review lead"
    PROGRAM_ADMIN = "program_admin", "Program admin"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("staff_role", StaffRole.PROGRAM_ADMIN)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "rev"})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    staff_role = models.CharField(
        max_length=20,
        choices=StaffRole.choices,
        blank=True,
        default=StaffRole.NONE,
        help_text="The CMS staff role, if any. Staff must sign in with a one-time code.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access",
        default=False,
        help_text="Whether the user can open the administration site.",
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        """The first name for a greeting; a title such as "Dr." is not a name ("Dr. Casey" gives "Casey")."""
        names = [word for word in self.full_name.split() if word.lower().rstrip(".") not in HONORIFICS]
        return names[0] if names else (self.full_name.strip() or self.email)

    @property
    def is_cms_staff(self) -> bool:
        return bool(self.staff_role)
