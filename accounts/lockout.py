"""How django-axes names the account being tried: the e-mail address, trimmed and lower-cased.

Without this, "Pat@Example.org" and "pat@example.org" would each get their own five attempts,
on the portal's sign-in page and on the admin site's alike.
"""


def lockout_username(request, credentials) -> str:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return username.strip().lower()
