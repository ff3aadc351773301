"""Program admins manage the portal's data in the admin site: their role grants the permissions.

Deriving the permissions from ``User.staff_role`` keeps one source of truth for who is a program
admin, instead of a group membership that could drift from the role.
"""

from django.contrib.auth.backends import BaseBackend

from .models import StaffRole

PROGRAM_ADMIN_APPS = frozenset({"accounts", "determinations", "otp_totp", "axes"})
# Audit records are read, never written, by a program admin (and by an auditor, who is given
# admin-site access and Django's "Can view log entry" permission through the ordinary backend).
PROGRAM_ADMIN_READ_ONLY = frozenset({"auditlog.view_logentry"})


class ProgramAdminBackend(BaseBackend):
    def _is_program_admin(self, user_obj) -> bool:
        return user_obj.is_active and getattr(user_obj, "staff_role", "") == StaffRole.PROGRAM_ADMIN

    def has_perm(self, user_obj, perm, obj=None):
        if not self._is_program_admin(user_obj):
            return False
        return perm in PROGRAM_ADMIN_READ_ONLY or perm.split(".", 1)[0] in PROGRAM_ADMIN_APPS

    def has_module_perms(self, user_obj, app_label):
        readable = {perm.split(".", 1)[0] for perm in PROGRAM_ADMIN_READ_ONLY}
        return self._is_program_admin(user_obj) and (app_label in PROGRAM_ADMIN_APPS or app_label in readable)
