"""Rendered blocks of a page, kept in the cache under keys that change with what they show
(decisions 0033 and 0039).

A page names its blocks, each with a key that moves whenever what the block shows can change (a
request's data version, an organization's version, whether this viewer may use a form in it) and
a function that renders it. ``cached_blocks`` reads them all in one round trip, renders only the
missing ones and stores those in one more. Blocks are rendered from templates, so they are
escaped as every template is, and kept as the ``SafeString`` the template returned: nothing is
marked safe by hand. A block holds nothing personal to one request: no CSRF token, no messages.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.template.loader import render_to_string

# How long a block is kept. Its key moves with every change the portal records, so this bounds only
# what nothing records (a reviewer's name changed in the admin site, say).
FRAGMENT_SECONDS = 600


@dataclass(frozen=True)
class Block:
    key: str
    render: Callable[[], object]


def cached_blocks(blocks: dict[str, Block], seconds: int = FRAGMENT_SECONDS) -> dict[str, object]:
    """Each block by name: from the cache, or rendered now (and stored) when it is missing."""
    found = cache.get_many([block.key for block in blocks.values()])
    rendered, missing = {}, {}
    for name, block in blocks.items():
        if block.key in found:
            rendered[name] = found[block.key]
        else:
            rendered[name] = missing[block.key] = block.render()
    if missing:
        cache.set_many(missing, seconds)
    return rendered


def template_block(key: str, template: str, context: Callable[[], dict]) -> Block:
    """A block rendered from ``template`` with ``context()``, called only when the block is missing."""
    return Block(key, lambda: render_to_string(template, context()))


FORM_FIELDS = "determinations/_form_fields.html"


def form_block(form_class) -> Block:
    """An unbound form's fields and buttons, the same for everyone, under its class's name."""
    return template_block(
        f"form:{form_class.__module__}.{form_class.__qualname__}", FORM_FIELDS, lambda: {"form": form_class()}
    )
