"""URLs of batch jobs (namespace ``jobs``), under /program/jobs/."""

from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/<slug:kind>/", views.job_start, name="job_start"),
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/progress.json", views.job_progress, name="job_progress"),
    path("<int:job_id>/results.csv", views.job_results, name="job_results"),
    path("<int:job_id>/cancel/", views.job_cancel, name="job_cancel"),
    path("<int:job_id>/resume/", views.job_resume, name="job_resume"),
]
