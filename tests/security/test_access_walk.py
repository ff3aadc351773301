"""Every URL of the portal, as every kind of person, against another organization's requests.

The walk reads the URLconf itself (every pattern, recursively), so a view cannot ship without a
row in ``access_table.TABLE``: the test fails naming it. Each pattern is opened with GET (and with
an empty POST where the table says the page writes) as anonymous, the owner's submitter, an APM
Entity's submitter, another organization's admin, a reviewer, a review lead, a program admin, and
a reviewer and a lead recused from the owner. Each answer must be the table's, and no page,
download, redirect or flash message may carry what ``access_world`` says that person must not
read. Each request runs in a transaction that is rolled back, so every case starts from the same
world. The figures it prints are the ones ``docs/assurance.md`` quotes.
"""

import re
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from determinations.models import Submission
from tests.support import sign_in

from .access_table import ADMIN_LOGIN, ANSWERS, LOGIN, REDIRECT, TABLE, admin_outcomes
from .access_world import ANONYMOUS, IDENTITIES, MISSING, OWNER, World, world_build

pytestmark = pytest.mark.django_db

ROUTE_PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Endpoint:
    key: str  # ``namespace:name``, or the route of an unnamed pattern
    chain: tuple  # the patterns from the root to this one
    callback: object

    @property
    def is_admin(self) -> bool:
        return self.key.startswith("admin:") or self.key.startswith("admin/")

    @property
    def parameters(self) -> list[str]:
        names = []
        for pattern in self.chain:
            if isinstance(pattern, RoutePattern):
                names += ROUTE_PARAMETER.findall(str(pattern))
            else:
                names += list(pattern.regex.groupindex)
        return names

    def path(self, kwargs: dict) -> str:
        text = ""
        for pattern in self.chain:
            if isinstance(pattern, RoutePattern):
                text += ROUTE_PARAMETER.sub(lambda m: str(kwargs[m.group(1)]), str(pattern))
            else:
                text += REGEX_GROUP.sub(lambda m: str(kwargs[m.group(1)]), pattern.regex.pattern).strip("^$")
        return "/" + text


def endpoints(patterns=None, chain=(), namespaces=()) -> list[Endpoint]:
    """Every pattern of the URLconf, however deeply included."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            spaces = (*namespaces, entry.namespace) if entry.namespace else namespaces
            found += endpoints(entry.url_patterns, (*chain, entry.pattern), spaces)
        elif isinstance(entry, URLPattern):
            full = (*chain, entry.pattern)
            key = ":".join((*namespaces, entry.name)) if entry.name else "".join(str(p) for p in full)
            found.append(Endpoint(key, full, entry.callback))
    return found


def admin_model(endpoint: Endpoint):
    """The model whose admin pages ``endpoint`` is one of (``admin/<app_label>/<model_name>/...``), if any."""
    route = "".join(str(pattern) for pattern in endpoint.chain[:2])
    match = re.fullmatch(r"admin/(\w+)/(\w+)/", route)
    if match is None:
        return None
    try:
        return apps.get_model(*match.groups())
    except LookupError:
        return None


def admin_kwargs(endpoint: Endpoint, world: World) -> dict:
    model = admin_model(endpoint)
    first = model.objects.order_by("pk").first() if model else None
    identifier = first.pk if first else MISSING
    values = {
        "object_id": identifier,
        "app_label": "determinations",
        "content_type_id": ContentType.objects.get_for_model(Submission).pk,
        "url": "no-such-page/",
    }
    if endpoint.key == "admin:view_on_site":
        values["object_id"] = world.open.pk
    # Any other parameter (``pk``, ``id`` of the admin's extra pages) names an object of the model.
    return {name: values.get(name, identifier) for name in endpoint.parameters}


def body_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    messages = " ".join(str(m) for m in get_messages(response.wsgi_request))
    return " ".join([content.decode(errors="replace"), response.get("Location", ""), messages])


def outcome_matches(expected, response) -> bool:
    status, location = response.status_code, response.get("Location", "")
    if expected == ANSWERS:
        return status < 500
    if expected == LOGIN:
        return status == 302 and location.startswith("/accounts/login/?next=")
    if expected == ADMIN_LOGIN:
        return status == 302 and location.startswith("/admin/login/?next=")
    if expected == REDIRECT:
        return status in (301, 302) and not location.startswith(("/accounts/login/?next=", "/admin/login/?next="))
    return status == expected


def described(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" to {location}" if location else "")


class Walk:
    def __init__(self, world: World):
        self.world = world
        self.clients = {identity: self.client_for(identity) for identity in IDENTITIES}
        self.failures: list[str] = []
        self.requests = 0

    def client_for(self, identity: str) -> Client:
        client = Client()
        if identity != ANONYMOUS:
            sign_in(client, self.world.people[identity])
        return client

    def visit(self, endpoint: Endpoint, method: str, identity: str, path: str, expected) -> None:
        self.requests += 1
        where = f"{method} {path} ({endpoint.key}) as {identity}"
        client = self.clients[identity]
        try:
            with transaction.atomic():
                response = getattr(client, method.lower())(path)
                transaction.set_rollback(True)
        except Exception as error:
            self.failures.append(f"{where}: raised {type(error).__name__}: {error}")
            return
        finally:
            if method == "POST":  # signing out (or a password change) must not spill into the next case
                self.clients[identity] = self.client_for(identity)
        if not outcome_matches(expected, response):
            self.failures.append(f"{where}: expected {expected}, got {described(response)}")
        if identity == OWNER or (endpoint.is_admin and expected == ANSWERS):
            return
        body = body_of(response)
        for secret in sorted(self.world.secrets[identity]):
            if secret in body:
                self.failures.append(f"{where}: shows “{secret}”")


def test_every_url_pattern_has_a_row():
    missing = sorted({e.key for e in endpoints() if not e.is_admin and e.key not in TABLE})
    assert not missing, "URL patterns without a row in tests/security/access_table.py: " + ", ".join(missing)
    stale = sorted(set(TABLE) - {e.key for e in endpoints()})
    assert not stale, "Rows of tests/security/access_table.py for URLs that no longer exist: " + ", ".join(stale)


def test_every_url_answers_each_identity_as_the_table_says(reference_data, clock, capsys):
    world = world_build()
    walk = Walk(world)
    walked = endpoints()
    uncovered = [e.key for e in walked if not e.is_admin and e.key not in TABLE]
    assert not uncovered, f"URL patterns without a row in tests/security/access_table.py: {uncovered}"
    for endpoint in walked:
        if endpoint.is_admin:
            kwargs, plan = admin_kwargs(endpoint, world), {"GET": admin_outcomes(endpoint.key)}
        else:
            row = TABLE[endpoint.key]
            kwargs, plan = row.kwargs(world), {"GET": row.get, "POST": row.post}
        path = endpoint.path(kwargs)
        for method, outcomes in plan.items():
            if outcomes is None:
                continue
            for identity in IDENTITIES:
                walk.visit(endpoint, method, identity, path, outcomes[identity])
    with capsys.disabled():
        print(
            f"\naccess walk: {len(walked)} URL patterns ({sum(not e.is_admin for e in walked)} portal, "
            f"{sum(e.is_admin for e in walked)} admin site) x {len(IDENTITIES)} identities: "
            f"{walk.requests} requests, {len(walk.failures)} failures"
        )
    assert not walk.failures, f"{len(walk.failures)} answers differ from the table:\n" + "\n".join(walk.failures)
