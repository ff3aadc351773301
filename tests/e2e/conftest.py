"""Browser tests: Debian's Chromium driven by Playwright against the live test server, with axe."""

import os
from pathlib import Path

import pytest

from tests.support import skip_or_fail

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make here are
# ordinary synchronous calls, so Django's async-safety guard does not apply to them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_OPTIONS = {"resultTypes": ["violations"]}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe on the page as it is now and fail with axe's report on any violation."""

    def check(page):
        page.wait_for_load_state("load")
        page.locator("main h1").first.wait_for()
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
        assert page.locator(".usa-banner").count() == 1, f"{page.url} lacks the USWDS banner"

    return check
