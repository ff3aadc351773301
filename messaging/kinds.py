"""The registry of message kinds: for each kind, how to write the e-mail when it is sent.

A kind's composer is called by the dispatcher at sending time with the ``Message`` row. It reads
the current state of the object, so a message no longer owed (a question already answered, a
draft already submitted) raises ``NotDue`` and is recorded as not sent, with the reason.
"""

from collections.abc import Callable
from dataclasses import dataclass


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


KINDS: dict[str, MessageKind] = {}


def message_kind(name: str, *, label: str, keep_body: bool = True):
    """Register the decorated function as the composer of messages of kind ``name``."""

    def register(compose: Callable[..., Email]) -> Callable[..., Email]:
        if name in KINDS and KINDS[name].compose is not compose:
            raise ValueError(f"Message kind {name!r} is registered twice.")
        KINDS[name] = MessageKind(name=name, label=label, compose=compose, keep_body=keep_body)
        return compose

    return register


def kind_label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name.replace("_", " ").capitalize()
