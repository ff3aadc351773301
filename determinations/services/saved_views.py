"""Writes of a reviewer's own named views of the review queue: save, rename, delete.

Each reviewer's views are theirs alone: every write looks the view up under its owner, so another
person's view is simply not found.
"""

from django.db import IntegrityError, transaction

from determinations.models import SavedQueueView

MAX_VIEWS_PER_OWNER = 20


class SavedViewRefused(Exception):
    """The view was not saved; the message says why."""


def _taken(name: str) -> SavedViewRefused:
    return SavedViewRefused(f"You already have a view called “{name}”. Choose another name or rename that one.")


@transaction.atomic
def saved_view_save(*, owner, name: str, query: str) -> SavedQueueView:
    """Save ``query`` (the queue's filters, from ``filters_query``) under ``name`` for ``owner``."""
    views = SavedQueueView.objects.select_for_update().filter(owner=owner)
    names = {view.name.casefold() for view in views}
    if name.casefold() in names:
        raise _taken(name)
    if len(names) >= MAX_VIEWS_PER_OWNER:
        raise SavedViewRefused(f"You have {MAX_VIEWS_PER_OWNER} saved views already. Delete one to save another.")
    try:
        with transaction.atomic():
            return SavedQueueView.objects.create(owner=owner, name=name, query=query)
    except IntegrityError:
        raise _taken(name) from None


@transaction.atomic
def saved_view_rename(*, owner, view_id: int, name: str) -> SavedQueueView:
    """Rename ``owner``'s view ``view_id`` (``SavedQueueView.DoesNotExist`` if it is not theirs)."""
    view = SavedQueueView.objects.select_for_update().get(pk=view_id, owner=owner)
    clash = SavedQueueView.objects.filter(owner=owner, name__iexact=name).exclude(pk=view.pk)
    if clash.exists():
        raise _taken(name)
    view.name = name
    view.save(update_fields=["name"])
    return view


def saved_view_delete(*, owner, view_id: int) -> str:
    """Delete ``owner``'s view ``view_id`` and return its name (``DoesNotExist`` if it is not theirs)."""
    view = SavedQueueView.objects.get(pk=view_id, owner=owner)
    view.delete()
    return view.name
