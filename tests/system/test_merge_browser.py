"""Merging in Chromium: an editor searches the target by its place as they type, sees both
incidents side by side, confirms; axe finds nothing on the merge page or the incident page
(whose grid names the claims a contradiction pairs with)."""

import pytest
from playwright.sync_api import expect

from tests import factories as make
from tests.plugins.browser import assert_accessible, screenshot
from tracker.enums import Aspect
from tracker.models import Incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_a_target_by_place_preview_and_confirm(page, live_server, demo, make_user, login):
    make_user("merger", "Editor")
    conflict = demo.incident.conflict
    armenia = demo.statements["Armenia"].party
    duplicate = make.incident(conflict, "Shelling reported overnight", make.utc(2022, 9, 13, 1))
    make.said(
        duplicate,
        armenia,
        "Positions near Sotk came under fire.",
        make.utc(2022, 9, 13, 2),
        {"aspect": Aspect.LOCATION, "text": "Near Sotk.", "place": "Sotk"},
    )
    target = make.incident(
        conflict, "Clashes on the eastern border", make.utc(2022, 9, 13), place="Sotk"
    )
    make.incident(conflict, "Unrelated exchange", make.utc(2022, 10, 2), place="Goris")

    login(page, "merger")
    page.goto(f"{live_server.url}{duplicate.get_absolute_url()}")
    page.get_by_role("link", name="Merge into another…").click()
    page.get_by_label("Search the target by title, place or date").press_sequentially("sotk")
    result = page.locator(f'.merge-result[data-target="{target.pk}"]')
    expect(result).to_be_visible()
    expect(page.locator(".merge-result")).to_have_count(1)  # typed, not submitted: htmx
    assert_accessible(page)
    screenshot(page, "merge-search")

    result.click()
    page.get_by_role("button", name="Preview the merge").click()
    preview = page.locator("[data-merge-preview]")
    expect(preview).to_contain_text("The target (kept)")
    expect(preview).to_contain_text("Claims · Where")
    expect(preview).to_contain_text("moves 1 statement(s), 1 claim(s)")
    assert_accessible(page)
    screenshot(page, "merge-preview")

    page.get_by_role("button", name="Confirm merge").click()
    page.wait_for_url(f"{live_server.url}{target.get_absolute_url()}")
    expect(page.get_by_text("Positions near Sotk came under fire.").first).to_be_visible()
    assert Incident.objects.get(pk=duplicate.pk).merged_into_id == target.pk


def test_the_grid_tells_what_pairs_with_what(page, live_server, demo, make_user, login):
    make_user("reader", "Viewer")
    login(page, "reader")
    page.goto(f"{live_server.url}{demo.incident.get_absolute_url()}")
    grid = page.locator("table.grid")
    expect(grid.locator(".relation a").first).to_contain_text("’s claim")
    expect(grid.locator(".claim-meta").first).to_be_visible()
    expect(grid.locator(".not-addressed, .no-statement").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "grid")
