"""Audit records: who changed a reference, configuration or staff row, when, and from what to what;
readable by program admins and auditors, secrets kept out, and the table append-only."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.forms import MultiWidget
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffRole
from determinations.models import PerformanceYear
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _post_data_from_change_page(response) -> dict:
    """The values an admin change page shows, as the browser would post them back unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        forms.append(formset.management_form)
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            widget = bound.field.widget
            if isinstance(widget, MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for suffix, subwidget, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                    data[bound.html_name + suffix] = subwidget.format_value(part)
                continue
            data[bound.html_name] = value
    return data


def _records_of(obj):
    # In the order written: a test's clock may stand before the reference data's own records.
    return LogEntry.objects.get_for_object(obj).order_by("pk")


def test_a_threshold_changed_in_the_admin_records_who_when_from_and_to(client, signed_in, program_admin, clock):
    year = PerformanceYear.objects.get(year=2026)
    before = year.nominal_expenditure_percent
    signed_in(program_admin)
    url = reverse("admin:determinations_performanceyear_change", args=[year.pk])
    data = _post_data_from_change_page(client.get(url))
    data["nominal_expenditure_percent"] = "7.5"

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    record = _records_of(year).last()
    assert record.action == LogEntry.Action.UPDATE
    assert record.actor == program_admin
    assert record.timestamp is not None
    assert record.changes["nominal_expenditure_percent"] == [str(before), "7.5"]

    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[record.pk])).content.decode()
    assert str(program_admin) in detail and "7.5" in detail


def test_a_staff_role_change_is_recorded_and_an_auditor_can_read_it(client, signed_in, program_admin, reviewer):
    signed_in(program_admin)
    url = reverse("admin:accounts_user_change", args=[reviewer.pk])
    data = _post_data_from_change_page(client.get(url))
    data["staff_role"] = StaffRole.REVIEW_LEAD
    assert client.post(url, data).status_code == 302

    record = _records_of(reviewer).last()
    assert record.actor == program_admin
    assert record.changes["staff_role"] == [StaffRole.REVIEWER, StaffRole.REVIEW_LEAD]

    auditor = UserFactory(is_staff=True)
    auditor.user_permissions.add(Permission.objects.get(codename="view_logentry", content_type__app_label="auditlog"))
    client.logout()
    signed_in(auditor)
    listing = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": reviewer.email})
    assert listing.status_code == 200
    assert reviewer.email in listing.content.decode() or str(reviewer) in listing.content.decode()
    assert client.get(reverse("admin:auditlog_logentry_delete", args=[record.pk])).status_code == 403


def test_people_without_the_permission_cannot_read_audit_records(client, signed_in, reviewer):
    signed_in(reviewer)
    response = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert response.status_code in (302, 403)


def test_an_authenticators_secret_is_not_in_its_audit_record(reviewer):
    device = TOTPDevice.objects.create(user=reviewer, name="Phone", confirmed=False)
    device.confirmed = True
    device.save()
    for record in _records_of(device):
        assert device.key not in str(record.changes)
        assert "key" not in (record.changes or {})
    assert _records_of(device).count() == 2


def test_a_password_change_is_recorded_without_the_hash(reviewer):
    reviewer.set_password("another-long-password")
    reviewer.full_name = "Riley Renamed"
    reviewer.save()
    record = _records_of(reviewer).last()
    assert "password" not in record.changes
    assert record.changes["full_name"][1] == "Riley Renamed"


def test_audit_records_cannot_be_changed_or_deleted(reviewer):
    reviewer.full_name = "Someone Else"
    reviewer.save()
    record = _records_of(reviewer).last()
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.filter(pk=record.pk).update(changes_text="nothing happened")
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.filter(pk=record.pk).delete()
    assert LogEntry.objects.filter(pk=record.pk).exists()
