"""What every URL of the portal answers each identity of the access walk (``test_access_walk.py``).

One row per URL pattern, keyed by its name (``namespace:name``; the route for an unnamed pattern):
the arguments it is opened with, taken from the walk's world (``access_world.py``), and what each
identity gets for GET and, for a page that writes, for a POST with no data. An outcome is a status
code, ``LOGIN`` (302 to the sign-in page, to come back), ``ADMIN_LOGIN`` (302 to the admin site's) or
``REDIRECT`` (302 anywhere else). ``each(default, identity=outcome, ...)`` fills in every identity:
anonymous visitors get ``LOGIN`` unless told otherwise.

A new URL needs a row here, or the walk fails naming it. The admin site's patterns follow one
rule (``admin_outcomes``), so a newly registered model is covered as it is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .access_world import (
    ANONYMOUS,
    CLINICIAN,
    IDENTITIES,
    LEAD,
    MISSING,
    OUTSIDER,
    OWNER,
    PROGRAM_ADMIN,
    RECUSED,
    RECUSED_LEAD,
    REVIEWER,
    World,
)

LOGIN = "login"
ADMIN_LOGIN = "admin login"
REDIRECT = "redirect"
# The program admin's own ground (the admin site): any answer but a server error.
ANSWERS = "answers"


def each(default, **given):
    unknown = set(given) - set(IDENTITIES)
    assert not unknown, f"unknown identities {unknown}"
    return {identity: given.get(identity, LOGIN if identity == ANONYMOUS else default) for identity in IDENTITIES}


def only(allowed: dict, refused=403, **given):
    """``allowed`` (identity -> outcome) for those it names, ``refused`` for every other signed-in identity."""
    return each(refused, **allowed, **given)


def owners_request(*, owner, staff, recused=403, outsiders=404, **given):
    """A submitter's page of the owner's request: another organization's members get the 404 of a
    missing request, CMS staff ``staff`` (404 for a draft), the recused 403 with the reason."""
    return each(
        staff,
        payer_submitter=owner,
        clinician_submitter=outsiders,
        other_organization=outsiders,
        recused_reviewer=recused,
        recused_lead=recused,
        **given,
    )


def owners_draft(*, owner):
    return owners_request(owner=owner, staff=404, recused=404)


def staff_page(*, reviewer, lead, program_admin=403, recused=403, recused_lead=None):
    """A CMS review page of the owner's request: submitters are refused by role (the same for any number)."""
    return only(
        {
            REVIEWER: reviewer,
            LEAD: lead,
            PROGRAM_ADMIN: program_admin,
            RECUSED: recused,
            RECUSED_LEAD: recused if recused_lead is None else recused_lead,
        }
    )


SIGNED_IN_OK = each(200)
EVERYONE_OK = each(200, anonymous=200)
ADMIN_ONLY = only({PROGRAM_ADMIN: 200})
POST_ONLY = 405  # a page that only takes POST answers a GET with 405 once the role is right


@dataclass(frozen=True)
class Row:
    kwargs: Callable[[World], dict]
    get: dict
    post: dict | None = None


def none(world: World) -> dict:
    return {}


def request_of(attribute: str, **extra: Callable[[World], object]) -> Callable[[World], dict]:
    def kwargs(world: World) -> dict:
        return {"pk": getattr(world, attribute).pk, **{name: value(world) for name, value in extra.items()}}

    return kwargs


def missing(name: str = "pk") -> Callable[[World], dict]:
    return lambda world: {name: MISSING}


SUBMITTERS_ONLY = only({OWNER: 200, CLINICIAN: 200, OUTSIDER: 200})
ALL_PAYER_OWN_200 = each(404, clinician_submitter=200)
ALL_PAYER_OWN_AND_ADMIN_200 = each(404, clinician_submitter=200, program_admin=200)  # once submitted
ALL_PAYER_OWN_SAVED = each(404, clinician_submitter=REDIRECT)

TABLE: dict[str, Row] = {
    # Public pages and signing in
    "landing": Row(none, each(REDIRECT, anonymous=200)),
    "favicon.ico": Row(none, each(301, anonymous=301)),
    "login": Row(none, each(REDIRECT, anonymous=200)),
    "logout": Row(none, each(405, anonymous=405), post=each(REDIRECT, anonymous=REDIRECT)),
    "password_change": Row(none, SIGNED_IN_OK, post=SIGNED_IN_OK),
    "password_change_done": Row(none, SIGNED_IN_OK),
    "password_reset": Row(none, EVERYONE_OK, post=EVERYONE_OK),
    "password_reset_done": Row(none, EVERYONE_OK),
    "password_reset_confirm": Row(lambda world: {"uidb64": "MQ", "token": "set-password"}, EVERYONE_OK),
    "password_reset_complete": Row(none, EVERYONE_OK),
    "apms:list": Row(none, EVERYONE_OK),
    "apms:list_csv": Row(none, EVERYONE_OK),
    "apms:list_json": Row(none, EVERYONE_OK),
    # Accounts and home pages
    "accounts:home": Row(none, each(REDIRECT)),
    "accounts:account": Row(none, SIGNED_IN_OK),
    "accounts:mfa_setup": Row(none, each(REDIRECT)),
    "accounts:mfa_verify": Row(none, each(REDIRECT)),
    "accounts:invitation_create_staff": Row(none, ADMIN_ONLY, post=ADMIN_ONLY),
    "accounts:invitation_accept": Row(lambda world: {"token": "not-a-real-token"}, each(410, anonymous=410)),
    "accounts:organization_home": Row(none, only({OWNER: 200, CLINICIAN: 200, OUTSIDER: 200}, REDIRECT)),
    "accounts:reviewer_home": Row(none, only({REVIEWER: 200, LEAD: 200, RECUSED: 200, RECUSED_LEAD: 200})),
    "accounts:review_lead_home": Row(none, only({LEAD: 200, RECUSED_LEAD: 200})),
    "accounts:program_admin_home": Row(none, ADMIN_ONLY),
    "accounts:organization_list": Row(none, only({PROGRAM_ADMIN: 200, LEAD: 200, RECUSED_LEAD: 200})),
    "accounts:organization_detail": Row(
        lambda world: {"organization_id": world.organization.pk},
        each(200, clinician_submitter=404, other_organization=404),
    ),
    "accounts:invitation_create_organization": Row(
        lambda world: {"organization_id": world.organization.pk},
        each(403, clinician_submitter=404, other_organization=404, program_admin=200),
        post=each(403, clinician_submitter=404, other_organization=404, program_admin=200),
    ),
    # Filing a request
    "determinations:request_start": Row(none, SUBMITTERS_ONLY, post=SUBMITTERS_ONLY),
    "determinations:submission_detail": Row(request_of("open"), owners_request(owner=200, staff=REDIRECT)),
    "determinations:submission_section": Row(
        request_of("draft", section=lambda world: "contact"), owners_draft(owner=200), post=owners_draft(owner=200)
    ),
    "determinations:submission_participants": Row(
        request_of("draft"), owners_draft(owner=200), post=owners_draft(owner=400)
    ),
    "determinations:submission_documents": Row(
        request_of("draft"), owners_draft(owner=200), post=owners_draft(owner=400)
    ),
    "determinations:citation_add": Row(request_of("draft"), each(POST_ONLY), post=owners_draft(owner=400)),
    "determinations:citation_remove": Row(
        request_of("draft", citation_pk=lambda world: world.draft_citation.pk),
        each(POST_ONLY),
        post=owners_draft(owner=REDIRECT),
    ),
    "determinations:measure_add": Row(request_of("draft"), each(POST_ONLY), post=owners_draft(owner=400)),
    "determinations:measure_remove": Row(
        request_of("draft", measure_pk=lambda world: world.draft_measure.pk),
        each(POST_ONLY),
        post=owners_draft(owner=REDIRECT),
    ),
    "determinations:document_remove": Row(
        request_of("draft", document_pk=lambda world: world.draft_document.pk),
        each(POST_ONLY),
        post=owners_draft(owner=REDIRECT),
    ),
    "determinations:submission_review": Row(request_of("draft"), owners_draft(owner=200), post=owners_draft(owner=400)),
    "determinations:document_download": Row(
        request_of("open", document_pk=lambda world: world.document.pk), owners_request(owner=200, staff=200)
    ),
    "determinations:submission_receipt": Row(request_of("open"), owners_request(owner=200, staff=200)),
    "determinations:submission_withdraw": Row(
        request_of("open"), owners_request(owner=200, staff=200), post=owners_request(owner=200, staff=200)
    ),
    "determinations:submission_copy": Row(
        request_of("approved"), owners_request(owner=200, staff=403), post=owners_request(owner=200, staff=403)
    ),
    "determinations:information_request_answer": Row(
        request_of("open"), owners_request(owner=200, staff=403), post=owners_request(owner=400, staff=403)
    ),
    "determinations:determination_letter": Row(
        request_of("approved", determination_pk=lambda world: world.determination.pk),
        owners_request(owner=200, staff=200),
    ),
    # CMS review of the owner's request
    "determinations:review_detail": Row(request_of("open"), staff_page(reviewer=200, lead=200, program_admin=200)),
    "determinations:review_findings_save": Row(
        request_of("open"),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=REDIRECT, lead=409),
    ),
    "determinations:review_note_add": Row(
        request_of("open"),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, program_admin=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=400, lead=400, program_admin=400),
    ),
    "determinations:information_request_create": Row(
        request_of("open"), staff_page(reviewer=200, lead=200), post=staff_page(reviewer=400, lead=400)
    ),
    "determinations:information_request_extend": Row(
        request_of("open"),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=400, lead=400),
    ),
    "determinations:information_request_close": Row(
        request_of("open"),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=400, lead=400),
    ),
    "determinations:review_recommend": Row(
        request_of("open"),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=400, lead=400),
    ),
    "determinations:review_decide": Row(
        request_of("recommended"), staff_page(reviewer=403, lead=200), post=staff_page(reviewer=403, lead=400)
    ),
    "determinations:review_reopen": Row(
        request_of("approved"), staff_page(reviewer=403, lead=200), post=staff_page(reviewer=403, lead=400)
    ),
    "determinations:review_claim": Row(
        request_of("open"),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=REDIRECT, lead=403, recused=REDIRECT, recused_lead=403),
    ),
    "determinations:conflict_declare": Row(
        request_of("open"), staff_page(reviewer=200, lead=200), post=staff_page(reviewer=200, lead=200)
    ),
    # Clinicians' requests linked to a payer's request; yearly confirmations of multi-year determinations
    "determinations:requests_link": Row(
        request_of("open"), staff_page(reviewer=200, lead=200), post=staff_page(reviewer=REDIRECT, lead=REDIRECT)
    ),
    "determinations:request_unlink": Row(
        request_of("open", linked_pk=lambda world: MISSING),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=REDIRECT, lead=REDIRECT),
    ),
    "determinations:confirmation_acknowledge": Row(
        request_of("open", confirmation_pk=lambda world: MISSING),
        staff_page(reviewer=POST_ONLY, lead=POST_ONLY, recused=POST_ONLY),
        post=staff_page(reviewer=REDIRECT, lead=REDIRECT),
    ),
    "determinations:confirmation_changes": Row(
        request_of("approved", year=lambda world: 2099),
        owners_request(owner=REDIRECT, staff=REDIRECT),
        post=owners_request(owner=REDIRECT, staff=REDIRECT),
    ),
    "determinations:confirmation_certify": Row(
        request_of("approved", year=lambda world: 2099),
        owners_request(owner=REDIRECT, staff=REDIRECT),
        post=owners_request(owner=REDIRECT, staff=REDIRECT),
    ),
    # Saved views of the review queue
    "determinations:review_view_save": Row(
        none,
        only({REVIEWER: POST_ONLY, LEAD: POST_ONLY, RECUSED: POST_ONLY, RECUSED_LEAD: POST_ONLY}),
        post=only({REVIEWER: REDIRECT, LEAD: REDIRECT, RECUSED: REDIRECT, RECUSED_LEAD: REDIRECT}),
    ),
    "determinations:review_view_rename": Row(
        missing(),
        only({REVIEWER: POST_ONLY, LEAD: POST_ONLY, RECUSED: POST_ONLY, RECUSED_LEAD: POST_ONLY}),
        post=only({REVIEWER: REDIRECT, LEAD: REDIRECT, RECUSED: REDIRECT, RECUSED_LEAD: REDIRECT}),
    ),
    "determinations:review_view_delete": Row(
        missing(),
        only({REVIEWER: POST_ONLY, LEAD: POST_ONLY, RECUSED: POST_ONLY, RECUSED_LEAD: POST_ONLY}),
        post=only({REVIEWER: 404, LEAD: 404, RECUSED: 404, RECUSED_LEAD: 404}),
    ),
    "determinations:review_queue_export": Row(none, only({REVIEWER: 200, LEAD: 200, RECUSED: 200, RECUSED_LEAD: 200})),
    "determinations:review_assign": Row(
        none,
        only({REVIEWER: POST_ONLY, LEAD: POST_ONLY, RECUSED: POST_ONLY, RECUSED_LEAD: POST_ONLY}),
        post=only({LEAD: REDIRECT, RECUSED_LEAD: REDIRECT}),
    ),
    # Program admins: windows, QP determinations, the outbox and batch jobs (no organization's objects)
    "determinations:window_add": Row(none, ADMIN_ONLY, post=only({PROGRAM_ADMIN: 400})),
    "determinations:window_change": Row(
        lambda world: {"pk": world.window.pk}, ADMIN_ONLY, post=only({PROGRAM_ADMIN: 400})
    ),
    "determinations:qp_program": Row(none, ADMIN_ONLY),
    "determinations:participation_upload": Row(none, only({PROGRAM_ADMIN: POST_ONLY}), post=only({PROGRAM_ADMIN: 400})),
    "determinations:participation_upload_detail": Row(missing(), only({PROGRAM_ADMIN: 404})),
    "determinations:participation_upload_errors_csv": Row(missing(), only({PROGRAM_ADMIN: 404})),
    "determinations:qp_run": Row(none, only({PROGRAM_ADMIN: POST_ONLY}), post=only({PROGRAM_ADMIN: 400})),
    "determinations:qp_run_detail": Row(missing(), only({PROGRAM_ADMIN: 404})),
    "determinations:qp_run_cancel": Row(missing(), only({PROGRAM_ADMIN: POST_ONLY}), post=only({PROGRAM_ADMIN: 404})),
    "determinations:qp_run_results_csv": Row(missing(), only({PROGRAM_ADMIN: 404})),
    "messaging:message_list": Row(none, ADMIN_ONLY),
    "messaging:message_resend": Row(
        lambda world: {"message_id": world.message.pk},
        each(405, anonymous=405),
        post=only({PROGRAM_ADMIN: REDIRECT}),
    ),
    "jobs:job_list": Row(none, ADMIN_ONLY),
    "jobs:job_start": Row(lambda world: {"kind": "recheck_year"}, ADMIN_ONLY, post=ADMIN_ONLY),
    "jobs:job_detail": Row(lambda world: {"job_id": world.job.pk}, ADMIN_ONLY),
    "jobs:job_progress": Row(lambda world: {"job_id": world.job.pk}, ADMIN_ONLY),
    "jobs:job_results": Row(lambda world: {"job_id": world.job.pk}, ADMIN_ONLY),
    "jobs:job_cancel": Row(
        lambda world: {"job_id": world.job.pk}, each(405, anonymous=405), post=only({PROGRAM_ADMIN: REDIRECT})
    ),
    "jobs:job_resume": Row(
        lambda world: {"job_id": world.job.pk}, each(405, anonymous=405), post=only({PROGRAM_ADMIN: REDIRECT})
    ),
    # QP results: each clinician's and APM Entity's own; a number nobody may see is a 404 for all
    "determinations:qp_status_list": Row(none, SIGNED_IN_OK),
    "determinations:qp_clinician": Row(lambda world: {"year": 2027, "npi": "1234567893"}, each(404)),
    # The All-Payer QP Submission: the APM Entity's (CLINICIAN's) own; others get the 404 of a missing one
    # (a POST with no data leaves a form unbound: the page is shown again, as for the request steps)
    "determinations:all_payer_qp_start": Row(none, only({CLINICIAN: 200}), post=only({CLINICIAN: 200})),
    "determinations:all_payer_qp_detail": Row(request_of("all_payer_submitted"), ALL_PAYER_OWN_AND_ADMIN_200),
    "determinations:all_payer_qp_receipt": Row(request_of("all_payer_submitted"), ALL_PAYER_OWN_AND_ADMIN_200),
    "determinations:all_payer_qp_submissions": Row(none, ADMIN_ONLY),
    "determinations:all_payer_qp_section": Row(
        request_of("all_payer_draft", section=lambda world: "submitter"), ALL_PAYER_OWN_200, post=ALL_PAYER_OWN_200
    ),
    "determinations:all_payer_qp_arrangements": Row(
        request_of("all_payer_draft"), ALL_PAYER_OWN_200, post=ALL_PAYER_OWN_SAVED
    ),
    "determinations:all_payer_qp_arrangement_remove": Row(
        request_of("all_payer_draft", arrangement_pk=lambda world: MISSING), each(POST_ONLY), post=ALL_PAYER_OWN_SAVED
    ),
    "determinations:all_payer_qp_figures": Row(
        request_of("all_payer_draft"), ALL_PAYER_OWN_200, post=ALL_PAYER_OWN_200
    ),
    "determinations:all_payer_qp_review": Row(
        request_of("all_payer_draft"), ALL_PAYER_OWN_200, post=each(404, clinician_submitter=400)
    ),
}


def admin_outcomes(name: str) -> dict:
    """The admin site is the program admin's: everyone else is sent to its sign-in page, which itself
    answers anyone (signed-in people who may not use the site see why)."""
    if name == "admin:login":
        return each(200, anonymous=200, program_admin=REDIRECT)
    if name == "admin:logout":
        return each(REDIRECT, anonymous=REDIRECT, program_admin=ANSWERS)
    return each(ADMIN_LOGIN, anonymous=ADMIN_LOGIN, program_admin=ANSWERS)
