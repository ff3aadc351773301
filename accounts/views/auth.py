"""Sign-in, the second factor for CMS staff, and the account page."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import services
from ..forms import OneTimeCodeForm, SignInForm
from ..roles import home_url, requires_mfa


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return home_url(request.user)


@login_required
def mfa_setup(request):
    """First sign-in of a staff member: register an authenticator app, then confirm a code from it."""
    if not requires_mfa(request.user) or request.user.is_verified():
        return redirect(home_url(request.user))
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:mfa_verify")
    device = services.totp_device_pending(user=request.user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(device=device, token=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            messages.success(
                request, "Your authenticator app is set up. You will need a code from it each time you sign in."
            )
            return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_data_uri": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "secret": b32encode(device.bin_key).decode(),
        "next": request.GET.get("next", ""),
    }
    return render(request, "accounts/mfa_setup.html", context)


@login_required
def mfa_verify(request):
    """Every sign-in of a staff member: the current code from their authenticator app."""
    if not requires_mfa(request.user) or request.user.is_verified():
        return redirect(home_url(request.user))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:mfa_setup")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error("code", "Too many wrong codes. Wait a minute, then try again with a new code.")
        elif device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error("code", "That code did not match. Enter the current 6-digit code from your app.")
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def home(request):
    return redirect(home_url(request.user))


@login_required
def account(request):
    return render(
        request, "accounts/account.html", {"memberships": request.user.memberships.select_related("organization")}
    )
