"""Who is asking, without a query: the signed-in user and their verified device, kept in the cache.

Every staff page needs the session, the user and the TOTP device that verified the session. The
session lives in the cache (``cached_db``); this module keeps the user and the device there too,
in one entry per user and device, so a signed-in request makes two cache round trips (the session,
then the entry with the user's version) and no query.

Access must still end at once when it should. Each user has a version token; an entry is used only
while it carries the current token. Saving or deleting the user or one of their TOTP devices
replaces the token (``forget_user``), at once and again when the transaction commits: a request
that read the old row just before the change stored it under the old token, which no longer
matches. Logout flushes the session itself. A cached user is used only while the session's
password hash matches it; anything else falls back to Django's and django-otp's own checks,
which flush a stale session or drop a device that no longer verifies it.
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

# An entry outlives no change made through the ORM; the expiry only bounds what bypasses it
# (a ``QuerySet.update`` of users) to a few minutes.
CACHE_SECONDS = 5 * 60


def version_key(user_id) -> str:
    return f"signed-in:version:{user_id}"


def entry_key(user_id, device_id: str) -> str:
    return f"signed-in:entry:{user_id}:{device_id}"


def _replace_version(user_id) -> None:
    cache.set(version_key(user_id), uuid4().hex, None)


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
    entry_name, version_name = entry_key(user_id, device_id), version_key(user_id)
    found = cache.get_many([entry_name, version_name])
    version = found.get(version_name, "")
    entry = found.get(entry_name)
    if entry is not None and entry[0] == version:
        _, user, device = entry
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            return _verified(request, user, device)
    # The version was read before the rows: a change made meanwhile replaces it, so this entry
    # would not be used.
    user = auth.get_user(request)
    if not user.is_authenticated:
        return _verified(request, user, None)
    device = Device.from_persistent_id(device_id) if device_id else None
    cache.set(entry_name, (version, user, device), CACHE_SECONDS)
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
