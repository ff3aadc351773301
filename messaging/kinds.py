"""The registry of message kinds: for each kind, how to write the e-mail when it is sent.

A kind's composer is called by the dispatcher at sending time with the ``Message`` row. It reads
the current state of the object, so a message no longer owed (a question already answered, a
draft already submitted) raises ``NotDue`` and is recorded as not sent, with the reason.

A kind sent in thousands (reminders) may also give ``prefetch(object_ids)``: the dispatcher then
reads the objects of a whole batch of messages at once, with what their composer needs, and
calls ``compose(message, about=obj)`` (``obj`` is ``None`` for an object that no longer exists).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


class NotDue(Exception):
    """The message is no longer owed; the text says why (it is kept on the row)."""


@dataclass(frozen=True)
class MessageKind:
    name: str
    label: str
    compose: Callable[..., Email]
    # A body carrying a secret (an invitation's one-time link) is not kept once sent.
    keep_body: bool = True
    prefetch: Callable[[list[int]], dict[int, Any]] | None = None


KINDS: dict[str, MessageKind] = {}


def message_kind(
    name: str, *, label: str, keep_body: bool = True, prefetch: Callable[[list[int]], dict[int, Any]] | None = None
):
    """Register the decorated function as the composer of messages of kind ``name``."""

    def register(compose: Callable[..., Email]) -> Callable[..., Email]:
        if name in KINDS and KINDS[name].compose is not compose:
            raise ValueError(f"Message kind {name!r} is registered twice.")
        KINDS[name] = MessageKind(name=name, label=label, compose=compose, keep_body=keep_body, prefetch=prefetch)
        return compose

    return register


def kind_label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name.replace("_", " ").capitalize()
