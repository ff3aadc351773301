"""The registry of job kinds: what each job works on, what it does per item, and its parameters.

A kind gives ``items(parameters)``, the keys of the objects to work on (read once, when the job
starts), and ``process(job, key, prepared)``, which does one item inside the item's transaction and
returns the row the results CSV shows for it. ``prepare(job)``, if given, is read once per chunk
(e.g. a year's rule parameters) and handed to each ``process`` call of that chunk. ``cancel(job)``,
if given, runs in the transaction that cancels the job (e.g. to mark what the job was building as
abandoned). ``process``
must be safe to run again after a crash: its writes commit only with the item's "done" stamp,
and e-mail goes through the outbox.

``process_many(job, keys, prepared)``, if given, does a batch of items at once (reads in a few
queries, writes in bulk) and returns the row of each key it did; it must store what ``process``
would store for each. Keys it leaves out, and every key of a batch it raises on, are then done
one at a time by ``process``, so a failure stays the failing item's.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django import forms
from django.db import InterfaceError, OperationalError


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    description: str
    items: Callable[[dict], Iterable[str]]
    process: Callable[..., dict]
    columns: tuple[str, ...]
    form: type[forms.Form]
    prepare: Callable[..., Any] = lambda job: None
    process_many: Callable[..., dict[str, dict]] | None = None
    cancel: Callable[..., None] = lambda job: None


# Errors that say nothing about the item (a lost database connection, the task's soft time limit):
# they end the chunk's attempt and its task is retried, instead of marking the item failed.
TRANSIENT = (OperationalError, InterfaceError, SoftTimeLimitExceeded)

KINDS: dict[str, JobKind] = {}


def job_kind(kind: JobKind) -> JobKind:
    if kind.name in KINDS and KINDS[kind.name] != kind:
        raise ValueError(f"Job kind {kind.name!r} is registered twice.")
    KINDS[kind.name] = kind
    return kind
