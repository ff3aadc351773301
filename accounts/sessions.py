"""Django's ``cached_db`` sessions, whose one cache read also brings the session's signed-in entry.

A signed-in request needs its session, then the user and device the session names, and that
user's version (``accounts/signed_in.py``). The entry is kept beside the session, under its key, so
the session, the entry and the version come in one cache round trip (on Redis, a small script that
follows the user id kept beside the session to the user's version). A session not in the cache is
read from the database as ``cached_db`` does.
"""

from django.contrib.sessions.backends import cached_db

from accounts import signed_in


class SessionStore(cached_db.SessionStore):
    def load(self):
        self.signed_in_found = found = signed_in.read_with_session(self.cache_key, self.session_key)
        session = found.get(self.cache_key)
        return session if session is not None else super().load()
