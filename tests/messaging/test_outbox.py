"""The outbox: a message exists exactly when the change that owes it commits, is sent once, is
retried with backoff when mail fails, is marked failed with the error, and can be resent by a
program admin; a broker that cannot be reached never turns a saved change into a 500."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from determinations.services import review
from determinations.states import SubmissionStatus
from determinations.workflow import transition_apply
from messaging.models import Message, MessageStatus
from messaging.services import messages_dispatch
from tests.determinations.submissions.flow import add_other_measure, answer_every_section, start_request, submit, upload
from tests.factories import MembershipFactory
from tests.factories import submissions as support
from tests.qppportal.processes import publishing_to, unused_port
from tests.support import MARCH_2026, sign_in

pytestmark = pytest.mark.django_db


def test_the_receipt_is_queued_for_every_member_in_the_submit_transaction(reference_data, clock, media, payer):
    colleague = MembershipFactory(organization=payer.memberships.get().organization).user
    submission = support.submitted_request(payer)
    rows = Message.objects.filter(kind="submission_receipt", object_id=submission.pk)
    assert sorted(rows.values_list("recipient", flat=True)) == sorted([payer.email, colleague.email])
    assert set(rows.values_list("status", flat=True)) == {MessageStatus.PENDING}

    assert messages_dispatch().sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([payer.email, colleague.email])
    assert submission.tracking_number in mail.outbox[0].subject
    sent = rows.first()
    assert sent.status == MessageStatus.SENT and sent.sent_at and sent.subject.startswith("Received:")
    assert submission.tracking_number in sent.body  # the record of what CMS told the submitter
    assert messages_dispatch().sent == 0


def test_a_change_that_rolls_back_leaves_no_message(reference_data, clock, media, payer):
    draft = support.complete_draft(payer)
    with pytest.raises(RuntimeError), transaction.atomic():
        transition_apply(submission_id=draft.pk, name="submit", actor=payer)
        assert Message.objects.filter(kind="submission_receipt").exists()
        raise RuntimeError("the change fails after the transition")
    assert not Message.objects.exists()
    draft.refresh_from_db()
    assert draft.status == SubmissionStatus.DRAFT


def test_submitting_with_the_broker_down_answers_normally_and_keeps_the_receipt(
    client, reference_data, clock, media, payer, django_capture_on_commit_callbacks, caplog
):
    sign_in(client, payer)
    submission = start_request(client, support.window_for(payer.memberships.get().organization))
    answer_every_section(client, submission)
    assert add_other_measure(client, submission).status_code == 302
    assert upload(client, submission).status_code == 302
    with publishing_to(f"redis://127.0.0.1:{unused_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        response = submit(client, submission)  # the broker is down: nothing listens on that port
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Could not queue messaging.tasks.messages_dispatch" in caplog.text
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    receipt = Message.objects.get(kind="submission_receipt")
    assert receipt.status == MessageStatus.PENDING and mail.outbox == []
    # The periodic sweep (or the next wake-up) sends it once the broker is back.
    assert messages_dispatch().sent == 1
    assert submission.tracking_number in mail.outbox[0].subject


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_failed_then_resent(
    settings, client, reference_data, clock, media, payer, program_admin
):
    support.submitted_request(payer)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", unused_port(), 2
    settings.MESSAGE_MAX_ATTEMPTS, settings.MESSAGE_RETRY_BASE_SECONDS = 3, 60
    now = timezone.now()

    assert messages_dispatch(now=now).retrying == 1
    receipt = Message.objects.get(kind="submission_receipt")
    assert receipt.attempts == 1 and receipt.status == MessageStatus.PENDING
    assert "ConnectionRefusedError" in receipt.last_error
    assert receipt.next_attempt_at == now + datetime.timedelta(seconds=60)
    assert messages_dispatch(now=now).handled == 0  # not due again yet

    assert messages_dispatch(now=now + datetime.timedelta(seconds=60)).retrying == 1
    receipt.refresh_from_db()
    assert receipt.next_attempt_at == now + datetime.timedelta(seconds=60 + 120)
    assert messages_dispatch(now=now + datetime.timedelta(seconds=180)).failed == 1
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.FAILED and receipt.attempts == 3

    sign_in(client, program_admin)
    page = client.get(reverse("messaging:message_list"), {"status": "failed"}).content.decode()
    assert payer.email in page and "ConnectionRefusedError" in page and "Resend" in page
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("messaging:message_resend", args=[receipt.pk]), {"query": "status=failed"})
    assert response.status_code == 302 and response["Location"].endswith("?status=failed")
    receipt.refresh_from_db()
    assert receipt.status == MessageStatus.PENDING and receipt.resent_by == program_admin
    assert messages_dispatch().sent == 1
    assert mail.outbox[0].to == [payer.email]
    again = client.post(reverse("messaging:message_resend", args=[receipt.pk]), follow=True).content.decode()
    assert "will be sent again" in again


def test_a_question_answered_before_it_was_sent_is_not_sent_and_says_why(reference_data, clock, media, payer, reviewer):
    in_review = support.review_started(support.submitted_request(payer), reviewer)
    question = review.information_request_ask(
        submission_id=in_review.pk, actor=reviewer, question="Send the risk table.", due_at=support.due_in(10)
    )
    review.information_request_answer(
        submission_id=in_review.pk, actor=payer, information_request_id=question.pk, response="Attached."
    )
    result = messages_dispatch()
    assert result.sent == 1 and result.not_due == 1  # the receipt went; the question was no longer owed
    question = Message.objects.get(kind="information_request")
    assert question.status == MessageStatus.NOT_DUE
    assert question.last_error == "The question was answered or closed before this was sent."
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Received"]


def test_only_program_admins_see_the_messages_page(client, reviewer, payer_submitter):
    for user in (reviewer, payer_submitter):
        sign_in(client, user)
        assert client.get(reverse("messaging:message_list")).status_code == 403
        assert Message.objects.count() == 0


def test_the_send_messages_command_sends_what_is_pending(reference_data, clock, media, payer):
    support.submitted_request(payer)
    out = io.StringIO()
    call_command("send_messages", stdout=out)
    assert out.getvalue().strip() == "Sent 1, will retry 0, failed 0, no longer owed 0."
    assert len(mail.outbox) == 1


class SlowMail(locmem.EmailBackend):
    """A mail server that takes a minute to accept each message (the test's clock moves on)."""

    traveller = None

    def send_messages(self, messages):
        SlowMail.traveller.shift(datetime.timedelta(minutes=1))
        return super().send_messages(messages)


def test_each_message_records_when_it_was_handed_to_the_mail_server(reference_data, media, payer, settings):
    """``sent_at`` is the record that CMS notified the submitter (42 CFR 414.1445(f)): the moment each
    message went, not the moment its batch was claimed."""
    for _ in range(2):
        MembershipFactory(organization=payer.memberships.get().organization)
    with time_machine.travel(MARCH_2026, tick=False) as traveller:
        support.submitted_request(payer)
        settings.EMAIL_BACKEND = f"{__name__}.SlowMail"
        SlowMail.traveller = traveller
        claimed = timezone.now()
        assert messages_dispatch().sent == 3
    sent = sorted(Message.objects.filter(kind="submission_receipt").values_list("sent_at", flat=True))
    assert sent == [claimed + datetime.timedelta(minutes=n) for n in (1, 2, 3)]
