"""The invitation e-mail, sent through the outbox (``messaging``).

The raw token lives in the message's payload only until the e-mail is sent (only its digest is
stored on the invitation); the sent row keeps neither the token nor the body.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from messaging.kinds import Email, NotDue, message_kind

from .models import Invitation


@message_kind("invitation", label="Invitation", keep_body=False)
def invitation_compose(message) -> Email:
    invitation = Invitation.objects.select_related("organization", "invited_by").get(pk=message.object_id)
    if invitation.is_accepted:
        raise NotDue("The invitation was accepted before it was sent.")
    if invitation.is_expired():
        raise NotDue("The invitation expired before it could be sent.")
    context = {
        "invitation": invitation,
        "accept_url": settings.SITE_URL + reverse("accounts:invitation_accept", args=[message.payload["token"]]),
    }
    return Email(subject="You are invited to QPP Portal", body=render_to_string("emails/invitation.txt", context))
