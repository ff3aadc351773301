"""The world the access walk runs in: one payer organization's requests in every stage of their life,
the people who try to reach them, and what each of those people must never read.

Everything is made through the factories, so each request has the documents, events, tracking
number, questions and determination the portal itself gives it.
"""

from dataclasses import dataclass, field

from accounts.models import MembershipRole, Organization, OrganizationKind, StaffRole, User
from determinations.models import (
    AllPayerQPStatus,
    AllPayerQPSubmission,
    ArrangementMeasure,
    CriterionCitation,
    Determination,
    Document,
    Submission,
    SubmissionWindow,
)
from determinations.services import all_payer_qp, participants, submissions
from determinations.services.assignment import conflict_declare
from determinations.states import SubmissionStatus
from jobs.models import Job
from jobs.services import job_start
from messaging.models import Message
from tests.factories import MembershipFactory, SubmissionFactory, UserFactory, organization_member
from tests.factories import submissions as steps

# A number no row has: what "missing" looks like, for objects the world does not make.
MISSING = 987654321

ANONYMOUS = "anonymous"
OWNER = "payer_submitter"  # a submitter of the payer that owns every request below
CLINICIAN = "clinician_submitter"  # an APM Entity's submitter: another organization
OUTSIDER = "other_organization"  # an organization admin of another payer
REVIEWER = "reviewer"  # assigned to the open and recommended requests
LEAD = "review_lead"
PROGRAM_ADMIN = "program_admin"
RECUSED = "recused_reviewer"  # declared a conflict of interest with the owner
RECUSED_LEAD = "recused_lead"

IDENTITIES = (ANONYMOUS, OWNER, CLINICIAN, OUTSIDER, REVIEWER, LEAD, PROGRAM_ADMIN, RECUSED, RECUSED_LEAD)
OUTSIDERS = (ANONYMOUS, CLINICIAN, OUTSIDER)
STAFF = (REVIEWER, LEAD, PROGRAM_ADMIN)
RECUSED_STAFF = (RECUSED, RECUSED_LEAD)

OWNER_NAME = "Harbor Owner Health Plan"
# The payer name the requests give; the approved one's is on the public list, so it is no secret.
PAYER_NAME = "Harbor Payer Trust"
APPROVED_NAME = "Harbor Approved Plan"


@dataclass
class World:
    organization: Organization
    people: dict[str, User]
    draft: Submission
    open: Submission  # information requested from the owner, assigned to the reviewer
    recommended: Submission
    approved: Submission
    draft_document: Document
    draft_measure: ArrangementMeasure
    draft_citation: CriterionCitation
    document: Document
    determination: Determination
    window: SubmissionWindow
    message: Message
    job: Job
    all_payer_draft: AllPayerQPSubmission  # the APM Entity's (CLINICIAN's), in the 2026 window
    all_payer_submitted: AllPayerQPSubmission
    secrets: dict[str, set[str]] = field(default_factory=dict)


def world_build() -> World:
    owner = organization_member(OrganizationKind.PAYER, "other_payer", OWNER_NAME)
    organization = owner.memberships.get().organization
    people = {
        OWNER: owner,
        CLINICIAN: organization_member(OrganizationKind.APM_ENTITY, name="Walk APM Entity"),
        OUTSIDER: organization_member(
            OrganizationKind.PAYER, "medicaid", "Walk Other Payer", role=MembershipRole.ORGANIZATION_ADMIN
        ),
        REVIEWER: UserFactory(staff_role=StaffRole.REVIEWER, full_name="Walk Reviewer"),
        LEAD: UserFactory(staff_role=StaffRole.REVIEW_LEAD, full_name="Walk Lead"),
        PROGRAM_ADMIN: UserFactory(staff_role=StaffRole.PROGRAM_ADMIN, is_staff=True, full_name="Walk Admin"),
        RECUSED: UserFactory(staff_role=StaffRole.REVIEWER, full_name="Walk Recused Reviewer"),
        RECUSED_LEAD: UserFactory(staff_role=StaffRole.REVIEW_LEAD, full_name="Walk Recused Lead"),
    }
    reviewer, lead = people[REVIEWER], people[LEAD]

    def request(state, name, **options):
        return SubmissionFactory(
            member=owner, state=state, name=name, payer_name=PAYER_NAME, reviewer=reviewer, lead=lead, **options
        )

    draft = request(SubmissionStatus.DRAFT, "Harbor Draft Plan")
    draft_document = steps.document_add(draft, owner, name="draft-contract.pdf")
    draft_measure = submissions.arrangement_measure_add(
        submission_id=draft.pk, actor=owner, title="Draft measure", basis="cbe_endorsed", cbe_id="0001"
    )
    participants.citation_add(submission_id=draft.pk, actor=owner, criterion="cehrt", document=draft_document, page=2)
    opened = request(SubmissionStatus.INFORMATION_REQUESTED, "Harbor Open Plan")
    recommended = request(SubmissionStatus.RECOMMENDED, "Harbor Recommended Plan")
    approved = request(SubmissionStatus.APPROVED, APPROVED_NAME)
    for person in (people[RECUSED], people[RECUSED_LEAD]):
        conflict_declare(reviewer=person, submission=opened, reason="A relative works there.")
    MembershipFactory(organization=organization, role=MembershipRole.SUBMITTER)  # a second member to list
    all_payer = [
        all_payer_qp.all_payer_qp_start(
            actor=people[CLINICIAN],
            organization=people[CLINICIAN].memberships.get().organization,
            window=SubmissionWindow.objects.get(performance_year__year=2026, process="all_payer_qp"),
        )
        for _ in range(2)
    ]
    # Who may see a submitted one does not depend on its figures: it is marked submitted as it stands.
    AllPayerQPSubmission.objects.filter(pk=all_payer[1].pk).update(
        status=AllPayerQPStatus.SUBMITTED, tracking_number="OPA-2026-AP-WALK000", submitted_at=all_payer[1].created_at
    )
    all_payer[1].refresh_from_db()
    world = World(
        organization=organization,
        people=people,
        draft=draft,
        open=opened,
        recommended=recommended,
        approved=approved,
        draft_document=draft_document,
        draft_measure=draft_measure or draft.measures.get(),
        draft_citation=draft.citations.get(),
        document=opened.documents.first(),
        determination=approved.determinations.get(),
        window=SubmissionWindow.objects.order_by("pk").first(),
        message=Message.objects.order_by("pk").first(),
        job=job_start(kind="recheck_year", parameters={"year": 2027}, actor=people[PROGRAM_ADMIN], queue=False),
        all_payer_draft=all_payer[0],
        all_payer_submitted=all_payer[1],
    )
    world.secrets = _secrets(world)
    return world


def _secrets(world: World) -> dict[str, set[str]]:
    """What each identity must not read anywhere: the owner's name, tracking numbers and arrangement
    names for outsiders (but the approved arrangement, which is public), the requests' numbers and
    names for the recused (they know the organization: they declared the conflict), and the draft's
    name for CMS staff, who never see drafts."""
    requests = (world.open, world.recommended, world.approved)
    numbers = {s.tracking_number for s in requests}
    private_names = {world.draft.arrangement_name, *(s.arrangement_name for s in requests)} - {APPROVED_NAME}
    secrets = {identity: set() for identity in IDENTITIES}
    for identity in OUTSIDERS:
        secrets[identity] = {OWNER_NAME, *numbers, *private_names}
    for identity in RECUSED_STAFF:
        secrets[identity] = {*numbers, *private_names}
    for identity in STAFF:
        secrets[identity] = {world.draft.arrangement_name}
    # The APM Entity's All-Payer QP submission is its own, and program admins read submitted ones.
    for identity in set(IDENTITIES) - {CLINICIAN, PROGRAM_ADMIN}:
        secrets[identity].add(world.all_payer_submitted.tracking_number)
    return secrets
