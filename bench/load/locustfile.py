"""Payers, clinicians, reviewers and leads at work together (``bench/run_load.py`` runs it).

Each simulated person takes one account of ``LOAD_PEOPLE`` (a JSON file the runner writes) and
works only on what is theirs, so every write has exactly one expected outcome:

- payers read their dashboard and their draft, edit its contact step several times, then submit it;
- clinicians start new Eligible Clinician Initiated requests and read their dashboard;
- reviewers read the queue, claim their request, record findings on it and ask the payer a question;
- leads read their workload page and the request, and approve it;
- people seeded without work of their own (see ``seed.py``) read the same kinds of pages.

Every write that the page accepted is counted (``LOAD_COUNTS`` is written when the run stops), so
the runner can compare the database and the event log with the work done. A page answering
anything but what a person expects is a locust failure.
"""

import datetime
import itertools
import json
import os
import random
import secrets
import threading
from collections import Counter

from locust import HttpUser, between, events, task

PEOPLE = json.loads(open(os.environ["LOAD_PEOPLE"]).read())  # noqa: SIM115
COUNTS: Counter = Counter()
LOCK = threading.Lock()
CSRF_COOKIE = os.environ.get("LOAD_CSRF_COOKIE", "__Host-csrftoken")
EDITS_BEFORE_SUBMIT = 3
CONTACT = {
    "submitter_title": "Director of Value-Based Payment",
    "submitter_email": "jordan@example.org",
    "submitter_phone": "555-0100",
    "payer_legal_name": "Example Payer",
    "state": "MD",
    "ma_contract_numbers": "H1234",
    "requester_npi": "1234567893",
    "payer_contact_name": "Pat Payer",
    "payer_contact_email": "pat@payer.example",
}


def count(name: str) -> None:
    with LOCK:
        COUNTS[name] += 1


@events.quitting.add_listener
def _write_counts(environment, **kwargs):
    with open(os.environ["LOAD_COUNTS"], "w") as handle:
        json.dump(dict(COUNTS), handle)


class Person(HttpUser):
    abstract = True
    wait_time = between(3, 10)
    role = ""
    _next = None

    def on_start(self):
        self.account = PEOPLE[self.role][next(type(self)._next)]
        # A CSRF secret of this person's own, sent as the cookie and as the form field, as a browser does.
        self.csrf = secrets.token_hex(16)
        self.headers = {"Cookie": f"{self.account['cookie']}; {CSRF_COOKIE}={self.csrf}", "Host": "127.0.0.1"}
        self.done = set()

    def page(self, path: str, name: str, expected: str = ""):
        with self.client.get(path, headers=self.headers, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200 or (expected and expected not in r.text):
                r.failure(f"{r.status_code} from {path}")

    def send(self, path: str, name: str, data: dict, *, counted: str) -> bool:
        data = {**data, "csrfmiddlewaretoken": self.csrf}
        with self.client.post(
            path, data=data, headers=self.headers, name=name, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"{r.status_code} from {path}: {r.text[:300]}")
                return False
            count(counted)
            return True


class Payer(Person):
    fixed_count = len(PEOPLE["payer"])
    role = "payer"
    _next = itertools.count()

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "payer: dashboard", "Your determination requests")

    @task(2)
    def edit_then_submit(self):
        draft = self.account.get("draft")
        if draft is None:
            self.page("/requests/new/", "payer: new request page")
            return
        if "submitted" in self.done:
            self.page(f"/requests/{draft}/", "payer: request sent")
            return
        edits = sum(1 for d in self.done if d.startswith("edit"))
        if edits < EDITS_BEFORE_SUBMIT:
            self.page(f"/requests/{draft}/steps/contact/", "payer: draft step")
            data = {**CONTACT, "submitter_name": f"Jordan Submitter {edits}"}
            if self.send(f"/requests/{draft}/steps/contact/", "payer: save a step", data, counted="section_saved"):
                self.done.add(f"edit{edits}")
            return
        self.page(f"/requests/{draft}/steps/review/", "payer: review and submit")
        data = {"attester_name": "Jordan Submitter", "attester_title": "Director", "attests": "on",
                "acknowledge_precheck": "on"}  # fmt: skip
        if self.send(f"/requests/{draft}/steps/review/", "payer: submit", data, counted="submitted"):
            self.done.add("submitted")


class Clinician(Person):
    fixed_count = len(PEOPLE["clinician"])
    role = "clinician"
    _next = itertools.count()

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "clinician: dashboard", "Your determination requests")

    @task(1)
    def file(self):
        self.page("/requests/new/", "clinician: new request")
        data = {
            "window": str(self.account["window"]),
            "arrangement_name": f"Clinician Load Arrangement {random.randrange(10**6)}",
            "years_requested": "1",
            "payer_name": "Example Commercial Plan",
            "payer_contact_name": "Pat Payer",
            "payer_contact_email": "pat@payer.example",
        }
        self.send("/requests/new/", "clinician: start a request", data, counted="clinician_started")


class Reviewer(Person):
    fixed_count = len(PEOPLE["reviewer"])
    role = "reviewer"
    _next = itertools.count()

    @task(3)
    def queue(self):
        self.page("/review/", "reviewer: queue", "<h1>Review queue</h1>")

    @task(2)
    def work(self):
        request = self.account.get("request")
        if request is None:
            self.page("/review/?status=all", "reviewer: queue, all statuses", "<h1>Review queue</h1>")
            return
        if "claimed" not in self.done:
            if self.send(f"/review/requests/{request}/claim/", "reviewer: claim", {}, counted="claimed"):
                self.done.add("claimed")
            return
        self.page(f"/review/requests/{request}/", "reviewer: request page")
        if "findings" not in self.done:
            data = {f"{c}-finding": "meets" for c in ("cehrt", "quality", "financial_risk")}
            data |= {
                f"{c}-rationale": f"The contract shows {c} is met." for c in ("cehrt", "quality", "financial_risk")
            }
            if self.send(
                f"/review/requests/{request}/findings/", "reviewer: record findings", data, counted="findings"
            ):
                self.done.add("findings")
        elif "asked" not in self.done:
            due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
            data = {"question": "Please send the contract's risk corridor schedule.", "due_date": due}
            if self.send(f"/review/requests/{request}/questions/new/", "reviewer: ask", data, counted="asked"):
                self.done.add("asked")


class Lead(Person):
    fixed_count = len(PEOPLE["lead"])
    role = "lead"
    _next = itertools.count()

    @task(3)
    def workload(self):
        self.page("/review/lead/", "lead: workload")

    @task(1)
    def decide(self):
        request = self.account.get("request")
        if request is None:
            self.page("/review/", "lead: queue", "<h1>Review queue</h1>")
            return
        self.page(f"/review/requests/{request}/", "lead: request page")
        if "decided" not in self.done:
            self.page(f"/review/requests/{request}/decide/", "lead: decision page")
            if self.send(f"/review/requests/{request}/decide/", "lead: approve", {"decision": "approve"},
                         counted="approved"):  # fmt: skip
                self.done.add("decided")
