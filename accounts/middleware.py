"""Sends CMS staff through TOTP set-up or verification before any other page."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import requires_mfa

OPEN_URL_NAMES = ("accounts:mfa_setup", "accounts:mfa_verify", "logout")


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if requires_mfa(user) and not user.is_verified() and not self._is_open(request.path):
            has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            target = reverse("accounts:mfa_verify" if has_device else "accounts:mfa_setup")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        return path.startswith("/static/") or path in {reverse(name) for name in OPEN_URL_NAMES}
