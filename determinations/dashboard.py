"""The submitters' dashboard's version per organization: what its cached list of requests is keyed on
(decision 0039).

Each organization has a token in the cache, replaced once any change to one of its requests
commits: every event (``services/events.event_record``, which also covers what changes no row of
the request, such as a question's new due date), and every save or deletion of a request (drafts
are edited, copied and deleted without an event). The list also shows each request's organization
name and its window's deadline, so saving an organization replaces its token, and saving a window
(or a performance year) replaces one token shared by every dashboard. The whole page kept per viewer
(decision 0040) also shows each organization's member count, so saving or deleting a membership
replaces its organization's token.

A token is read before the requests are, as in decisions 0020 and 0033: a list read before a change
commits is stored under the token that the commit then replaces, so it is never served after.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.models import Membership, Organization
from determinations.models import PerformanceYear, Submission, SubmissionWindow
from qppportal.cache import tokens, tokens_replace

WINDOWS_KEY = "dashboard:windows"


def _key(organization_id: int) -> str:
    return f"dashboard:organization:{organization_id}"


def organizations_changed(organization_ids) -> None:
    """The cached lists of these organizations' requests are out of date (called after commit)."""
    tokens_replace([_key(pk) for pk in set(organization_ids)])


def windows_changed() -> None:
    tokens_replace([WINDOWS_KEY])


def dashboard_tokens(organization_ids) -> dict[str, str]:
    """The tokens of these organizations and of the windows, in one round trip (missing ones made)."""
    return tokens([_key(pk) for pk in sorted(set(organization_ids))] + [WINDOWS_KEY])


def _request_saved(sender, instance, **kwargs) -> None:
    organization_id = instance.organization_id
    transaction.on_commit(lambda: organizations_changed([organization_id]))


def _organization_saved(sender, instance, **kwargs) -> None:
    organization_id = instance.pk
    transaction.on_commit(lambda: organizations_changed([organization_id]))


def _membership_saved(sender, instance, **kwargs) -> None:
    organization_id = instance.organization_id  # its member count is on every member's dashboard
    transaction.on_commit(lambda: organizations_changed([organization_id]))


def _window_saved(sender, instance, **kwargs) -> None:
    transaction.on_commit(windows_changed)


def connect_dashboard_versions() -> None:
    """Signals, against the "no logic in signals" rule, for the reason decision 0020 gives: this is
    cache upkeep, and a signal is the one place that sees every save (admin site, services, jobs)."""
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(_request_saved, sender=Submission, dispatch_uid=f"dashboard-request-{name}")
        signal.connect(_organization_saved, sender=Organization, dispatch_uid=f"dashboard-organization-{name}")
        signal.connect(_membership_saved, sender=Membership, dispatch_uid=f"dashboard-membership-{name}")
        signal.connect(_window_saved, sender=SubmissionWindow, dispatch_uid=f"dashboard-window-{name}")
        # A window's year is shown with it.
        signal.connect(_window_saved, sender=PerformanceYear, dispatch_uid=f"dashboard-year-{name}")
