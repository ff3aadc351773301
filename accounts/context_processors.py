"""Template context shared by every page: the role-aware navigation."""

from .roles import navigation_for, requires_mfa


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    if requires_mfa(user) and not user.is_verified():
        return {"nav_items": []}
    return {"nav_items": navigation_for(user)}
