"""The public list of Other Payer Advanced APMs, under /advanced-apms/ (namespace ``apms``)."""

from django.urls import path

from .views import public

app_name = "apms"

urlpatterns = [
    path("", public.apm_list, name="list"),
    path("list.csv", public.apm_list_csv, name="list_csv"),
    path("list.json", public.apm_list_json, name="list_json"),
]
