"""Access checks for views: a wrong role gets the 403 page with the reason."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

ROLE_DENIED_MESSAGE = "This page is for {roles} only."


def staff_role_required(*roles):
    """Allow only CMS staff holding one of ``roles``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.staff_role not in roles:
                labels = " or ".join(sorted(str(role.label).lower() + "s" for role in roles))
                raise PermissionDenied(ROLE_DENIED_MESSAGE.format(roles=labels))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
