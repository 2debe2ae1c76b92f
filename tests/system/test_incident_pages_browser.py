import pytest
from playwright.sync_api import expect

from tests.plugins.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_incident_list_then_grid_side_by_side(page, live_server, demo, make_user, login):
    make_user("viewer1", "Viewer")
    login(page, "viewer1")

    row = page.locator(f'tr[data-incident="{demo.incident.pk}"]')
    expect(row).to_contain_text("Armenia and Azerbaijan accuse each other of opening fire")
    expect(row).to_contain_text("Published")
    screenshot(page, "incident-list")

    row.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(demo.incident.title)
    sides = page.locator("table.grid thead th[data-side]")
    expect(sides).to_have_count(2)
    assert [sides.nth(i).get_attribute("data-side") for i in range(2)] == ["Armenia", "Azerbaijan"]
    aspects = page.locator("table.grid tbody tr[data-aspect]")
    assert [aspects.nth(i).get_attribute("data-aspect") for i in range(aspects.count())] == [
        "initiator",
        "timing",
        "location",
        "casualties",
        "means",
        "retaliation",
    ]

    initiator = page.locator('tr[data-aspect="initiator"]')
    expect(initiator.locator('td[data-side="Armenia"]')).to_contain_text("blames Azerbaijan")
    expect(initiator.locator('td[data-side="Azerbaijan"]')).to_contain_text("blames Armenia")
    expect(initiator.locator(".claim.contradicted")).to_have_count(2)
    expect(page.locator(".claim.contradicted")).to_have_count(4)
    # Both sides spoke, each left an aspect out: "not addressed", not "no statement".
    expect(page.locator('tr[data-aspect="casualties"] td[data-side="Azerbaijan"]')).to_contain_text(
        "not addressed"
    )
    expect(page.locator('tr[data-aspect="means"] td[data-side="Armenia"]')).to_contain_text(
        "not addressed"
    )
    citation = page.locator('tr[data-aspect="casualties"] td[data-side="Armenia"] .citations li')
    expect(citation).to_contain_text("“The ministry said one Armenian soldier was wounded.”")
    expect(citation).to_contain_text("Radio Free Europe/Radio Liberty")
    expect(page.locator(".facts")).to_contain_text("Asia/Yerevan")
    expect(page.locator(".facts")).to_contain_text("23 Sep 2022, 00:00")  # local midnight (UTC+4)
    screenshot(page, "incident-grid")


def test_anonymous_visitor_is_sent_to_login(page, live_server, demo):
    page.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    expect(page).to_have_url(
        f"{live_server.url}/accounts/login/?next=/incidents/{demo.incident.pk}/"
    )
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    screenshot(page, "login")
