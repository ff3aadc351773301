"""Reads of the outbox for the program admins' page."""

from django.db.models import Count, QuerySet

from .models import Message, MessageStatus


def messages_for_admin(*, status: str = "", kind: str = "", recipient: str = "") -> QuerySet[Message]:
    messages = Message.objects.select_related("resent_by")
    if status in MessageStatus.values:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    if recipient:
        messages = messages.filter(recipient__icontains=recipient.strip())
    return messages.order_by("-created_at", "-pk")


def message_counts() -> dict[str, int]:
    """How many messages are in each status, by the status's label."""
    counts = dict(Message.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {label: counts.get(value, 0) for value, label in MessageStatus.choices}
