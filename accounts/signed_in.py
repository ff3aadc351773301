"""Who is asking, without a query: the signed-in user and their verified device, kept in the cache.

Every staff page needs the session, the user and the TOTP device that verified the session. The
session lives in the cache (``cached_db``); this module keeps the user and the device there too,
in an entry beside the session (``entry_key``), with the user's id beside it (``pointer_key``). The
session store (``accounts/sessions.py``) reads the session, the entry and the user's version in one
cache round trip, so a signed-in request makes one round trip and no query.

Access must still end at once when it should. Each user has a version token; an entry is used only
while it carries the current token. Saving or deleting the user or one of their TOTP devices
replaces the token (``forget_user``), at once and again when the transaction commits: a request
that read the old row just before the change stored it under the old token, which no longer
matches. Logout flushes the session itself (its entry is of no use without it). A cached user is
used only for the session it was stored for, with the same user and device, and while the
session's password hash matches it; anything else falls back to Django's and django-otp's own
checks, which flush a stale session or drop a device that no longer verifies it.
"""

import functools
from uuid import uuid4

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from qppportal.cache import get_many_then

# An entry outlives no change made through the ORM; the expiry only bounds what bypasses it
# (a ``QuerySet.update`` of users) to a few minutes.
CACHE_SECONDS = 5 * 60


VERSION_KEY = "signed-in:version:{}"


def version_key(user_id) -> str:
    return VERSION_KEY.format(user_id)


def entry_key(session_key: str) -> str:
    return f"signed-in:entry:{session_key}"


def pointer_key(session_key: str) -> str:
    """The user id of the session's entry: the script that reads the session follows it to the version."""
    return f"signed-in:user-of:{session_key}"


def read_with_session(session_cache_key: str, session_key: str) -> dict:
    """The session's cache entry, its signed-in entry and its user's version, in one round trip."""
    return get_many_then([session_cache_key, entry_key(session_key)], pointer_key(session_key), VERSION_KEY)


def _new_version() -> str:
    return uuid4().hex


def _replace_version(user_id) -> None:
    cache.set(version_key(user_id), _new_version(), None)


def forget_user(user_id) -> None:
    """Every cached copy of this user and their devices is stale from now on (and after commit)."""
    _replace_version(user_id)
    transaction.on_commit(functools.partial(_replace_version, user_id))


def _verified(request, user, device):
    """``user`` with django-otp's ``otp_device`` and ``is_verified()``; a device that does not verify is dropped."""
    if device is not None and (device.user_id != user.pk or not device.confirmed):
        device = None
    if device is None and DEVICE_ID_SESSION_KEY in request.session:
        del request.session[DEVICE_ID_SESSION_KEY]
    user.otp_device = device
    user.is_verified = functools.partial(is_verified, user)
    return user


def signed_in_user(request):
    """``request.user``: from the cache while the session and the user's version vouch for it."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    if user_id is None or session.get(auth.BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return _verified(request, auth.get_user(request), None)
    device_id = session.get(DEVICE_ID_SESSION_KEY) or ""
    # Read with the session by ``accounts.sessions.SessionStore``; another session engine reads nothing.
    found = getattr(session, "signed_in_found", {})
    entry, version = found.get(entry_key(session.session_key)), found.get(version_key(user_id))
    if entry is not None and version is not None and entry[:3] == (str(user_id), device_id, version):
        *_, user, device = entry
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            return _verified(request, user, device)
    # The version is read before the rows: a change made meanwhile replaces it, so this entry
    # would not be used.
    version = cache.get_or_set(version_key(user_id), _new_version, None)
    user = auth.get_user(request)
    if not user.is_authenticated:
        return _verified(request, user, None)
    device = Device.from_persistent_id(device_id) if device_id else None
    entry = (str(user.pk), device_id, version, user, device)
    # The user id as an int: Django's Redis serializer keeps ints readable to the script.
    cache.set_many({entry_key(session.session_key): entry, pointer_key(session.session_key): user.pk}, CACHE_SECONDS)
    return _verified(request, user, device)


class SignedInMiddleware(AuthenticationMiddleware):
    """Django's ``AuthenticationMiddleware`` and django-otp's ``OTPMiddleware`` in one, through the cache."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: signed_in_user(request))


def forget_saved_user(sender, instance, **kwargs):
    forget_user(instance.pk)


def forget_saved_device(sender, instance, **kwargs):
    forget_user(instance.user_id)


def connect_invalidation() -> None:
    """Replace the user's version whenever they or one of their TOTP devices is saved or deleted."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for signal in (post_save, post_delete):
        signal.connect(forget_saved_user, sender=get_user_model(), dispatch_uid="signed-in-user")
        signal.connect(forget_saved_device, sender=TOTPDevice, dispatch_uid="signed-in-device")
