"""manage.py load_demo_data as a command: loading twice, only printing, a changed password restored, and
never under production settings. What one load holds is in ``test_demo_data_loaded.py``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import ACCOUNTS
from accounts.models import Membership, Organization, User
from determinations.models import SubmissionWindow
from determinations.services.windows import WindowError, demonstration_windows_open

from .helpers import load_demo_data, printed_password

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "organizations": sorted(Organization.objects.values_list("name", "kind", "payer_type", "tin")),
        "users": sorted(User.objects.values_list("email", "staff_role", "is_staff")),
        "memberships": sorted(Membership.objects.values_list("user__email", "organization__name", "role")),
        "devices": sorted(TOTPDevice.objects.values_list("user__email", "confirmed")),
    }


def test_loading_twice_creates_each_thing_once(db):
    load_demo_data()
    first = snapshot()
    load_demo_data()

    assert snapshot() == first
    assert Organization.objects.count() == 6
    assert User.objects.count() == len(ACCOUNTS) == 9
    assert TOTPDevice.objects.count() == 3


def test_only_print_loads_nothing(db):
    out = StringIO()
    call_command("load_demo_data", "--only-print", stdout=out)

    assert "payer.admin@demo.example" in out.getvalue()
    assert not User.objects.exists()


def test_reloading_restores_a_changed_password(client, db):
    password = printed_password(load_demo_data())
    user = User.objects.get(email="payer.admin@demo.example")
    user.set_password("someone-changed-it")
    user.save()

    load_demo_data()

    assert User.objects.get(pk=user.pk).check_password(password)


def test_production_settings_never_make_demonstration_windows(settings):
    call_command("load_reference_data", verbosity=0)
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(WindowError, match="these settings do not allow"):
        demonstration_windows_open()
    with pytest.raises(CommandError):
        call_command("load_demo_data", stdout=StringIO())
    assert not SubmissionWindow.objects.filter(is_demonstration=True).exists()
