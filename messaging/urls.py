"""URLs of the outbox page (namespace ``messaging``), under /program/messages/."""

from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:message_id>/resend/", views.message_resend, name="message_resend"),
]
