"""The incident list in the browser (Debian's chromium), at more incidents than fit a page: the
keyboard reaches the first incident in a few Tab presses (the map is out of the tab order and a
skip link leads to the results), axe finds nothing, the map draws clusters and zooms into one
with what the server sends, and a timeline bar filters the list to its month."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.plugins.browser import assert_accessible, screenshot
from tracker.enums import IncidentType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MOST_TABS = 15


@pytest.fixture
def desk(roles):  # type: ignore[no-untyped-def]
    """60 incidents round two towns over five months (one of them empty), more than a page."""
    sides = factories.conflict()
    for index in range(60):
        near_sotk = index % 3 == 0
        factories.incident(
            sides.conflict,
            title=f"{'Shelling of Sotk' if near_sotk else 'Clash near Jermuk'} #{index}",
            kind=IncidentType.SHELLING if near_sotk else IncidentType.ARMED_CLASH,
            # May, June, July and September 2022: August stays empty.
            when=factories.utc(2022, (5, 6, 7, 9)[index % 4], 1 + index % 28, 6),
            latitude=40.2 + (index % 7) / 200 if near_sotk else 39.8 + (index % 5) / 200,
            longitude=45.9 + (index % 7) / 200 if near_sotk else 45.6 + (index % 5) / 200,
        )
    return sides


def _focused(page: Page) -> dict:
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          return {text: (el.textContent || "").trim(), inResults: !!el.closest("#results a"),
                  skip: el.matches('a[href="#results"]')};
        }"""
    )


def test_keyboard_reaches_the_first_incident_in_a_few_tabs(
    page, live_server, desk, make_user, login
):  # type: ignore[no-untyped-def]
    make_user("editor1", "Editor")  # the editor's header has the most links
    login(page, "editor1")
    first = page.locator("#results tbody a").first
    first_title = first.text_content()
    tabs = 0
    while tabs < 100:
        page.keyboard.press("Tab")
        tabs += 1
        focused = _focused(page)
        if focused["skip"]:
            page.keyboard.press("Enter")
        if focused["inResults"]:
            break
    assert focused["text"] == first_title
    assert tabs <= MOST_TABS, tabs
    # Whatever the map holds, none of it is a tab stop.
    assert (
        page.locator("figure.map svg [tabindex='0'], figure.map svg a:not([tabindex='-1'])").count()
        == 0
    )


def test_axe_clusters_zoom_and_a_timeline_bar_filters(
    page, live_server, desk, make_user, login, csp_violations
):  # type: ignore[no-untyped-def]
    make_user("journalist1", "Journalist")  # the 60 drafts are the newsroom's to see
    login(page, "journalist1")
    expect(page.locator(".result-count")).to_contain_text("60 incidents match")
    clusters = page.locator("figure.map g.cluster")
    expect(clusters.first).to_be_visible()
    counts = [
        int(clusters.nth(i).get_attribute("data-count") or 0) for i in range(clusters.count())
    ]
    singles = page.locator("figure.map circle.marker").count()
    assert sum(counts) + singles == 60
    assert_accessible(page)
    screenshot(page, "incident-list-scale")

    # A click on the biggest cluster zooms into it with the clusters the server sends for it.
    biggest = max(range(len(counts)), key=counts.__getitem__)
    zoom = int(page.locator("figure.map").get_attribute("data-zoom") or 0)
    with page.expect_response(lambda r: "/incidents/clusters/" in r.url) as answer:
        clusters.nth(biggest).click()
    assert answer.value.ok
    assert f"zoom={zoom + 2}" in answer.value.url
    expect(page.locator("figure.map")).to_have_attribute("data-shown-zoom", str(zoom + 2))
    expect(page.get_by_role("button", name="Zoom out")).to_be_visible()
    # Circles keep their size on screen when the view zooms: the script scales them down.
    drawn = page.locator("figure.map g.cluster circle, figure.map circle.marker")
    for index in range(drawn.count()):
        assert (drawn.nth(index).bounding_box() or {"width": 0})["width"] < 60
    screenshot(page, "incident-list-zoomed")
    page.get_by_role("button", name="Zoom out").click()
    expect(page.locator("figure.map")).to_have_attribute("data-shown-zoom", str(zoom))

    # The empty August is a bar too; June's bar filters the list to June.
    expect(page.locator('.bars li[data-month="Aug 2022"] .count')).to_have_text("0")
    page.locator('.bars li[data-month="Jun 2022"] a').click()
    expect(page).to_have_url(
        f"{live_server.url}/incidents/?occurred_from=2022-06-01&occurred_to=2022-06-30"
    )
    expect(page.locator(".result-count")).to_contain_text("15 incidents match")
    expect(page.locator("#results tbody tr")).to_have_count(15)
    expect(page.get_by_label("From")).to_have_value("2022-06-01")
    assert_accessible(page)
    assert csp_violations == []
