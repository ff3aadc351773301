"""Celery tasks of accounts: thin wrappers that call services and send mail."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from . import services
from .models import Invitation


@shared_task(autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def invitation_send_email(invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("organization", "invited_by").get(pk=invitation_id)
    if invitation.is_accepted:
        return
    context = {
        "invitation": invitation,
        "accept_url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[token]),
    }
    send_mail(
        subject="You are invited to QPP Portal",
        message=render_to_string("emails/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@shared_task
def invitations_purge_expired() -> int:
    return services.invitations_purge_expired()
