"""URLs of determination requests (namespace ``determinations``)."""

from django.urls import include, path

from .views import (
    all_payer_qp,
    confirmations,
    information_requests,
    linked_requests,
    program,
    qp_program,
    qp_results,
    requests,
    review_detail,
)

app_name = "determinations"

urlpatterns = [
    path("requests/new/", requests.request_start, name="request_start"),
    # Program admins: submission windows (the rest of /program/ is accounts.views.homes)
    path("program/windows/new/", program.window_add, name="window_add"),
    path("program/windows/<int:pk>/", program.window_change, name="window_change"),
    path("requests/<int:pk>/", requests.submission_detail, name="submission_detail"),
    path("requests/<int:pk>/steps/documents/", requests.submission_documents, name="submission_documents"),
    path(
        "requests/<int:pk>/steps/participants/",
        requests.submission_participants_step,
        name="submission_participants",
    ),
    path("requests/<int:pk>/citations/add/", requests.citation_add, name="citation_add"),
    path("requests/<int:pk>/citations/<int:citation_pk>/remove/", requests.citation_remove, name="citation_remove"),
    path("requests/<int:pk>/steps/review/", requests.submission_review, name="submission_review"),
    path("requests/<int:pk>/steps/<slug:section>/", requests.submission_section, name="submission_section"),
    path("requests/<int:pk>/measures/add/", requests.measure_add, name="measure_add"),
    path("requests/<int:pk>/measures/<int:measure_pk>/remove/", requests.measure_remove, name="measure_remove"),
    path("requests/<int:pk>/documents/<int:document_pk>/", requests.document_download, name="document_download"),
    path("requests/<int:pk>/documents/<int:document_pk>/remove/", requests.document_remove, name="document_remove"),
    path("requests/<int:pk>/receipt/", requests.submission_receipt, name="submission_receipt"),
    path("requests/<int:pk>/withdraw/", requests.submission_withdraw, name="submission_withdraw"),
    path("requests/<int:pk>/copy/", requests.submission_copy, name="submission_copy"),
    # Answering CMS's questions and the determination letter (submitters; staff may open letters too)
    path(
        "requests/<int:pk>/answer/", information_requests.information_request_answer, name="information_request_answer"
    ),
    path(
        "requests/<int:pk>/determinations/<int:determination_pk>/letter.pdf",
        information_requests.determination_letter,
        name="determination_letter",
    ),
    # CMS staff's page for one request: findings, questions, notes, recommendation and decision
    path("review/requests/<int:pk>/", review_detail.review_detail, name="review_detail"),
    path("review/requests/<int:pk>/findings/", review_detail.findings_save, name="review_findings_save"),
    path("review/requests/<int:pk>/notes/", review_detail.note_add, name="review_note_add"),
    path(
        "review/requests/<int:pk>/questions/new/",
        review_detail.information_request_create,
        name="information_request_create",
    ),
    path(
        "review/requests/<int:pk>/questions/extend/",
        review_detail.information_request_extend,
        name="information_request_extend",
    ),
    path(
        "review/requests/<int:pk>/questions/close/",
        review_detail.information_request_close,
        name="information_request_close",
    ),
    path("review/requests/<int:pk>/recommend/", review_detail.recommend, name="review_recommend"),
    path("review/requests/<int:pk>/decide/", review_detail.decide, name="review_decide"),
    path("review/requests/<int:pk>/reopen/", review_detail.reopen, name="review_reopen"),
    # Clinicians' requests linked to a payer's request, and yearly confirmations of multi-year determinations
    path("review/requests/<int:pk>/link/", linked_requests.requests_link, name="requests_link"),
    path(
        "review/requests/<int:pk>/linked/<int:linked_pk>/unlink/",
        linked_requests.request_unlink,
        name="request_unlink",
    ),
    path(
        "review/requests/<int:pk>/confirmations/<int:confirmation_pk>/acknowledge/",
        confirmations.confirmation_acknowledge,
        name="confirmation_acknowledge",
    ),
    path(
        "requests/<int:pk>/confirmations/<int:year>/",
        confirmations.confirmation_changes,
        name="confirmation_changes",
    ),
    path(
        "requests/<int:pk>/confirmations/<int:year>/certify/",
        confirmations.confirmation_certify,
        name="confirmation_certify",
    ),
    # QP determinations: the program admin's uploads and runs, and the results clinicians see
    path("program/qp/", qp_program.qp_program, name="qp_program"),
    path("program/qp/uploads/", qp_program.participation_upload, name="participation_upload"),
    path("program/qp/uploads/<int:pk>/", qp_program.participation_upload_detail, name="participation_upload_detail"),
    path(
        "program/qp/uploads/<int:pk>/bad-rows.csv",
        qp_program.participation_upload_errors_csv,
        name="participation_upload_errors_csv",
    ),
    path("program/qp/all-payer/", qp_program.all_payer_qp_submissions, name="all_payer_qp_submissions"),
    path("program/qp/runs/", qp_program.qp_run, name="qp_run"),
    path("program/qp/runs/<int:pk>/", qp_program.qp_run_detail, name="qp_run_detail"),
    path("program/qp/runs/<int:pk>/cancel/", qp_program.qp_run_cancel, name="qp_run_cancel"),
    path("program/qp/runs/<int:pk>/results.csv", qp_program.qp_run_results_csv, name="qp_run_results_csv"),
    path("qp/", qp_results.qp_status_list, name="qp_status_list"),
    path("all-payer-qp/new/", all_payer_qp.all_payer_qp_start, name="all_payer_qp_start"),
    path("all-payer-qp/<int:pk>/", all_payer_qp.all_payer_qp_detail, name="all_payer_qp_detail"),
    path(
        "all-payer-qp/<int:pk>/steps/arrangements/",
        all_payer_qp.all_payer_qp_arrangements,
        name="all_payer_qp_arrangements",
    ),
    path(
        "all-payer-qp/<int:pk>/arrangements/<int:arrangement_pk>/remove/",
        all_payer_qp.all_payer_qp_arrangement_remove,
        name="all_payer_qp_arrangement_remove",
    ),
    path("all-payer-qp/<int:pk>/steps/figures/", all_payer_qp.all_payer_qp_figures, name="all_payer_qp_figures"),
    path("all-payer-qp/<int:pk>/steps/review/", all_payer_qp.all_payer_qp_review, name="all_payer_qp_review"),
    path("all-payer-qp/<int:pk>/steps/<slug:section>/", all_payer_qp.all_payer_qp_section, name="all_payer_qp_section"),
    path("all-payer-qp/<int:pk>/receipt/", all_payer_qp.all_payer_qp_receipt, name="all_payer_qp_receipt"),
    path("qp/<int:year>/<str:npi>/", qp_results.qp_clinician, name="qp_clinician"),
    # The review queue: determinations/urls_review.py
    path("review/", include("determinations.urls_review")),
]
