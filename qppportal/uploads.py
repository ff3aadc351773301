"""Request-size limits: a body larger than its view's limit is refused with 413 before it is read whole.

Two checks, so neither a large ``Content-Length`` nor a file part that grows past its limit makes
the portal read or keep the whole body (finding 9 of the 2026-11-30 probe, decision 0029):

- ``RequestSizeLimitMiddleware`` refuses a body whose ``Content-Length`` is over the view's limit
  without reading any of it, and parses the form data itself, so a refusal while streaming answers
  413 with a page instead of escaping from a later middleware as a 500.
- ``SizeLimitUploadHandler``, the first upload handler, counts each file part's bytes as they
  arrive and stops the upload as soon as one passes the view's file limit: the handlers after it
  (memory, temporary file) never receive the rest, the partial temporary file is deleted and the
  rest of the body is not read (the server closes the connection).

Each view's file limit is the setting ``settings.UPLOAD_FILE_LIMIT_SETTING_BY_VIEW`` names for its
URL name or, for every other view, ``DOCUMENT_MAX_BYTES``; the body may be
``UPLOAD_FORM_ALLOWANCE_BYTES`` larger for the form's other fields and the multipart framing.
The reverse proxy's own limit is in docs/operations.md.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

MIB = 1024 * 1024
UPLOAD_REFUSED = "_qpp_upload_refused"  # set on the request by the handler, read by the middleware


def file_limit(path_info: str) -> int:
    """The largest file the view at ``path_info`` accepts, in bytes."""
    try:
        view_name = resolve(path_info).view_name
    except Resolver404:
        view_name = ""
    return getattr(settings, settings.UPLOAD_FILE_LIMIT_SETTING_BY_VIEW.get(view_name, "DOCUMENT_MAX_BYTES"))


def size_text(limit: int) -> str:
    return f"{limit // MIB} MB" if limit >= MIB else f"{limit // 1024} KB"


def _refusal(status: int, message: str) -> HttpResponse:
    # A bare template render, like the 500 page: the request has not been through the session middleware.
    return HttpResponse(render_to_string("errors/413.html", {"message": message}), status=status)


def too_large(limit: int) -> HttpResponse:
    return _refusal(
        413,
        f"What you sent is too large: files can be at most {size_text(limit)}. Nothing was saved. "
        "Go back, choose a smaller file (or split the list) and send it again.",
    )


def content_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" and not content_length(request):
            return self.get_response(request)  # no body to limit: the URL is not resolved twice
        limit = file_limit(request.path_info)
        if content_length(request) > limit + settings.UPLOAD_FORM_ALLOWANCE_BYTES:
            return too_large(limit)
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 (parsed here, so that a refusal while streaming answers 413)
            except RequestDataTooBig:
                return too_large(limit)
            except (TooManyFieldsSent, TooManyFilesSent):
                return _refusal(400, "The form sent more fields or files than any page of the portal has.")
            if getattr(request, UPLOAD_REFUSED, False):
                return too_large(limit)
        return self.get_response(request)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops an upload as soon as a file part passes its view's limit (before the next handlers keep it)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = file_limit(self.request.path_info)

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, UPLOAD_REFUSED, True)
            # The parser closes (and so deletes) the temporary file and reads no more of the body.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
