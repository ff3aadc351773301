"""Program admins manage the portal's data in the admin site: their role grants the permissions.

Deriving the permissions from ``User.staff_role`` keeps one source of truth for who is a program
admin, instead of a group membership that could drift from the role.
"""

from django.contrib.auth.backends import BaseBackend

from .models import StaffRole

PROGRAM_ADMIN_APPS = frozenset({"accounts", "determinations", "otp_totp", "axes"})


class ProgramAdminBackend(BaseBackend):
    def _is_program_admin(self, user_obj) -> bool:
        return user_obj.is_active and getattr(user_obj, "staff_role", "") == StaffRole.PROGRAM_ADMIN

    def has_perm(self, user_obj, perm, obj=None):
        return self._is_program_admin(user_obj) and perm.split(".", 1)[0] in PROGRAM_ADMIN_APPS

    def has_module_perms(self, user_obj, app_label):
        return self._is_program_admin(user_obj) and app_label in PROGRAM_ADMIN_APPS
