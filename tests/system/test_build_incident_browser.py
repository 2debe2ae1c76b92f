"""Building an incident in the browser (Debian's chromium), without the admin and without typing
an address: an editor creates an incident from the list (place picked on the map), adds a
statement from an empty grid cell for each side (inline, the page is not reloaded), and adds a
source by address (fetched from a real server on 127.0.0.1) and one by pasted text. Clicks and
page loads are counted and printed for docs/ui.md; screenshots of the new forms."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.plugins.browser import assert_accessible, screenshot
from tests.system.test_conflict_setup_browser import Counted
from tracker.models import Incident, IncidentSource, Source, Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTICLE = "data/articles/newspaper4k/cnn_article.html"


def _add_statement(page: Page, user: Counted, side: str, party: str, text: str) -> None:
    do = user.do
    cell = page.locator(f'tr[data-aspect="initiator"] td[data-side="{side}"]')
    do(lambda: cell.get_by_role("link", name="Add statement").click())
    form = page.get_by_role("form", name=f"Add a statement of {side}")
    expect(form).to_be_visible()
    # A side of one party: it is chosen already.
    expect(form.get_by_label("Party", exact=True).locator("option:checked")).to_have_text(
        f"\u2068{party}\u2069"
    )
    do(lambda: form.get_by_label("Issued at (local time)", exact=True).fill("2022-09-13T10:40"))
    do(lambda: form.get_by_label("Verbatim text", exact=True).fill(text))
    do(lambda: form.get_by_role("button", name="Add statement").click())
    expect(form).to_have_count(0)
    expect(page.locator("#statements-block")).to_contain_text(text)


def test_editor_builds_an_incident_by_clicking(
    page, live_server, roles, make_user, login, csp_violations, server
):
    conflict = factories.conflict("armenia-azerbaijan", ("Armenia", "Azerbaijan"))
    for side, country in zip(conflict.sides, ("AM", "AZ"), strict=True):
        side.country_code = country
        side.save()
    make_user("editor1", "Editor")
    login(page, "editor1")
    page.wait_for_load_state()
    user = Counted(page)
    do = user.do

    do(lambda: page.get_by_role("link", name="New incident").click())
    expect(page.get_by_role("heading", name="New incident", level=1)).to_be_visible()
    assert_accessible(page)
    do(lambda: page.get_by_label("Title", exact=True).fill("Shelling of Jermuk"))
    do(lambda: page.get_by_label("Type", exact=True).select_option("shelling"))
    do(lambda: page.get_by_label("From (local time)", exact=True).fill("2022-09-13T00:05"))
    do(lambda: page.get_by_label("Time zone", exact=True).fill("Asia/Yerevan"))
    do(lambda: page.get_by_label("Place", exact=True).fill("Jermuk"))
    do(lambda: page.locator("svg[data-place-picker]").click())  # the middle of the two countries
    latitude = page.get_by_label("Latitude", exact=True).input_value()
    assert latitude
    assert len(latitude.split(".")[1]) == 4
    screenshot(page, "build-incident-new")
    do(lambda: page.get_by_role("button", name="Create incident").click())
    expect(page.get_by_role("heading", name="Shelling of Jermuk", level=1)).to_be_visible()
    incident = Incident.objects.get(title="Shelling of Jermuk")
    assert incident.local_timezone == "Asia/Yerevan"
    assert incident.time_precision == "exact"  # read from a time to the minute
    assert 38 < incident.latitude < 42
    assert 44 < incident.longitude < 48
    assert incident.conflict == conflict.conflict

    loads_before = user.loads
    _add_statement(
        page, user, "Armenia", "Ministry of Defence of Armenia", "Azerbaijan shelled Jermuk."
    )
    page.locator('tr[data-aspect="initiator"] td[data-side="Azerbaijan"]').get_by_role(
        "link", name="Add statement"
    ).click()
    user.actions += 1
    expect(page.get_by_role("form", name="Add a statement of Azerbaijan")).to_be_visible()
    screenshot(page, "build-statement")
    page.get_by_role("link", name="Cancel").click()  # a link back to the page, like Escape
    user.actions += 1
    page.wait_for_load_state()
    _add_statement(
        page,
        user,
        "Azerbaijan",
        "Ministry of Defence of Azerbaijan",
        "Armenian forces opened fire first.",
    )
    assert Statement.objects.filter(incident=incident).count() == 2
    statement_loads = user.loads - loads_before
    assert_accessible(page)  # the grid with its "Add statement" links

    do(lambda: page.get_by_role("link", name="Add a source").click())
    assert_accessible(page)
    screenshot(page, "build-source")
    do(lambda: page.get_by_label("Address (URL)", exact=True).fill(server.url(ARTICLE)))
    do(lambda: page.get_by_role("button", name="Add source").click())
    expect(page.get_by_role("link", name="Archived copy of the page")).to_be_visible()
    fetched = Source.objects.get()
    do(lambda: page.get_by_role("link", name="Shelling of Jermuk").click())
    do(lambda: page.get_by_role("link", name="Add a source").click())
    do(
        lambda: page.get_by_label("Address (URL)", exact=True).fill(
            "https://armenpress.am/eng/news/1092786"
        )
    )
    # The text pasted is the source; its first line, the title.
    do(
        lambda: page.get_by_label("Text", exact=True).fill(
            "Jermuk shelled overnight\nThe town of Jermuk was shelled."
        )
    )
    do(lambda: page.get_by_role("button", name="Add source").click())
    expect(page.get_by_role("heading", name="Jermuk shelled overnight")).to_be_visible()
    do(lambda: page.get_by_role("link", name="Shelling of Jermuk").click())
    sources = page.locator("#sources-title + p + ul")
    expect(sources).to_contain_text("Jermuk shelled overnight")
    assert IncidentSource.objects.filter(incident=incident).count() == 2
    assert fetched.snapshot_sha256
    assert csp_violations == []
    print(
        f"\nbuild an incident: {user.actions} actions, {user.loads} page loads "
        f"(two statements: {statement_loads} load, the Cancel link between them)"
    )
