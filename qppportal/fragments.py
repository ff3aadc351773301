"""Rendered HTML that holds forms, kept in the cache and given to any session.

``{% csrf_token %}`` is the only part of such HTML that belongs to one browser. The HTML is rendered
with a stand-in token, and each request puts its own field in place of the stand-in's. The stand-in's
field starts with ``<input``, which no text the template engine escaped can contain, so only the
fields the template itself wrote are replaced.

``kept_or_rendered`` serves such a page: the kept copy with this request's fields, or a new copy
rendered, kept and served (decisions 0038 and 0040).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

_STAND_IN = "csrf-token-of-the-request"


def _csrf_field(token: str) -> str:
    """What ``{% csrf_token %}`` writes for ``token``."""
    return CsrfTokenNode().render(Context({"csrf_token": token}))


_STAND_IN_FIELD = _csrf_field(_STAND_IN)


def render_for_any_session(template_name: str, context: dict, request) -> str:
    """``template_name`` rendered with the stand-in for every CSRF field: HTML any session may be given."""
    return str(render_to_string(template_name, {**context, "csrf_token": _STAND_IN}, request))


def with_csrf_fields(html: str, request) -> SafeString:
    """``html`` from ``render_for_any_session`` with this request's CSRF field in each form."""
    if _STAND_IN_FIELD not in html:
        return mark_safe(html)  # nosec B308 B703 - safe: rendered by the template engine, which escaped it
    # safe: ``html`` was escaped by the template engine, the field by format_html (CsrfTokenNode).
    return mark_safe(html.replace(_STAND_IN_FIELD, _csrf_field(get_token(request))))  # nosec B308 B703


@dataclass
class Page:
    """A page to render, and how to keep it (``keep(html)``), or None when it must not be kept."""

    template_name: str
    context: dict
    keep: Callable[[str], None] | None


def kept_or_rendered(request, kept: str | None, build: Callable[[], Page]) -> HttpResponse:
    """``kept`` with this request's CSRF fields; without it, the page ``build()`` gives, rendered and kept.

    A page with a message to show is rendered afresh and not kept: the message is this request's
    alone (and after an action the page has usually changed anyway).
    """
    has_messages = bool(messages.get_messages(request))
    if kept is not None and not has_messages:
        return HttpResponse(with_csrf_fields(kept, request))
    page = build()
    if has_messages or page.keep is None:
        return render(request, page.template_name, page.context)
    html = render_for_any_session(page.template_name, page.context, request)
    page.keep(html)
    return HttpResponse(with_csrf_fields(html, request))
