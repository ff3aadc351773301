"""Every transition of the workflow table, for every state and every kind of person.

The matrix is generated from ``determinations.workflow.TRANSITIONS``: a transition is offered
(``transitions_available``) exactly in its source states, allowed there exactly for the people its
permission admits, and refused with the permission's ``Code``; in every other state
``transition_apply`` refuses it as ``NOT_NOW`` and changes nothing. Two hand-written tables keep
this from checking the table against itself: ``PINNED`` is the table as reviewed (sources, target,
permission), and ``WHO`` is what each permission answers each person, written out. A transition only
a batch job makes (``offered=False``) is never offered, and where its permission admits the person its
guard refuses it here: none of the matrix's requests is linked to a payer's decision.
"""

import pytest
from django.db import transaction

from accounts.models import MembershipRole, OrganizationKind, StaffRole
from determinations.models import ConflictOfInterest, Submission
from determinations.permissions import Code
from determinations.services.assignment import submission_assign
from determinations.states import OPEN, SubmissionStatus
from determinations.workflow import TRANSITIONS, TransitionRefused, transition_apply, transitions_available
from tests.factories import MembershipFactory, OrganizationFactory, SubmissionFactory, UserFactory, organization_member

pytestmark = pytest.mark.django_db

S = SubmissionStatus
ALLOWED, NOT_VISIBLE, WRONG_ROLE, RECUSED, NOT_ASSIGNEE = (
    Code.ALLOWED,
    Code.NOT_VISIBLE,
    Code.WRONG_ROLE,
    Code.RECUSED,
    Code.NOT_ASSIGNEE,
)

# The table as reviewed: a change to the workflow must change this too, on purpose.
PINNED = {
    "submit": ({S.DRAFT}, S.SUBMITTED, "is_member"),
    "withdraw": ({S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.INFORMATION_REQUESTED, S.RECOMMENDED}, S.WITHDRAWN, "is_member"),
    "start_review": ({S.SUBMITTED}, S.IN_REVIEW, "is_reviewer"),
    "request_information": ({S.IN_REVIEW}, S.INFORMATION_REQUESTED, "is_assignee"),
    "respond": ({S.INFORMATION_REQUESTED}, S.IN_REVIEW, "is_member"),
    "close_information_request": ({S.INFORMATION_REQUESTED}, S.IN_REVIEW, "is_assignee"),
    "recommend": ({S.IN_REVIEW}, S.RECOMMENDED, "is_assignee"),
    "send_back": ({S.RECOMMENDED}, S.IN_REVIEW, "is_deciding_lead"),
    "approve": ({S.RECOMMENDED}, S.APPROVED, "is_deciding_lead"),
    "reject": ({S.RECOMMENDED}, S.REJECTED, "is_deciding_lead"),
    "reopen": ({S.APPROVED, S.REJECTED}, S.IN_REVIEW, "is_lead"),
    # Made only by the job that applies a payer's decision to the clinicians' requests linked to it.
    "apply_payer_approval": (set(OPEN), S.APPROVED, "is_lead"),
    "apply_payer_rejection": (set(OPEN), S.REJECTED, "is_lead"),
}

ROLES = (
    "owner",  # a submitter of the organization that filed the request
    "other_payer",  # a submitter of another payer
    "clinician",  # an APM Entity's submitter
    "assignee",  # the reviewer the request is assigned to
    "reviewer",  # another reviewer
    "lead",
    "program_admin",
    "recused_reviewer",
    "recused_lead",
)


def answers(default, **given):
    return {role: given.get(role, default) for role in ROLES}


# What each permission answers each person, written out.
WHO = {
    "is_member": answers(NOT_VISIBLE, owner=ALLOWED),
    "is_reviewer": answers(
        WRONG_ROLE, assignee=ALLOWED, reviewer=ALLOWED, lead=ALLOWED, recused_reviewer=RECUSED, recused_lead=RECUSED
    ),
    "is_assignee": answers(NOT_ASSIGNEE, assignee=ALLOWED),
    "is_deciding_lead": answers(WRONG_ROLE, lead=ALLOWED, recused_lead=RECUSED),
    "is_lead": answers(WRONG_ROLE, lead=ALLOWED, recused_lead=RECUSED),
}


def test_the_workflow_table_is_the_one_reviewed():
    table = {name: (set(t.sources), t.target, t.permission.__name__) for name, t in TRANSITIONS.items()}
    assert table == PINNED


def build():
    """One request in each state, built by people outside the matrix (so no repeat of their own
    transition is mistaken for a refusal), then assigned to the matrix's reviewer where under review."""
    organization = OrganizationFactory(kind=OrganizationKind.PAYER, payer_type="other_payer", name="Matrix Payer")
    builder = MembershipFactory(organization=organization, role=MembershipRole.SUBMITTER).user
    requests = {
        state: SubmissionFactory(organization=organization, member=builder, state=state, name=f"Matrix {state}")
        for state in SubmissionStatus
    }
    people = {
        "owner": MembershipFactory(organization=organization, role=MembershipRole.SUBMITTER).user,
        "other_payer": organization_member(OrganizationKind.PAYER, "medicaid", "Matrix Other Payer"),
        "clinician": organization_member(OrganizationKind.APM_ENTITY, name="Matrix ACO"),
        "assignee": UserFactory(staff_role=StaffRole.REVIEWER),
        "reviewer": UserFactory(staff_role=StaffRole.REVIEWER),
        "lead": UserFactory(staff_role=StaffRole.REVIEW_LEAD),
        "program_admin": UserFactory(staff_role=StaffRole.PROGRAM_ADMIN, is_staff=True),
        "recused_reviewer": UserFactory(staff_role=StaffRole.REVIEWER),
        "recused_lead": UserFactory(staff_role=StaffRole.REVIEW_LEAD),
    }
    for role in ("recused_reviewer", "recused_lead"):
        ConflictOfInterest.objects.create(reviewer=people[role], organization=organization, reason="Matrix")
    # Assigning a submitted request starts its review, so the submitted one stays unassigned.
    open_ids = [s.pk for state, s in requests.items() if state in OPEN and state != S.SUBMITTED]
    submission_assign(submission_ids=open_ids, assignee=people["assignee"], actor=UserFactory(staff_role="review_lead"))
    return {state: Submission.objects.get(pk=s.pk) for state, s in requests.items()}, people


def test_every_transition_state_and_role(reference_data, clock, capsys):
    requests, people = build()
    failures, cells = [], 0
    for state, submission in requests.items():
        for role, person in people.items():
            offered = transitions_available(submission, person)
            for name, transition in TRANSITIONS.items():
                cells += 1
                where = f"{name} from {state} by {role}"
                expected = WHO[transition.permission.__name__][role]
                if state in transition.sources and transition.offered:
                    if name not in offered:
                        failures.append(f"{where}: not offered")
                    elif offered[name].code is not expected:
                        failures.append(f"{where}: {offered[name].code} (expected {expected})")
                    if expected is ALLOWED:
                        continue
                elif name in offered:
                    failures.append(f"{where}: offered outside its source states or by a page")
                refused_as = Code.NOT_NOW if state not in transition.sources or expected is ALLOWED else expected
                try:
                    with transaction.atomic():
                        transition_apply(submission_id=submission.pk, name=name, actor=person, reason="Matrix")
                        transaction.set_rollback(True)
                except TransitionRefused as refused:
                    if refused.code is not refused_as:
                        failures.append(f"{where}: refused as {refused.code} (expected {refused_as}): {refused}")
                else:
                    failures.append(f"{where}: made (expected refused as {refused_as})")
                if Submission.objects.get(pk=submission.pk).status != state:
                    failures.append(f"{where}: the state changed")
    with capsys.disabled():
        shape = f"{len(TRANSITIONS)} transitions x {len(requests)} states x {len(people)} roles"
        print(f"\nworkflow matrix: {shape} = {cells} cells")
    assert cells == len(TRANSITIONS) * len(SubmissionStatus) * len(ROLES)
    assert not failures, f"{len(failures)} cells differ:\n" + "\n".join(failures)
