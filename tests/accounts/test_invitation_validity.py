"""How long an invitation link works is the INVITATION_VALID_DAYS setting's to say, on every page."""

import datetime
from zoneinfo import ZoneInfo

from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertContains

from accounts.models import Invitation, StaffRole
from qppportal.dates import date_text

STAFF_INVITE_URL = reverse("accounts:invitation_create_staff")


def test_the_pages_say_how_long_the_link_works_from_the_setting(
    client, settings, signed_in, program_admin, django_capture_on_commit_callbacks
):
    settings.INVITATION_VALID_DAYS = 3
    signed_in(program_admin)
    assertContains(client.get(STAFF_INVITE_URL), "expires after 3 days")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            STAFF_INVITE_URL,
            {"email": "new.reviewer@cms.example", "full_name": "Nia New", "staff_role": StaffRole.REVIEWER},
        )
    invitation = Invitation.objects.get(email="new.reviewer@cms.example")
    assert invitation.expires_at - invitation.created_at < datetime.timedelta(days=3, minutes=1)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.endswith(f"works until {date_text(invitation.expires_at, time=True, with_zone=True)}.")
    assert "week" not in message


def test_one_date_format_for_days_moments_and_tables():
    moment = datetime.datetime(2027, 3, 4, 22, 5, tzinfo=datetime.UTC)
    eastern = ZoneInfo("America/New_York")
    assert date_text(moment, tz=eastern) == "March 4, 2027"
    assert date_text(moment, time=True, tz=eastern) == "March 4, 2027 at 5:05 PM"
    assert date_text(moment, time=True, with_zone=True, tz=eastern) == "March 4, 2027 at 5:05 PM EST"
    assert date_text(moment, short=True, tz=eastern) == "Mar 4, 2027"
    assert date_text(datetime.date(2027, 7, 1)) == "July 1, 2027"
    assert date_text(None) == ""
