"""Browser helpers for the Playwright tests: log in through the form, screenshots, CSP watch,
axe."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from tests.conftest import password_of

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE = Axe()


@pytest.fixture
def login(live_server):
    def log_in(page, username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password_of(username))
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/incidents/")

    return log_in


def screenshot(page, name: str) -> Path:
    """Desktop and phone captures of the current page, kept in docs/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    return SCREENSHOTS


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Console messages of Content-Security-Policy violations on this page (there must be none:
    the templates carry no inline script or style)."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def axe_violations(page: Page, context: str | None = None) -> str:
    """axe-core's report of the accessibility violations on the page (or within the CSS
    selector CONTEXT), or "" when there are none."""
    results = AXE.run(page, context=context)
    return results.generate_report() if results.violations_count else ""


def assert_accessible(page: Page, context: str | None = None) -> None:
    """axe-core finds no violation on the page (or within CONTEXT)."""
    report = axe_violations(page, context)
    assert not report, report
