"""QP determinations in Chromium: a program admin uploads the sample and runs the batch (a job of three
stages with a progress bar); a clinician of the APM Entity sees the status page. axe runs on every page."""

from pathlib import Path

import pytest

from .test_pages_accessible import demo, sign_in  # noqa: F401 (demo is a fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "qp_participation_sample.csv"


def test_program_admin_runs_the_batch_and_a_clinician_reads_the_result(page, assert_accessible, demo):  # noqa: F811
    sign_in(page, "admin@demo.example", staff=True)
    page.wait_for_url("**/program/")
    page.get_by_role("link", name="QP determinations").first.click()
    page.wait_for_url("**/program/qp/")
    assert_accessible(page)

    upload = page.locator("form", has=page.get_by_role("button", name="Upload and check"))
    upload.get_by_label("Performance year").select_option("2026")
    upload.get_by_label("Snapshot").select_option("1")
    upload.locator("input[name=file]").set_input_files(str(SAMPLE))
    upload.get_by_role("button", name="Upload and check").click()
    page.wait_for_url("**/program/qp/uploads/*/")
    page.get_by_text("All 8 rows are good and loaded").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="QP determinations").first.click()
    run = page.locator("form", has=page.get_by_role("button", name="Run the QP determinations"))
    run.get_by_label("Performance year").select_option("2026")
    run.get_by_label("Snapshot").select_option("1")
    run.get_by_role("button", name="Run the QP determinations").click()
    page.wait_for_url("**/program/qp/runs/*/")
    page.get_by_text("Finished: 8 clinicians from 8 records").wait_for(timeout=30_000)
    progress = page.locator("#job-progress")
    progress.get_by_text("3 of 3 stages").wait_for()
    assert progress.locator("[data-field=status_label]").inner_text() == "Finished"
    assert page.get_by_role("button", name="Cancel the run").count() == 0
    assert page.locator("#job-progress-bar").get_attribute("value") == "3"
    assert page.get_by_role("row", name="Partial QP 5").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="QP determinations").first.click()
    assert page.get_by_role("row", name="2026 1 2 5 1").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="All-Payer QP submissions received").click()
    page.get_by_role("heading", name="All-Payer QP submissions received").wait_for()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "clinician@demo.example")
    page.get_by_role("link", name="QP status").first.click()
    page.wait_for_url("**/qp/")
    assert_accessible(page)
    page.get_by_role("link", name="1000000061 in 2026").click()
    page.get_by_role("heading", name="Snapshot 1 (January 1 - March 31): QP").wait_for()
    assert page.get_by_text("qualifying APM conversion factor").count() >= 1
    assert_accessible(page)
