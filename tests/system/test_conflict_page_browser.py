"""The conflict page in a browser: the charts under the strict CSP, the drill-downs from a bar
and from a casualty point, and screenshots at desktop and phone width."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.plugins.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def history(demo):
    call_command("load_demo", "--history", "--no-feeds", verbosity=0)
    return demo


def test_accusation_bar_opens_its_incidents(
    page, live_server, history, make_user, login, csp_violations
):
    make_user("viewer1", "Viewer")
    login(page, "viewer1")
    page.goto(f"{live_server.url}/conflicts/{history.conflict.slug}/?zoom=month")
    expect(page.locator("svg.chart")).to_have_count(page.locator("svg.chart").count())  # rendered
    assert page.locator("svg.diverging").count() == 1
    assert page.locator("svg.steps").count() >= 4
    assert page.locator("svg.columns").count() == 2
    assert page.locator("svg.stacked").count() >= 2
    screenshot(page, "conflict-page")
    assert csp_violations == []

    bar = page.locator("svg.diverging a:has(rect.bar.up)").first
    tip = bar.locator("title").text_content() or ""
    count = int(tip.split(": ")[1].split(" ")[0])
    bar.click()
    expect(page.locator("h1")).to_contain_text("Armenia accused Azerbaijan of starting it")
    expect(page.locator("ol.drill-list li")).to_have_count(count)
    page.locator("ol.drill-list a").first.click()
    expect(page.locator("table.grid")).to_be_visible()


def test_public_casualty_point_opens_its_statement(page, live_server, history, csp_violations):
    page.goto(f"{live_server.url}/p/conflicts/{history.conflict.slug}/")
    expect(page.locator("h1")).to_have_text(history.conflict.name)
    screenshot(page, "conflict-public")
    # A week with several figures opens that week day by day, for that party.
    week = page.locator('svg.steps a[href*="zoom=day"]').first
    week.click()
    expect(page.locator("#f-zoom")).to_have_value("day")
    # A point standing for one figure opens its statement.
    point = page.locator('svg.steps a[href^="/p/incidents/"]').first
    href = point.get_attribute("href") or ""
    point.click()
    statement_id = href.rsplit("#", 1)[1]
    expect(page.locator(f"#{statement_id}")).to_be_visible()
    assert csp_violations == []
