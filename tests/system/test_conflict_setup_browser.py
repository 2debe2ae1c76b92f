"""Conflict set-up in the browser (Debian's chromium): an editor sets up a conflict with two
sides, a third party, four parties and aliases in two scripts by clicking from the header,
tests the aliases in the test box; axe finds nothing on any new page; the 403 and 404 pages;
a 2,000-letter word does not widen a phone's page; a right-to-left override stays isolated."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Page, expect

from tests.plugins.browser import PHONE, assert_accessible, screenshot
from tracker.models import Claim, Incident, Party, PartyAlias, Side, Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RLO = "\u202e"

# Text nodes with a right-to-left override and no isolating ancestor (<bdi> or dir=).
UNISOLATED = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const loose = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.includes("\\u202e")) continue;
    if (node.parentElement.closest("bdi, [dir]")) continue;
    // Where no markup can go (an <option>), the name sits between FSI and PDI.
    const at = node.data.indexOf("\u202e");
    const opened = node.data.lastIndexOf("\u2068", at);
    const closedBefore = node.data.lastIndexOf("\u2069", at);
    if (opened > closedBefore && node.data.indexOf("\u2069", at) > at) continue;
    loose.push(node.data);
  }
  return loose;
}"""


def _option(name: str) -> str:
    """An option's label as the page writes it: the name isolated between FSI and PDI."""
    return f"\u2068{name}\u2069"


class Counted:
    """Counts what a person does (clicks, fields filled, options chosen) and the pages loaded,
    for docs/ui.md."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.actions = 0
        self.loads = 0
        page.on("load", lambda _page: self._loaded())

    def _loaded(self) -> None:
        self.loads += 1

    def do(self, act: Callable[[], object]) -> None:
        act()
        self.actions += 1


def create_conflict(user: Counted, name: str) -> None:
    """From the conflict list: the new conflict NAME with its sides Armenia (AM) and Azerbaijan
    (AZ) in the same form, the address name made from the name."""
    page, do = user.page, user.do
    new = page.get_by_role("form", name="New conflict")
    # The name first of the form's "Name" fields (each side row has its own).
    do(lambda: new.get_by_label("Name", exact=True).first.fill(name))
    for row, side, country in (
        ("First side", "Armenia", "AM"),
        ("Second side", "Azerbaijan", "AZ"),
    ):
        group = new.get_by_role("group", name=row)
        do(lambda group=group, side=side: group.get_by_label("Name", exact=True).fill(side))
        do(lambda group=group, country=country: group.get_by_label("Country").fill(country))
    do(lambda: new.get_by_role("button", name="Create conflict").click())
    expect(page.locator("h1")).to_have_text(name)


def test_editor_sets_up_a_conflict_by_clicking(
    page, live_server, roles, make_user, login, csp_violations
):
    make_user("editor1", "Editor")
    login(page, "editor1")
    page.wait_for_load_state()
    user = Counted(page)
    do = user.do

    do(lambda: page.get_by_role("link", name="Conflict set-up").click())
    expect(page.get_by_role("heading", name="Conflict set-up", level=1)).to_be_visible()
    assert_accessible(page)
    create_conflict(user, "Armenia–Azerbaijan border clashes")
    expect(page.locator('article[data-side="Azerbaijan"]')).to_be_visible()

    add_side = page.locator("#add-side")
    name = "OSCE Minsk Group"
    do(lambda: add_side.get_by_label("Name", exact=True).fill(name))
    do(
        lambda: add_side.get_by_label("Role").select_option(
            label="Third party (mediator, observer)"
        )
    )
    do(lambda: add_side.get_by_role("button", name="Add side").click())
    expect(page.locator(f'article[data-side="{name}"]')).to_be_visible()
    assert Side.objects.get(name="OSCE Minsk Group").role == "third_party"

    # Each side's card adds its parties: the side is the card's, the kind the usual one for
    # its role, the country the side's.
    for name, kind, side in (
        ("Armenian Ministry of Defence", None, "Armenia"),
        ("Government of Armenia", "Government", "Armenia"),
        ("Azerbaijani Ministry of Defence", None, "Azerbaijan"),
        ("OSCE", None, "OSCE Minsk Group"),
    ):
        card = page.get_by_role("form", name=f"Add a party of {side}")
        do(lambda card=card, name=name: card.get_by_label("Name", exact=True).fill(name))
        if kind:
            do(lambda card=card, kind=kind: card.get_by_label("Kind").select_option(label=kind))
        do(lambda card=card: card.get_by_role("button", name="Add party").click())
        expect(page.locator(f'li[data-party="{name}"]')).to_be_visible()
    assert Party.objects.get(name="Azerbaijani Ministry of Defence").country_code == "AZ"
    assert Party.objects.get(name="OSCE").sides.get().role == "third_party"
    print(f"\nthree sides, four parties: {user.actions} actions, {user.loads} page loads")
    assert_accessible(page)
    screenshot(page, "conflict-setup-sides")

    # An error in words, and nothing written.
    add_side.get_by_label("Name", exact=True).fill("Armenia")
    add_side.get_by_label("Country").fill("ARM")
    add_side.get_by_role("button", name="Add side").click()
    expect(add_side.locator(".error").first).to_contain_text("Two letters from ISO 3166-1")
    assert_accessible(page)
    screenshot(page, "conflict-setup-errors")
    assert Side.objects.count() == 3

    # The first alias from its party's row: the party is chosen already.
    row = page.locator('li[data-party="Armenian Ministry of Defence"]')
    do(lambda: row.get_by_role("link", name="Add alias").click())
    add_alias = page.locator("#add-alias")
    expect(add_alias.get_by_label("Alias")).to_be_focused()
    do(lambda: add_alias.get_by_label("Alias").fill("Минобороны Армении"))
    do(lambda: add_alias.get_by_label("Language").fill("ru"))
    do(lambda: add_alias.get_by_role("button", name="Add alias").click())
    expect(page.locator('li[data-alias="Минобороны Армении"]')).to_be_visible()
    for party, text, language, metonym in (
        ("Armenian Ministry of Defence", "ՀՀ պաշտպանության նախարարություն", "hy", False),
        ("Azerbaijani Ministry of Defence", "Baku", "en", True),
    ):
        do(
            lambda party=party: add_alias.get_by_label("Party", exact=True).select_option(
                label=f"\u2068{party}\u2069"
            )
        )
        do(lambda text=text: add_alias.get_by_label("Alias").fill(text))
        do(lambda language=language: add_alias.get_by_label("Language").fill(language))
        if metonym:
            do(lambda: add_alias.get_by_label("A place standing for the party").check())
        do(lambda: add_alias.get_by_role("button", name="Add alias").click())
        expect(page.locator(f'li[data-alias="{text}"]')).to_be_visible()
    assert PartyAlias.objects.filter(is_metonym=True).get().text == "Baku"
    setup_actions, setup_loads = user.actions, user.loads

    test_box = page.locator("#test")
    test_box.get_by_label("Text to test").fill(
        "Минобороны Армении сообщило об обстреле; Baku said the OSCE was informed."
    )
    test_box.get_by_role("button", name="Test").click()
    marks = page.locator(".alias-test-text mark")
    expect(marks).to_have_count(3)
    assert [marks.nth(i).get_attribute("data-party") for i in range(3)] == [
        "Armenian Ministry of Defence",
        "Azerbaijani Ministry of Defence",
        "OSCE",
    ]
    expect(page.locator(".alias-test-matches")).to_contain_text("side: Azerbaijan")
    expect(page.locator(".alias-test h3")).to_have_text("3 matches")
    assert_accessible(page)
    screenshot(page, "conflict-setup-aliases")

    page.get_by_role("link", name="Sides and parties").click()
    page.locator('li[data-party="OSCE"]').get_by_role("link", name="Edit").click()
    expect(page.locator("h1")).to_contain_text("Edit party")
    assert_accessible(page)
    screenshot(page, "conflict-setup-party")
    page.get_by_role("link", name="Cancel").click()
    page.locator('article[data-side="Armenia"]').get_by_role("link", name="Edit side").click()
    expect(page.locator("h1")).to_contain_text("Edit side")
    assert_accessible(page)
    screenshot(page, "conflict-setup-side")
    page.get_by_role("link", name="All conflicts").click()
    expect(page.locator('tr[data-conflict="armenia-azerbaijan-border-clashes"]')).to_be_visible()
    assert_accessible(page)
    screenshot(page, "conflict-setup-list")
    assert csp_violations == []
    print(f"with three aliases: {setup_actions} actions, {setup_loads} page loads")


def test_non_editor_meets_the_styled_403_and_404(page, live_server, roles, make_user, login):
    make_user("journalist1", "Journalist")
    login(page, "journalist1")
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    expect(page.get_by_role("link", name="Conflict set-up")).to_have_count(0)
    page.goto(f"{live_server.url}/setup/conflicts/")
    expect(page.locator(".error-page h1")).to_have_text("Your role does not allow this")
    assert_accessible(page)
    screenshot(page, "error-403")
    page.goto(f"{live_server.url}/no/such/page/")
    expect(page.locator(".error-page h1")).to_have_text("Nothing at this address")
    assert_accessible(page)
    screenshot(page, "error-404")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(f"{live_server.url}{icon}").ok
    # The 500 page as Django renders it after a failure (no request, no user), on the site.
    page.set_content(render_to_string("500.html"))
    expect(page.locator(".error-page h1")).to_have_text("Something went wrong on our side")
    assert_accessible(page)
    screenshot(page, "error-500")


def test_viewer_sees_no_inbox(page, live_server, roles, make_user, login):
    make_user("viewer1", "Viewer")
    login(page, "viewer1")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Incidents")).to_be_visible()
    for hidden in ("Inbox", "Uncited claims", "Conflict set-up", "Deleted"):
        expect(nav.get_by_role("link", name=hidden)).to_have_count(0)


def test_long_words_and_overrides_cannot_break_the_page(page, live_server, demo, make_user, login):
    word = "Ա" * 1000 + "x" * 1000
    # The longest words the fields hold: a title of 300, a name of 200, statement and claim
    # text unbounded.
    Incident.objects.filter(pk=demo.incident.pk).update(title=f"{word[:280]} {RLO}reversed")
    statement = demo.statements["Armenia"]
    Party.objects.filter(pk=statement.party_id).update(name=f"Party {RLO}{word[:180]}")
    Statement.objects.filter(pk=statement.pk).update(text=f"{word} {RLO}said")
    Claim.objects.filter(statement=statement).update(text=f"{RLO}{word}")
    make_user("editor2", "Editor")
    login(page, "editor2")
    page.set_viewport_size(PHONE)
    conflict = demo.incident.conflict
    for path in (
        "/incidents/",
        f"/incidents/{demo.incident.pk}/",
        f"/setup/conflicts/{conflict.slug}/",
        f"/setup/conflicts/{conflict.slug}/aliases/",
        "/claims/uncited/",
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        assert page.evaluate(UNISOLATED) == [], path
