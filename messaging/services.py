"""Writes of the outbox: queue messages with a change, send what is due, resend on request.

``messages_queue`` is called inside the transaction that makes the change, so the message exists
exactly when the change does. ``messages_dispatch`` claims pending rows a batch at a time with
``SELECT ... FOR UPDATE SKIP LOCKED`` and moves them past a claim period in that transaction, so
any number of dispatchers can run at once (the wake-up after a commit, the periodic sweep, several
workers) and no row is taken twice. It reads the batch's objects at once where the kind allows,
sends over one mail connection and stamps each row as soon as its e-mail is handed over (one
``UPDATE``, committed): a dispatcher killed mid-batch resends at most the one message it was
sending, and the rest of its batch goes to another dispatcher once the claim runs out (decision
0034). A failure is kept on the row and retried with exponential backoff; after
``MESSAGE_MAX_ATTEMPTS`` the row is marked failed, shown to program admins, and can be resent.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone

from qppportal.background import enqueue_after_commit

from . import tasks  # tasks imports this module too: only its attributes are used, at call time
from .kinds import KINDS, NotDue
from .models import Message, MessageStatus

logger = logging.getLogger(__name__)


class MessageError(Exception):
    """A refused action on a message; the text says why."""


def object_ref(obj) -> tuple[str, int]:
    return obj._meta.label_lower, obj.pk


def messages_queue(*, kind: str, about, recipients, occasion: str = "", payload: dict | None = None) -> int:
    """Queue ``kind`` about ``about`` for each recipient once; returns how many rows are new.

    Call it inside the transaction of the change: the rows commit or roll back with it, and the
    dispatcher is woken after the commit (a broker that is down only delays the sending).
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown message kind {kind!r}.")
    now = timezone.now()
    object_type, object_id = object_ref(about)
    wanted = sorted({r.strip().lower() for r in recipients if r and r.strip()})
    existing = set(
        Message.objects.filter(
            kind=kind, object_type=object_type, object_id=object_id, occasion=occasion, recipient__in=wanted
        ).values_list("recipient", flat=True)
    )
    rows = [
        Message(
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            recipient=recipient,
            occasion=occasion,
            payload=payload or {},
            next_attempt_at=now,
            created_at=now,
        )
        for recipient in wanted
        if recipient not in existing
    ]
    # ignore_conflicts: a concurrent transaction queuing the same message wins, this one adds nothing.
    Message.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        dispatcher_wake()
    return len(rows)


def messages_queue_many(*, kind: str, object_type: str, entries) -> int:
    """Queue many messages of one kind at once: ``entries`` are (object id, recipient, occasion).

    For sweeps that owe thousands of reminders: one insert per thousand rows. Rows already queued
    (by this sweep's earlier run, or another sweep at the same moment) are left as they are, by the
    unique key; returns how many rows were offered.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown message kind {kind!r}.")
    now = timezone.now()
    rows = [
        Message(
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            recipient=recipient.strip().lower(),
            occasion=occasion,
            next_attempt_at=now,
            created_at=now,
        )
        for object_id, recipient, occasion in entries
    ]
    Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    if rows:
        dispatcher_wake()
    return len(rows)


def dispatcher_wake() -> None:
    enqueue_after_commit(tasks.messages_dispatch)


@dataclass
class DispatchResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_due: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.not_due


def messages_dispatch(*, limit: int | None = None, now=None) -> DispatchResult:
    """Send pending messages that are due, a claimed batch at a time, until none is left (or ``limit``)."""
    limit = limit or settings.MESSAGES_DISPATCH_LIMIT
    result = DispatchResult()
    mail = get_connection()
    try:
        while result.handled < limit:
            moment = now or timezone.now()
            batch = _claim(min(settings.MESSAGES_DISPATCH_BATCH, limit - result.handled), now=moment)
            if not batch:
                break
            for message, about in _with_objects(batch):
                _deliver(message, about, mail=mail, now=now, result=result)
    finally:
        mail.close()
    return result


def _claim(size: int, *, now) -> list[Message]:
    """Take up to ``size`` due messages: locked (skipping rows another dispatcher holds) and moved past
    the claim period in one transaction, so that no other dispatcher takes them while they are sent."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        batch = list(
            Message.objects.select_for_update(skip_locked=skip_locked)
            .filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")[:size]
        )
        claimed_until = now + timedelta(seconds=settings.MESSAGES_CLAIM_SECONDS)
        Message.objects.filter(pk__in=[message.pk for message in batch]).update(next_attempt_at=claimed_until)
    return batch


def _with_objects(batch: list[Message]):
    """Each message with its object, read for the whole batch at once when its kind can (else ``None``)."""
    objects = {}
    for name in {message.kind for message in batch}:
        kind = KINDS.get(name)
        if kind is not None and kind.prefetch is not None:
            ids = [message.object_id for message in batch if message.kind == name]
            objects[name] = kind.prefetch(ids)
    for message in batch:
        yield message, objects.get(message.kind, {}).get(message.object_id)


def _deliver(message: Message, about, *, mail, now, result: DispatchResult) -> None:
    """Compose and send one message. Its ``sent_at`` (the record that CMS notified the person) is the
    moment the mail server took it, unless the caller fixes ``now``."""
    kind = KINDS.get(message.kind)
    fields = ["status", "attempts", "next_attempt_at", "sent_at", "subject", "body", "last_error", "payload"]
    try:
        if kind is None:
            raise LookupError(f"No composer is registered for message kind {message.kind!r}.")
        email = kind.compose(message, about=about) if kind.prefetch else kind.compose(message)
        mail.open()  # once per run (a no-op while open): one SMTP session, or one file, for all its messages
        EmailMessage(email.subject, email.body, to=[message.recipient], connection=mail).send()
    except (NotDue, ObjectDoesNotExist) as reason:
        message.status = MessageStatus.NOT_DUE
        message.last_error = str(reason) or "The object of this message no longer exists."
        result.not_due += 1
    except Exception as error:  # any failure of one message is kept on its row and retried
        mail.close()  # a connection that failed is not reused for the next message
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.attempts >= settings.MESSAGE_MAX_ATTEMPTS:
            message.status = MessageStatus.FAILED
            result.failed += 1
            logger.error("message %s (%s to %s) failed: %s", message.pk, message.kind, message.recipient, error)
        else:
            message.next_attempt_at = (now or timezone.now()) + _backoff(message.attempts)
            result.retrying += 1
            logger.warning("message %s (%s) will be retried: %s", message.pk, message.kind, error)
    else:
        message.status = MessageStatus.SENT
        message.sent_at = now or timezone.now()
        message.subject = email.subject[:300]
        message.body = email.body if kind.keep_body else ""
        message.last_error = ""
        if not kind.keep_body:
            message.payload = {}  # the secret is not kept once it has been delivered
        message.attempts += 1
        result.sent += 1
        logger.info(
            "message %s (%s about %s %s) sent", message.pk, message.kind, message.object_type, message.object_id
        )
    message.save(update_fields=fields)  # its own commit: the row says what happened as soon as it happened


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most six hours."""
    return timedelta(seconds=min(settings.MESSAGE_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 6 * 60 * 60))


def message_resend(*, message_id: int, actor, now=None) -> Message:
    """A program admin sends a message again (a failed one, or a sent one someone did not get)."""
    now = now or timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status == MessageStatus.PENDING:
            raise MessageError("This message is already waiting to be sent.")
        if not KINDS[message.kind].keep_body and message.status == MessageStatus.SENT:
            raise MessageError("This message carried a one-time link; send a new invitation instead.")
        message.status = MessageStatus.PENDING
        message.attempts = 0
        message.next_attempt_at = now
        message.resent_by = actor
        message.resent_at = now
        message.save(update_fields=["status", "attempts", "next_attempt_at", "resent_by", "resent_at"])
        dispatcher_wake()
    return message
