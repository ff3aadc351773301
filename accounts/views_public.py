"""Pages anyone can open: the landing page and the styled error pages."""

from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static

from .roles import home_url


def landing(request):
    if request.user.is_authenticated:
        return redirect(home_url(request.user))
    return render(request, "landing.html")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to USWDS's icon."""
    return redirect(static("uswds/img/favicons/favicon.ico"), permanent=True)


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else "You do not have access to this page."
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # A bare template render: the request context may be what failed.
    return HttpResponseServerError(render_to_string("errors/500.html"))
