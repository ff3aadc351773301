"""The input proof (issue 9): hostile values posted to every form, upload and command; never a 500.

Every form class of the project is found by walking ``forms.BaseForm``'s subclasses, and each one
must be in ``TARGETS``: which page it is posted to (through HTTP, as the person who may use it), with
a valid answer as the baseline so the hostile values reach the deeper checks. hypothesis replaces
some fields with long strings, unicode (right-to-left, zero-width, emoji), NUL, HTML and script,
spreadsheet formula prefixes, SQL fragments, negative and huge numbers and values of the wrong
type. The answer must never be a 5xx, and unless the page accepted the post (a redirect), no row
of the project's tables may have been added or removed. The examples are derandomized, so CI runs
the same ones every time.
"""

import contextlib
import importlib
import io
import json
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import MembershipRole, StaffRole
from accounts.services import invitation_create
from determinations.forms.all_payer import FIGURES, TOTALS, SubmitterSection, figure_name, total_name
from determinations.forms.sections import SECTIONS
from determinations.models import ParticipationRecord, PerformanceYear, SubmissionWindow
from determinations.services import all_payer_qp, confirmations
from determinations.services.qp_participation import COLUMNS
from tests.factories import (
    COMPLETE_ANSWERS,
    PARTICIPANTS_CSV,
    PDF_BYTES,
    SubmissionFactory,
    UserFactory,
    organization_member,
)
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.submissions import document_add
from tests.support import sign_in

pytestmark = pytest.mark.django_db

PROJECT_PACKAGES = ("accounts", "determinations", "messaging", "jobs", "ui")
COUNTED_APPS = ("accounts", "determinations", "messaging", "jobs")

HOSTILE_WORDS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "'; DROP TABLE determinations_submission; --",
    "1 OR 1=1",
    "\u202eevil\u202c",
    "zero\u200bwidth\ufeff",
    "\U0001f600" * 50,
    "\u0645\u0631\u062d\u0628\u0627",
    "x" * 5000,
    "-1",
    "0",
    "-0.0001",
    "1e26",
    "-1e26",
    "1E+999999",
    "NaN",
    "Infinity",
    "9" * 40,
    "1.5",
    "true",
    "null",
    "[1, 2]",
    '{"a": 1}',
    "2026-02-30",
    "0000-00-00",
    "99999-12-31",
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_WORDS),
    st.text(max_size=200),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.sampled_from(HOSTILE_WORDS), min_size=2, max_size=3),
)
FILE_NAMES = st.one_of(
    st.sampled_from(["contract.pdf", "list.csv", "a.exe", ".pdf", "x" * 300 + ".pdf", "../../etc/passwd.csv"]),
    st.text(st.characters(blacklist_characters='\r\n"\\/', blacklist_categories=("Cs", "Cc")), max_size=40).map(
        lambda name: name + ".csv"
    ),
)
FILE_CONTENTS = st.one_of(
    st.sampled_from([PDF_BYTES, PARTICIPANTS_CSV.encode(), b"", b"\x00\xff\xfe", "café".encode("latin-1")]),
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
FILES = st.builds(lambda name, content: SimpleUploadedFile(name, content), FILE_NAMES, FILE_CONTENTS)


class World:
    """The people and requests the targets need, made when first asked for."""

    @cached_property
    def payer(self):
        return UserFactory(full_name="Payer Person")

    @cached_property
    def draft(self):
        return SubmissionFactory(state="draft")

    @cached_property
    def draft_member(self):
        return self.draft.organization.memberships.get().user

    @cached_property
    def draft_with_document(self):
        document_add(self.draft, self.draft_member)
        return self.draft

    @cached_property
    def reviewer(self):
        return UserFactory(staff_role=StaffRole.REVIEWER)

    @cached_property
    def lead(self):
        return UserFactory(staff_role=StaffRole.REVIEW_LEAD)

    @cached_property
    def program_admin(self):
        return UserFactory(staff_role=StaffRole.PROGRAM_ADMIN, is_staff=True)

    @cached_property
    def in_review(self):
        return SubmissionFactory(state="in_review", reviewer=self.reviewer)

    @cached_property
    def questioned(self):
        return SubmissionFactory(state="information_requested", reviewer=self.reviewer)

    @cached_property
    def questioned_member(self):
        return self.questioned.organization.memberships.get().user

    @cached_property
    def recommended(self):
        return SubmissionFactory(state="recommended", reviewer=self.reviewer)

    @cached_property
    def approved(self):
        return SubmissionFactory(state="approved", reviewer=self.reviewer, lead=self.lead)

    @cached_property
    def approved_member(self):
        return self.approved.organization.memberships.get().user

    @cached_property
    def submitted(self):
        return SubmissionFactory(state="submitted")

    @cached_property
    def submitted_member(self):
        return self.submitted.organization.memberships.get().user

    @cached_property
    def organization_admin(self):
        organization = self.draft.organization
        return organization.memberships.create(user=UserFactory(), role=MembershipRole.ORGANIZATION_ADMIN).user

    @cached_property
    def clinician(self):
        return organization_member("apm_entity", name="Hostile Test ACO")

    @cached_property
    def invitation_token(self):
        _, token = invitation_create(
            invited_by=self.program_admin, email="newcomer@example.org", staff_role=StaffRole.REVIEWER
        )
        return token

    @cached_property
    def multi_year(self):
        """Approved for 2026-2028: its holder confirms 2027 while the 2027 window is open (the test's clock)."""
        return SubmissionFactory(state="approved", year=2026, years=3, reviewer=self.reviewer, lead=self.lead)

    @cached_property
    def multi_year_member(self):
        return self.multi_year.organization.memberships.get().user

    @cached_property
    def confirmation(self):
        """The 2027 confirmation of ``multi_year``, sent: what a reviewer acknowledges."""
        pk, member = self.multi_year.pk, self.multi_year_member
        confirmations.confirmation_save(submission_id=pk, year=2027, actor=member, answers={"changed": False})
        return confirmations.confirmation_submit(submission_id=pk, year=2027, actor=member, name="Jo", title="CEO")

    @cached_property
    def window(self):
        return SubmissionWindow.objects.filter(performance_year__year=2027, is_demonstration=False).first()

    @cached_property
    def all_payer_window(self):
        return SubmissionWindow.objects.get(performance_year__year=2026, process="all_payer_qp", is_demonstration=False)

    @cached_property
    def all_payer_draft(self):
        """The clinician's (APM Entity's) All-Payer QP draft for 2026, naming the arrangement approved for 2026-2028."""
        organization = self.clinician.memberships.get().organization
        draft = all_payer_qp.all_payer_qp_start(
            actor=self.clinician, organization=organization, window=self.all_payer_window
        )
        determination = self.multi_year.determinations.get()
        all_payer_qp.all_payer_qp_arrangement_add(
            submission_id=draft.pk, actor=self.clinician, determination_id=determination.pk
        )
        return draft

    def all_payer_figure_names(self) -> tuple[str, ...]:
        arrangement = self.all_payer_draft.arrangements.get()
        totals = tuple(total_name(snapshot, name) for snapshot in (1, 2, 3) for name in TOTALS)
        return totals + tuple(figure_name(arrangement.pk, snapshot, name) for snapshot in (1, 2, 3) for name in FIGURES)


@dataclass
class Target:
    """One form posted to one page: ``fields`` are the names posted (hostile or baseline)."""

    forms: tuple[str, ...]
    url: Callable[[World], str]
    user: Callable[[World], object]
    fields: tuple[str, ...]
    baseline: Callable[[World], dict] = lambda world: {}
    files: tuple[str, ...] = ()
    method: str = "post"
    ids: str = field(default="")
    # For a form whose field names depend on the world (the figures of a draft's arrangements).
    fields_for: Callable[[World], tuple[str, ...]] | None = None


def section_target(section) -> Target:
    return Target(
        forms=(f"determinations.forms.sections.{section.__name__}",),
        url=lambda w: reverse("determinations:submission_section", args=[w.draft.pk, section.key]),
        user=lambda w: w.draft_member,
        fields=tuple(section.base_fields) + tuple(f"band_{n}_{part}" for n in (1, 2) for part in ("from", "rate")),
        baseline=lambda w: dict(COMPLETE_ANSWERS.get(section.key, {})),
        ids=f"section-{section.key}",
    )


CRITERIA = ("cehrt", "quality", "financial_risk")

ALL_PAYER_SUBMITTER = {
    "submitter_name": "A Person",
    "submitter_title": "Director",
    "submitter_email": "a.person@example.org",
    "submitter_phone": "202-555-0100",
    "level": "entity",
    "apm_entity_id": "E1",
}

TARGETS = [
    *[section_target(section) for section in SECTIONS],
    Target(
        forms=("determinations.forms.all_payer.SubmitterSection",),
        url=lambda w: reverse("determinations:all_payer_qp_section", args=[w.all_payer_draft.pk, "submitter"]),
        user=lambda w: w.clinician,
        fields=tuple(SubmitterSection.base_fields),
        baseline=lambda w: dict(ALL_PAYER_SUBMITTER),
        ids="all-payer-submitter",
    ),
    Target(
        forms=("determinations.forms.all_payer.StartAllPayerForm",),
        url=lambda w: reverse("determinations:all_payer_qp_start"),
        user=lambda w: w.clinician,
        fields=("organization", "window"),
        baseline=lambda w: {
            "organization": str(w.clinician.memberships.get().organization_id),
            "window": str(w.all_payer_window.pk),
        },
        ids="all-payer-start",
    ),
    Target(
        forms=("determinations.forms.all_payer.ArrangementChoiceForm",),
        url=lambda w: reverse("determinations:all_payer_qp_arrangements", args=[w.all_payer_draft.pk]),
        user=lambda w: w.clinician,
        fields=("determination",),
        baseline=lambda w: {"determination": str(w.multi_year.determinations.get().pk)},
        ids="all-payer-arrangement",
    ),
    Target(
        forms=("determinations.forms.requests.PublishedSearchForm",),
        url=lambda w: reverse("determinations:all_payer_qp_arrangements", args=[w.all_payer_draft.pk]),
        user=lambda w: w.clinician,
        fields=("q",),
        method="get",
        ids="all-payer-arrangement-search",
    ),
    Target(
        forms=("determinations.forms.all_payer.AllPayerFiguresForm",),
        url=lambda w: reverse("determinations:all_payer_qp_figures", args=[w.all_payer_draft.pk]),
        user=lambda w: w.clinician,
        fields=(),
        fields_for=lambda w: w.all_payer_figure_names(),
        baseline=lambda w: dict.fromkeys(w.all_payer_figure_names()[:4], "1000"),
        ids="all-payer-figures",
    ),
    Target(
        forms=("determinations.forms.all_payer.CertificationForm",),
        url=lambda w: reverse("determinations:all_payer_qp_review", args=[w.all_payer_draft.pk]),
        user=lambda w: w.clinician,
        fields=("attester_name", "attester_title", "certifies"),
        baseline=lambda w: {"attester_name": "A Person", "attester_title": "Director", "certifies": "on"},
        ids="all-payer-certify",
    ),
    Target(
        forms=("determinations.forms.requests.StartRequestForm",),
        url=lambda w: reverse("determinations:request_start"),
        user=lambda w: w.draft_member,
        fields=("window", "arrangement_name", "years_requested", "organization"),
        baseline=lambda w: {"window": str(w.draft.window_id), "arrangement_name": "A", "years_requested": "1"},
        ids="start",
    ),
    Target(
        forms=("determinations.forms.requests.StartRequestForm", "determinations.forms.requests.PublishedSearchForm"),
        url=lambda w: reverse("determinations:request_start"),
        user=lambda w: w.clinician,
        fields=("q", "organization", "payer_name", "payer_contact_name", "payer_contact_email", "arrangement_name"),
        method="get",
        ids="start-clinician-search",
    ),
    Target(
        forms=("determinations.forms.requests.MeasureSearchForm",),
        url=lambda w: reverse("determinations:submission_section", args=[w.draft.pk, "quality"]),
        user=lambda w: w.draft_member,
        fields=("q",),
        method="get",
        ids="measure-search",
    ),
    Target(
        forms=("determinations.forms.requests.MipsMeasureChoiceForm", "determinations.forms.requests.OtherMeasureForm"),
        url=lambda w: reverse("determinations:measure_add", args=[w.draft.pk]),
        user=lambda w: w.draft_member,
        fields=(
            "mips_measure",
            "other-title",
            "other-measure_identifier",
            "other-steward",
            "other-is_outcome",
            "other-basis",
            "other-cbe_id",
            "other-evidence_rationale",
        ),  # fmt: skip
        baseline=lambda w: {"other-title": "Readmissions", "other-basis": "cbe_endorsed", "other-cbe_id": "1789"},
        ids="measure-add",
    ),
    Target(
        forms=("determinations.forms.requests.DocumentUploadForm",),
        url=lambda w: reverse("determinations:submission_documents", args=[w.draft.pk]),
        user=lambda w: w.draft_member,
        fields=("file", "section", "description"),
        files=("file",),
        baseline=lambda w: {"section": "financial_risk", "description": "Contract"},
        ids="document-upload",
    ),
    Target(
        forms=("determinations.forms.requests.ParticipantsForm",),
        url=lambda w: reverse("determinations:submission_participants", args=[w.draft.pk]),
        user=lambda w: w.draft_member,
        fields=("file", "text"),
        files=("file",),
        baseline=lambda w: {"text": PARTICIPANTS_CSV},
        ids="participants",
    ),
    Target(
        forms=("determinations.forms.requests.CitationForm",),
        url=lambda w: reverse("determinations:citation_add", args=[w.draft_with_document.pk]),
        user=lambda w: w.draft_member,
        fields=("citation-criterion", "citation-document", "citation-page", "citation-note"),
        baseline=lambda w: {
            "citation-criterion": "financial_risk",
            "citation-document": str(w.draft_with_document.documents.first().pk),
            "citation-page": "2",
        },
        ids="citation",
    ),
    Target(
        forms=("determinations.forms.requests.AttestationForm",),
        url=lambda w: reverse("determinations:submission_review", args=[w.draft.pk]),
        user=lambda w: w.draft_member,
        fields=("attester_name", "attester_title", "attests", "acknowledge_precheck"),
        baseline=lambda w: {"attester_name": "A Person", "attester_title": "Director", "attests": "on"},
        ids="attest",
    ),
    Target(
        forms=("determinations.forms.requests.WithdrawForm",),
        url=lambda w: reverse("determinations:submission_withdraw", args=[w.submitted.pk]),
        user=lambda w: w.submitted_member,
        fields=("reason", "confirm"),
        ids="withdraw",
    ),
    Target(
        forms=("determinations.forms.requests.CopyRequestForm",),
        url=lambda w: reverse("determinations:submission_copy", args=[w.approved.pk]),
        user=lambda w: w.approved_member,
        fields=("window",),
        ids="copy",
    ),
    Target(
        forms=("determinations.forms.review.FindingForm",),
        url=lambda w: reverse("determinations:review_findings_save", args=[w.in_review.pk]),
        user=lambda w: w.reviewer,
        fields=tuple(f"{c}-{name}" for c in CRITERIA for name in ("finding", "rationale")),
        ids="findings",
    ),
    Target(
        forms=("determinations.forms.review.InformationRequestForm",),
        url=lambda w: reverse("determinations:information_request_create", args=[w.in_review.pk]),
        user=lambda w: w.reviewer,
        fields=("question", "due_date"),
        ids="question",
    ),
    Target(
        forms=("determinations.forms.review.ExtendDueDateForm",),
        url=lambda w: reverse("determinations:information_request_extend", args=[w.questioned.pk]),
        user=lambda w: w.reviewer,
        fields=("extend-due_date", "extend-reason"),
        ids="extend",
    ),
    Target(
        forms=("determinations.forms.review.CloseInformationRequestForm",),
        url=lambda w: reverse("determinations:information_request_close", args=[w.questioned.pk]),
        user=lambda w: w.reviewer,
        fields=("close-reason",),
        ids="close-question",
    ),
    Target(
        forms=("determinations.forms.review.AnswerForm",),
        url=lambda w: reverse("determinations:information_request_answer", args=[w.questioned.pk]),
        user=lambda w: w.questioned_member,
        fields=("question", "response"),
        baseline=lambda w: {"question": w.questioned.information_requests.get().pk},
        ids="answer",
    ),
    Target(
        forms=("determinations.forms.review.InternalNoteForm",),
        url=lambda w: reverse("determinations:review_note_add", args=[w.in_review.pk]),
        user=lambda w: w.reviewer,
        fields=("note-text",),
        ids="note",
    ),
    Target(
        forms=("determinations.forms.review.RecommendForm",),
        url=lambda w: reverse("determinations:review_recommend", args=[w.in_review.pk]),
        user=lambda w: w.reviewer,
        fields=("recommend-recommendation", "recommend-note"),
        ids="recommend",
    ),
    Target(
        forms=("determinations.forms.review.DecisionForm",),
        url=lambda w: reverse("determinations:review_decide", args=[w.recommended.pk]),
        user=lambda w: w.lead,
        fields=("decision", "reason", "years", "years_reason", *(f"unmet_{c}" for c in CRITERIA)),
        ids="decide",
    ),
    Target(
        forms=("determinations.forms.review.ReopenForm",),
        url=lambda w: reverse("determinations:review_reopen", args=[w.approved.pk]),
        user=lambda w: w.lead,
        fields=("reason",),
        ids="reopen",
    ),
    Target(
        forms=("determinations.forms.review.PublicListForm",),
        url=lambda w: reverse("apms:list"),
        user=lambda w: None,
        fields=("year", "payer_type", "page"),
        method="get",
        ids="public-list",
    ),
    Target(
        forms=(),
        url=lambda w: reverse("accounts:reviewer_home"),
        user=lambda w: w.lead,
        fields=(
            "q",
            "status",
            "organization",
            "payer_type",
            "year",
            "mine",
            "unassigned",
            "due_within",
            "sort",
            "page",
            "assignee",
            "process",
        ),  # fmt: skip
        method="get",
        ids="queue-filters",
    ),
    Target(
        forms=("determinations.forms.assignment.AssignForm",),
        url=lambda w: reverse("determinations:review_assign"),
        user=lambda w: w.lead,
        fields=("submissions", "assignee", "next"),
        baseline=lambda w: {"submissions": [str(w.submitted.pk)], "assignee": str(w.reviewer.pk)},
        ids="assign",
    ),
    Target(
        forms=("determinations.forms.assignment.ConflictForm",),
        url=lambda w: reverse("determinations:conflict_declare", args=[w.in_review.pk]),
        user=lambda w: w.reviewer,
        fields=("reason",),
        ids="conflict",
    ),
    Target(
        forms=("determinations.forms.program.WindowAddForm",),
        url=lambda w: reverse("determinations:window_add"),
        user=lambda w: w.program_admin,
        fields=("performance_year", "process", "payer_type", "opens_on", "closes_on", "is_provisional", "reason"),
        baseline=lambda w: {
            "performance_year": "2029",
            "process": "payer_initiated",
            "payer_type": "medicaid",
            "opens_on": "2028-01-04",
            "closes_on": "2028-05-01",
            "reason": "Published",
        },  # fmt: skip
        ids="window-add",
    ),
    Target(
        forms=("determinations.forms.program.WindowDatesForm",),
        url=lambda w: reverse("determinations:window_change", args=[w.window.pk]),
        user=lambda w: w.program_admin,
        fields=("opens_on", "closes_on", "is_provisional", "reason"),
        ids="window-change",
    ),
    Target(
        forms=("determinations.forms.qp.ParticipationUploadForm",),
        url=lambda w: reverse("determinations:participation_upload"),
        user=lambda w: w.program_admin,
        fields=("performance_year", "snapshot", "file"),
        files=("file",),
        baseline=lambda w: {"performance_year": "2025", "snapshot": "1"},
        ids="qp-upload",
    ),
    Target(
        forms=("determinations.forms.qp.SnapshotForm",),
        url=lambda w: reverse("determinations:qp_run"),
        user=lambda w: w.program_admin,
        fields=("run-performance_year", "run-snapshot"),
        ids="qp-run",
    ),
    Target(
        forms=("determinations.jobs.YearForm",),
        url=lambda w: reverse("jobs:job_start", args=["recheck_year"]),
        user=lambda w: w.program_admin,
        fields=("year",),
        ids="job-recheck-year",
    ),
    Target(
        forms=("determinations.jobs.PeriodForm",),
        url=lambda w: reverse("jobs:job_start", args=["letters_reissue"]),
        user=lambda w: w.program_admin,
        fields=("decided_from", "decided_to"),
        ids="job-letters-period",
    ),
    Target(
        forms=("determinations.forms.confirmation.ConfirmationSection",),
        url=lambda w: reverse("determinations:confirmation_changes", args=[w.multi_year.pk, 2027]),
        user=lambda w: w.multi_year_member,
        fields=("changed", "areas", "changes"),
        baseline=lambda w: {"changed": "False", "save": "1"},
        ids="confirmation-changes",
    ),
    Target(
        forms=("determinations.forms.confirmation.ConfirmationCertifyForm",),
        url=lambda w: reverse("determinations:confirmation_certify", args=[w.multi_year.pk, 2027]),
        user=lambda w: w.multi_year_member,
        fields=("attester_name", "attester_title", "attests"),
        ids="confirmation-certify",
    ),
    Target(
        forms=("determinations.forms.confirmation.ConfirmationAcknowledgeForm",),
        url=lambda w: reverse(
            "determinations:confirmation_acknowledge", args=[w.multi_year.pk, w.confirmation.pk]
        ),  # fmt: skip
        user=lambda w: w.reviewer,
        fields=("note",),
        ids="confirmation-acknowledge",
    ),
    Target(
        forms=("determinations.views.linked_requests.LinkSearchForm",),
        url=lambda w: reverse("determinations:requests_link", args=[w.submitted.pk]),
        user=lambda w: w.reviewer,
        fields=("q",),
        method="get",
        ids="link-search",
    ),
    Target(
        forms=("determinations.forms.saved_views.SavedViewForm",),
        url=lambda w: reverse("determinations:review_view_save"),
        user=lambda w: w.reviewer,
        fields=("name", "query"),
        ids="saved-view",
    ),
    Target(
        forms=("determinations.jobs.SnapshotForm",),
        url=lambda w: reverse("jobs:job_start", args=["qp_batch"]),
        user=lambda w: w.program_admin,
        fields=("year", "snapshot"),
        ids="job-qp-batch",
    ),
    Target(
        forms=("determinations.jobs.PayerDeterminationForm",),
        url=lambda w: reverse("jobs:job_start", args=["apply_payer_determination"]),
        user=lambda w: w.program_admin,
        fields=("determination",),
        ids="job-apply-payer-determination",
    ),
    Target(
        forms=("messaging.forms.MessageFilterForm",),
        url=lambda w: reverse("messaging:message_list"),
        user=lambda w: w.program_admin,
        fields=("status", "kind", "recipient", "page"),
        method="get",
        ids="messages",
    ),
    Target(
        forms=("accounts.forms.SignInForm",),
        url=lambda w: reverse("login"),
        user=lambda w: None,
        fields=("username", "password", "next"),
        ids="sign-in",
    ),
    Target(
        forms=("accounts.forms.OneTimeCodeForm",),
        url=lambda w: reverse("accounts:mfa_verify"),
        user=lambda w: ("unverified", w.reviewer),
        fields=("otp_token", "token", "next"),
        ids="one-time-code",
    ),
    Target(
        forms=("accounts.forms.AcceptInvitationForm", "accounts.forms.PasswordPairMixin"),
        url=lambda w: reverse("accounts:invitation_accept", args=[w.invitation_token]),
        user=lambda w: None,
        fields=("full_name", "password1", "password2"),
        baseline=lambda w: {"full_name": "New Comer", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
        ids="accept-invitation",
    ),
    Target(
        forms=("accounts.forms.OrganizationInvitationForm",),
        url=lambda w: reverse("accounts:invitation_create_organization", args=[w.draft.organization_id]),
        user=lambda w: w.organization_admin,
        fields=("email", "full_name", "membership_role"),
        ids="invite-member",
    ),
    Target(
        forms=("accounts.forms.StaffInvitationForm",),
        url=lambda w: reverse("accounts:invitation_create_staff"),
        user=lambda w: w.program_admin,
        fields=("email", "full_name", "staff_role"),
        ids="invite-staff",
    ),
    Target(
        forms=("determinations.admin.performance_year.PerformanceYearForm",),
        url=lambda w: reverse(
            "admin:determinations_performanceyear_change", args=[PerformanceYear.objects.get(year=2027).pk]
        ),  # fmt: skip
        user=lambda w: w.program_admin,
        fields=(
            "year",
            "notes",
            "provisional_fields",
            "qp_period_start",
            "cehrt_participant_percent",
            "nominal_expenditure_percent",
            "qp_conversion_factor",
            "snapshot_1_date",
        ),  # fmt: skip
        ids="admin-performance-year",
    ),
    Target(
        forms=("accounts.admin.UserAdmin.ChangeForm",),
        url=lambda w: reverse("admin:accounts_user_change", args=[w.payer.pk]),
        user=lambda w: w.program_admin,
        fields=("email", "full_name", "staff_role", "is_active", "is_staff", "last_login", "date_joined"),
        ids="admin-user-change",
    ),
]

# Form classes that are never posted on their own: bases the targets above post through subclasses.
BASES = {"determinations.forms.base.SectionForm", "determinations.forms.program.WindowDatesForm"}


def project_form_classes() -> set[str]:
    """Every form class defined in the project's packages (every module of them imported first)."""
    for package in PROJECT_PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)
    found, pending = set(), [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES:
            found.add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_every_form_of_the_project_is_posted_hostile_values():
    covered = {name for target in TARGETS for name in target.forms} | BASES
    assert project_form_classes() - covered == set(), "a form without a target in tests/security/test_hostile_input.py"
    assert covered - BASES <= project_form_classes(), "a target names a form that no longer exists"


def row_counts() -> dict[str, int]:
    """The rows of every table of the project, counted in one query (it runs twice for each example)."""
    tables = sorted({model._meta.db_table for app in COUNTED_APPS for model in apps.get_app_config(app).get_models()})
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # the table names come from the models, never from the examples
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _signed_in(world, target) -> Client:
    client = Client()
    who = target.user(world)
    if isinstance(who, tuple):  # signed in with the password, the second factor still to come
        client.force_login(who[1], backend="django.contrib.auth.backends.ModelBackend")
    elif who is not None:
        sign_in(client, who)
    return client


@pytest.mark.parametrize("target", TARGETS, ids=[t.ids for t in TARGETS])
def test_hostile_values_are_refused_clearly(target, reference_data, clock):
    world = World()
    url = target.url(world)
    client = _signed_in(world, target)
    baseline = target.baseline(world)
    fields = target.fields_for(world) if target.fields_for else target.fields
    texts = st.dictionaries(st.sampled_from([f for f in fields if f not in target.files]), HOSTILE, max_size=4)
    uploads = st.fixed_dictionaries(dict.fromkeys(target.files, FILES))

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values=texts, files=uploads)
    def check(values, files):
        data = {**baseline, **values, **files}
        before = row_counts()
        if target.method == "get":
            response = client.get(url, {k: v for k, v in data.items() if not isinstance(v, SimpleUploadedFile)})
        else:
            response = client.post(url, data)
        assert response.status_code < 500, (target.ids, data)
        if response.status_code != 302:
            assert row_counts() == before, (target.ids, response.status_code, data)

    check()


HOSTILE_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.sampled_from(HOSTILE_WORDS), st.integers(), st.floats()),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=20), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    section=st.sampled_from(["arrangement", "cehrt", "quality", "financial_risk", None]),
    key=st.sampled_from(
        [
            "maximum_loss_amount",
            "expected_expenditures",
            "apm_entities",
            "measures",
            "risk_type",
            "lowest_entity_cehrt_percent",
            "year",
            "payer_type",
            "marginal_risk_bands",
        ]
    ),  # fmt: skip
    value=HOSTILE_JSON,
)
def test_evaluate_arrangement_answers_hostile_files_with_a_command_error(tmp_path_factory, section, key, value):
    path = tmp_path_factory.mktemp("arrangement") / "arrangement.json"
    data = {"year": 2024, "payer_type": "other_payer", "financial_risk": {"risk_type": "two_sided"}}
    if section is None:
        data[key] = value
    else:
        data.setdefault(section, {})[key] = value
    path.write_text(json.dumps(data))
    with contextlib.suppress(CommandError):
        call_command("evaluate_arrangement", str(path), stdout=io.StringIO())


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=15, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(content=FILE_CONTENTS, header=st.booleans())
def test_determine_qp_answers_hostile_files_with_a_command_error(reference_data, tmp_path_factory, content, header):
    path = tmp_path_factory.mktemp("qp") / "participation.csv"
    path.write_bytes((",".join(COLUMNS) + "\n").encode() * header + content)
    before = ParticipationRecord.objects.count()
    try:
        call_command("determine_qp", "--year", "2025", "--snapshot", "1", "--input", str(path), "--output", "/dev/null")
    except CommandError:
        assert ParticipationRecord.objects.count() == before
