"""Who is asking, without a query: the signed-in user and their verified device, kept in the cache.

Every staff page needs the session, the user and the TOTP device that verified the session. The
session lives in the cache (``cached_db``); this module keeps the user and the device there too,
so a signed-in request reads three cache keys and no table.

Access must still end at once when it should. The cached copies are dropped whenever the user,
one of their memberships or a TOTP device is saved or deleted (logout flushes the session itself),
and a cached user is only used when the session's password hash still matches it; anything else
falls back to Django's own checks, which flush a stale session.
"""

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.core.cache import cache
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

# Long enough to matter, short enough that a change made around the ORM (a bulk ``update``)
# cannot keep someone's old role or password for more than a few minutes.
CACHE_SECONDS = 5 * 60


def user_key(user_id) -> str:
    return f"signed-in:user:{user_id}"


def device_key(persistent_id: str) -> str:
    return f"signed-in:device:{persistent_id}"


def forget_user(user_id) -> None:
    cache.delete(user_key(user_id))


def forget_device(persistent_id: str) -> None:
    cache.delete(device_key(persistent_id))


def signed_in_user(request):
    """``request.user``: the cached user when the session still vouches for them, else Django's answer."""
    session = request.session
    user_id = session.get(auth.SESSION_KEY)
    backend = session.get(auth.BACKEND_SESSION_KEY)
    if user_id is not None and backend in settings.AUTHENTICATION_BACKENDS:
        user = cache.get(user_key(user_id))
        session_hash = session.get(auth.HASH_SESSION_KEY)
        if user is not None and session_hash and constant_time_compare(session_hash, user.get_session_auth_hash()):
            return user
    user = auth.get_user(request)
    if user.is_authenticated:
        cache.set(user_key(user.pk), user, CACHE_SECONDS)
    return user


class CachedAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's authentication middleware, reading the user through ``signed_in_user``."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: signed_in_user(request))


class CachedOTPMiddleware(OTPMiddleware):
    """django-otp's middleware, reading the verified device from the cache.

    django-otp still checks that the device belongs to the user and is confirmed.
    """

    def _device_from_persistent_id(self, persistent_id: str):
        key = device_key(persistent_id)
        device = cache.get(key)
        if device is None:
            device = Device.from_persistent_id(self._normalize_persistent_id(persistent_id))
            if device is not None:
                cache.set(key, device, CACHE_SECONDS)
        return device


def forget_saved_user(sender, instance, **kwargs):
    forget_user(instance.pk)


def forget_saved_device(sender, instance, **kwargs):
    forget_device(instance.persistent_id)


def connect_invalidation() -> None:
    """Drop the cached copy whenever a user or a TOTP device is saved or deleted (wired in ``apps``)."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for signal in (post_save, post_delete):
        signal.connect(forget_saved_user, sender=get_user_model(), dispatch_uid="signed-in-user")
        signal.connect(forget_saved_device, sender=TOTPDevice, dispatch_uid="signed-in-device")
