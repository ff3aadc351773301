"""Whole signed-in pages kept per viewer and address under the tokens of what they show (decision 0040).

The review queue keeps its page under one token for the whole queue (decision 0038). The request
page, the decision page and the submitters' dashboard are kept the same way, each under the tokens
of what it shows, so that a hit runs no query and renders nothing:

- the viewer's token (``viewer_key``), replaced whenever their user row, one of their memberships
  or one of their recusals is saved or deleted: their name and navigation, and what they may do
  (a role change also changes the page's key; signing out ends the session before any page is read);
- a request's token (``request_key``), replaced by every event (``services/events._data_changed``)
  and every save or deletion of the request's row;
- tokens known only once the page is built (a dashboard's organizations and windows, the approved
  request a renewal renews): kept with the page and read in a second round trip.

Every token is replaced at once and again once the change commits, and read before the rows the
page shows: a page built from rows read before a change commits is kept under a token the commit
replaces, so it is never served after it. A page is used only before ``valid_until`` (when the
clock changes it: an open question falls due, a window opens or closes). Pages hold forms: they are
rendered with a stand-in CSRF token and each request puts its own in (``qppportal/fragments.py``).
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from accounts.models import Membership, User
from determinations.fragments import FRAGMENT_SECONDS
from determinations.models import ConflictOfInterest, Submission
from qppportal.cache import VersionedEntry, tokens_changed, versioned_entry

# Never longer than the blocks inside: what moves no token (another person's new name, an
# organization renamed in the admin site) shows within this time, as for the blocks (decision 0039).
PAGE_SECONDS = FRAGMENT_SECONDS


def viewer_key(user_id: int) -> str:
    return f"page:viewer:{user_id}"


def request_key(submission_id: int) -> str:
    return f"page:request:{submission_id}"


def requests_changed(submission_ids) -> None:
    tokens_changed([request_key(pk) for pk in set(submission_ids)])


def viewers_changed(user_ids) -> None:
    tokens_changed([viewer_key(pk) for pk in set(user_ids)])


@dataclass
class CachedPage:
    """A viewer's page at one address: ``html`` if it is current, and how a new copy is kept."""

    entry: VersionedEntry
    html: str | None

    def keep(self, html: str, *, valid_until: datetime.datetime | None = None, also: dict | None = None) -> None:
        """Keep ``html`` until ``valid_until``, also under the tokens ``also`` (read before its rows were)."""
        self.entry.keep((valid_until, also or {}, html), PAGE_SECONDS)


def cached_page(kind: str, user: User, full_path: str, token_keys: list[str], now: datetime.datetime) -> CachedPage:
    """The ``kind`` page of ``user`` at ``full_path`` if nothing it shows changed since it was built.

    One round trip reads the page with the viewer's token and ``token_keys``; a page kept also
    under other tokens reads those in a second one.
    """
    address = hashlib.sha256(full_path.encode()).hexdigest()[:32]
    key = f"page:{kind}:{user.pk}:{user.staff_role}:{address}"
    entry = versioned_entry([viewer_key(user.pk), *token_keys], key)
    valid_until, also, html = entry.value or (None, {}, None)
    if html is not None and valid_until is not None and now >= valid_until:
        html = None
    if html is not None and also and cache.get_many(list(also)) != also:
        html = None
    return CachedPage(entry=entry, html=html)


def _request_saved(sender, instance, **kwargs) -> None:
    requests_changed([instance.pk])


def _user_saved(sender, instance, **kwargs) -> None:
    viewers_changed([instance.pk])


def _membership_saved(sender, instance, **kwargs) -> None:
    viewers_changed([instance.user_id])


def _recusal_saved(sender, instance, **kwargs) -> None:
    viewers_changed([instance.reviewer_id])


def connect_page_invalidation() -> None:
    """Replace the tokens on every save or deletion of a row they stand for.

    Signals, as for the queue (decisions 0020 and 0038): this is cache upkeep, and a signal is the
    one place that sees every save, from the services, the admin site and the jobs alike.
    """
    receivers = (
        (Submission, _request_saved),
        (User, _user_saved),
        (Membership, _membership_saved),
        (ConflictOfInterest, _recusal_saved),
    )
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"page-cache-{model._meta.label}-{signal is post_save}")
