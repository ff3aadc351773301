"""URLs of the review queue under ``/review/`` (namespace ``determinations``, included by ``urls.py``).

The queue itself is the reviewers' home, ``accounts:reviewer_home`` at ``/review/``, and the lead's
workload page is ``accounts:review_lead_home`` at ``/review/lead/``.
"""

from django.urls import path

from .views import review_queue

urlpatterns = [
    path("queue.csv", review_queue.review_queue_export, name="review_queue_export"),
    path("assign/", review_queue.review_assign, name="review_assign"),
    path("requests/<int:pk>/claim/", review_queue.review_claim, name="review_claim"),
    path("views/", review_queue.review_view_save, name="review_view_save"),
    path("views/<int:pk>/rename/", review_queue.review_view_rename, name="review_view_rename"),
    path("views/<int:pk>/delete/", review_queue.review_view_delete, name="review_view_delete"),
    path("requests/<int:pk>/conflict/", review_queue.review_conflict_declare, name="conflict_declare"),
]
