"""Citing and counterclaims in Chromium: a passage cited by mouse into a new claim and by keyboard
alone, a drag over a highlight that stays on the page, the cite panel in view on a phone without
the layout moving, a counterclaim proposed and confirmed from the grid, a casualties claim edited
in place (only its block re-rendered, checked with DOM markers); axe finds nothing."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.plugins.browser import PHONE, SCREENSHOTS, assert_accessible, screenshot
from tests.system.test_source_flows_browser import SENTENCE_POINTS, drag_select
from tracker.enums import Aspect, ProposalState
from tracker.models import Citation, Claim, Counterclaim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _source_page(page, live_server, desk) -> str:
    url = f"{live_server.url}/sources/{desk.source.pk}/?incident={desk.incident.pk}"
    page.goto(url)
    return url


def test_cite_by_mouse_into_a_new_claim(page, live_server, desk, make_user, login):
    make_user("journo", "Journalist")
    login(page, "journo")
    _source_page(page, live_server, desk)
    drag_select(page, "Nobody else.")
    expect(page.locator("#id_excerpt")).to_have_value("Nobody else.")
    page.get_by_label("A new claim").check()
    # The incident's statements are on offer at once: no search first.
    statement = page.locator("#cite-statement")
    expect(statement.locator("option")).to_have_count(3)
    statement.select_option(str(desk.south.statement_id))
    page.get_by_label("Aspect").select_option(Aspect.CASUALTIES.value)
    page.get_by_label("The claim, in a sentence").fill("Nobody else was hurt.")
    screenshot(page, "cite-new-claim")
    page.get_by_role("button", name="Save citation").click()
    start = desk.source.text.index("Nobody else.")
    expect(page.locator("#cite-result")).to_contain_text(f"Cited characters {start}–{start + 12}")
    citation = Citation.objects.get(claim__text="Nobody else was hurt.")
    assert (citation.start_offset, citation.claim.statement_id) == (
        start,
        desk.south.statement_id,
    )
    assert_accessible(page)


def test_cite_by_keyboard_alone(page, live_server, desk, make_user, login):
    make_user("journo", "Journalist")
    login(page, "journo")
    _source_page(page, live_server, desk)
    presses = 0
    while page.evaluate("document.activeElement.id") != "source-text":
        presses += 1
        assert presses <= 40, "the text is not reachable by Tab"
        page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # visible focus
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_excerpt")).to_have_value("They shelled us.")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    passage = "Two of ours were killed. Nobody else."
    expect(page.locator("#id_excerpt")).to_have_value(passage)
    expect(page.locator("#cite-keyboard-note")).to_have_text(f"Selected 2 sentences: {passage}")
    start = desk.source.text.index(passage)
    expect(page.locator("#id_start_offset")).to_have_value(str(start))
    screenshot(page, "cite-keyboard")
    page.keyboard.press("Enter")
    expect(page.locator("#cite-claim")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first claim offered
    chosen = page.locator("#cite-claim").input_value()
    assert chosen
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save citation")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cite-result")).to_contain_text(
        f"Cited characters {start}–{start + len(passage)}"
    )
    citation = Citation.objects.get(claim_id=int(chosen))
    assert (citation.excerpt, citation.start_offset) == (passage, start)

    # Escape drops the selection and gives the focus back to the text.
    page.locator("#source-text").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#cite-keyboard-note")).to_contain_text("Selected one sentence")
    page.keyboard.press("Escape")
    assert page.evaluate("document.getSelection().isCollapsed")
    assert page.evaluate("document.activeElement.id") == "source-text"


def test_dragging_over_a_highlight_stays_on_the_page(page, live_server, desk, make_user, login):
    factories.citation(desk.source, desk.north, "Two of ours were killed.")
    make_user("journo", "Journalist")
    login(page, "journo")
    url = _source_page(page, live_server, desk)
    highlight = page.locator("#source-text mark.cited")
    expect(highlight).to_have_text("Two of ours were killed.")
    points = page.evaluate(SENTENCE_POINTS, "Two of ours were killed.")
    # Press and release inside the same highlight, having dragged across part of it.
    page.mouse.move(points["x1"] + 2, points["y1"])
    page.mouse.down()
    page.mouse.move(points["x2"] - 2, points["y2"], steps=8)
    page.mouse.move(points["x1"] + 30, points["y1"], steps=8)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert page.url == url
    expect(page.locator("#id_excerpt")).not_to_have_value("")  # it selected instead
    # A press inside a standing selection would drag that selection: start afresh.
    page.evaluate("document.getSelection().removeAllRanges()")
    # From inside the highlight to past its end: selects, never navigates.
    inside = page.evaluate(SENTENCE_POINTS, "were killed.")
    after = page.evaluate(SENTENCE_POINTS, "Nobody")
    page.mouse.move(inside["x1"], inside["y1"])
    page.mouse.down()
    page.mouse.move(after["x2"], after["y2"], steps=12)
    page.mouse.up()
    page.wait_for_timeout(300)
    assert page.url == url
    expect(page.locator("#id_excerpt")).to_have_value("were killed. Nobody")
    # A plain click on a highlight finds its entry in the list, whose link leads to the claim.
    page.evaluate("document.getSelection().removeAllRanges()")
    highlight.click()
    entry_link = page.locator("#cite-list li a").first
    expect(entry_link).to_be_focused()
    expect(entry_link).to_have_attribute(
        "href", f"/incidents/{desk.incident.pk}/#claim-{desk.north.pk}"
    )
    assert page.url == url


def test_cite_panel_stays_in_view_on_a_phone_and_nothing_moves(
    page, live_server, demo, make_user, login
):
    make_user("journo", "Journalist")
    login(page, "journo")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/sources/{demo.source.pk}/")
    sentence = "In statements issued by both countries' defense ministries"
    points = page.evaluate(SENTENCE_POINTS, sentence)  # scrolls the sentence to mid-screen
    assert points
    boxes = (
        "() => ['source-text', 'cite-panel'].map(id => {"
        " const r = document.getElementById(id).getBoundingClientRect();"
        " return [r.top, r.height, r.width]; })"
    )
    before = page.evaluate(boxes)
    drag_select(page, sentence)
    expect(page.locator("#id_excerpt")).to_have_value(sentence)
    assert page.evaluate(boxes) == before  # no layout shift while selecting
    excerpt = page.locator("#id_excerpt").bounding_box()
    assert excerpt is not None
    assert 0 <= excerpt["y"] <= excerpt["y"] + excerpt["height"] <= PHONE["height"]
    # The viewport as the phone shows it (not the full page): the sheet over the text.
    page.screenshot(path=SCREENSHOTS / "cite-panel-phone.png")


def test_propose_and_confirm_a_counterclaim_from_the_grid(
    page, live_server, desk, make_user, login
):
    make_user("chief", "Editor")
    login(page, "chief")
    page.goto(f"{live_server.url}/incidents/{desk.incident.pk}/")
    north = page.locator(f"#claim-{desk.north.pk}")
    north.get_by_role("link", name="Contradicts…").click()
    form = page.get_by_role("form", name="Counterclaim to")
    expect(form.get_by_label("The other side's claim").locator("option")).to_have_count(2)
    form.get_by_label("The other side's claim").select_option(str(desk.south.pk))
    form.get_by_label("Why (for the editor who confirms)").fill("Two dead against none.")
    screenshot(page, "counterclaim-propose")
    form.get_by_role("button", name="Propose").click()
    expect(north.locator(".relation")).to_contain_text("(proposed)")
    expect(page.locator(f"#claim-{desk.south.pk} .relation")).to_contain_text("(proposed)")
    pair = Counterclaim.objects.get()
    assert pair.state == ProposalState.PROPOSED

    north.get_by_role("link", name="Confirm or dismiss…").click()
    decide = page.get_by_role("form", name="Confirm or dismiss this counterclaim")
    expect(decide).to_contain_text("Reason given: Two dead against none.")
    screenshot(page, "counterclaim-confirm")
    decide.get_by_role("button", name="Confirm").click()
    expect(north.locator(".relation")).not_to_contain_text("proposed")
    expect(north).to_have_class("claim contradicted")
    pair.refresh_from_db()
    assert pair.state == ProposalState.CONFIRMED
    assert_accessible(page)


def test_edit_a_casualties_claim_in_place(page, live_server, desk, make_user, login):
    make_user("journo", "Journalist")
    login(page, "journo")
    page.goto(f"{live_server.url}/incidents/{desk.incident.pk}/")
    page.evaluate(
        "() => { document.getElementById('grid-title').dataset.marker = 'kept';"
        f" document.getElementById('claim-{desk.south.pk}').dataset.marker = 'old';"
        f" document.getElementById('claim-{desk.north.pk}').dataset.marker = 'kept'; }}"
    )
    south = page.locator(f"#claim-{desk.south.pk}")
    edit = south.get_by_role("link", name="Edit")
    edit.click()
    form = page.get_by_role("form", name="Claim")
    expect(form.get_by_label("Killed, at least")).to_be_visible()
    expect(form.get_by_label("Start (local time, Asia/Yerevan)")).to_have_count(0)  # not timing
    expect(form.get_by_label("Claim", exact=True)).to_be_focused()
    page.keyboard.press("Escape")  # closes without saving
    expect(form).to_have_count(0)
    expect(edit).to_be_focused()

    edit.click()
    form = page.get_by_role("form", name="Claim")
    form.get_by_label("Claim", exact=True).fill("At least three were killed.")
    form.get_by_label("Killed, at least").fill("3")
    form.get_by_label("“At least”").check()
    screenshot(page, "claim-edit-casualties")
    form.get_by_role("button", name="Save").click()
    expect(south.locator(".claim-text")).to_have_text("At least three were killed.")
    expect(south.locator(".figures")).to_contain_text("killed: at least 3")
    # Only that block was replaced: the page and the other claim keep their markers.
    assert south.get_attribute("data-marker") is None
    assert page.locator("#grid-title").get_attribute("data-marker") == "kept"
    assert page.locator(f"#claim-{desk.north.pk}").get_attribute("data-marker") == "kept"
    saved = Claim.objects.get(pk=desk.south.pk)
    assert (saved.killed_min, saved.killed_max) == (3, None)
    assert_accessible(page)
