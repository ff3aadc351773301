#!/usr/bin/env python3
"""Refresh the README's screenshots (docs/screenshots/) from a running portal with the demo data.

    make run                                   # in one terminal (PORT=8123 make run for another port)
    .venv/bin/python scripts/screenshots.py    # in another; --base-url if not SITE_URL

It signs in as the demo Medicaid payer admin to show a step of the request form, and as the demo
reviewer (with the demo authenticator's current code) to show the review queue. It reads the same
database as the server (same DATABASE_URL), and drives Debian's Chromium through Playwright.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def sign_in(page, email, password, totp_code=None):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if totp_code is not None:
        page.wait_for_url("**/accounts/mfa/verify/**")
        page.get_by_label("6-digit code").fill(totp_code())
        page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state("load")


def main(argv=None) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qppportal.settings.base")
    # Playwright's sync API runs an event loop in this thread; the ORM reads here are plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    # Imported after django.setup(): the settings and the project's models need the settings module chosen above.
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from accounts.demo import DEMO_PASSWORD, demo_totp_code
    from determinations.models import Submission

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default=settings.SITE_URL)
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    args = parser.parse_args(argv)

    draft = Submission.objects.filter(arrangement_name="Medicaid Behavioral Health Home", status="draft").first()
    if draft is None:
        raise SystemExit("No demo draft found: run manage.py load_demo_data against this database first.")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        reviewer_code = lambda: demo_totp_code("reviewer@demo.example")  # noqa: E731 (read when the page asks)
        shots = [
            (
                "request-form.png",
                "payer.admin@demo.example",
                None,
                f"/requests/{draft.pk}/steps/financial_risk/",
                "main h1",
            ),
            ("review-queue.png", "reviewer@demo.example", reviewer_code, "/review/?status=all", "main table"),
        ]
        for name, email, totp_code, path, top in shots:
            context = browser.new_context(base_url=args.base_url, viewport={"width": 1280, "height": 900})
            page = context.new_page()
            sign_in(page, email, DEMO_PASSWORD, totp_code)
            page.goto(path)
            page.locator("main h1").first.wait_for()
            # Start the picture at what it is about (the queue's rows, not its filters).
            page.locator(top).first.evaluate("element => element.scrollIntoView()")
            page.screenshot(path=str(OUTPUT / name))
            print(OUTPUT / name)
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
