"""The portal's URLs plus a bare view, for benchmark runs only (``ROOT_URLCONF=bench.urls``)."""

from django.http import HttpResponse
from django.urls import path

from qppportal.urls import handler403, handler404, handler500  # noqa: F401
from qppportal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    """The baseline: a request through the same middleware to a view that does nothing."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
