"""Real Chromium, real mouse: the flows of the source page, uncited list and history."""

import pghistory
import pytest
from playwright.sync_api import expect

from tests.plugins.browser import screenshot
from tests.plugins.source_data import ASTRAL_SENTENCE
from tracker.enums import Aspect, Verdict
from tracker.models import Citation, Claim
from tracker.services.claims import claim_set_verdict

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Finds SENTENCE in one text node of the source text, scrolls it to mid-screen and returns the
# viewport points just inside its first and last characters.
SENTENCE_POINTS = """(sentence) => {
  const container = document.getElementById("source-text");
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(sentence);
    if (at < 0) continue;
    const range = document.createRange();
    const rect = (from, to) => { range.setStart(node, from); range.setEnd(node, to);
                                 return range.getBoundingClientRect(); };
    window.scrollBy(0, rect(at, at + 1).top - window.innerHeight / 2);
    const first = rect(at, at + 1), last = rect(at + sentence.length - 1, at + sentence.length);
    return {x1: first.left + 1, y1: first.top + first.height / 2,
            x2: last.right - 1, y2: last.top + last.height / 2};
  }
  return null;
}"""


def drag_select(page, sentence: str) -> None:
    """Press the mouse before the sentence's first character, drag, release after its last."""
    points = page.evaluate(SENTENCE_POINTS, sentence)
    assert points, f"not found as one text run: {sentence}"
    page.mouse.move(points["x1"], points["y1"])
    page.mouse.down()
    page.mouse.move(points["x2"], points["y2"], steps=12)
    page.mouse.up()


def test_cite_by_mouse_selection_saves_exact_span(
    page, live_server, demo, uncited_claim, make_user, login
):
    make_user("journo", "Journalist")
    login(page, "journo")
    page.goto(f"{live_server.url}/sources/{demo.source.pk}/")
    expect(page.locator("#source-text mark.cited")).to_have_count(
        10
    )  # 12 citations; the 2 of statements share spans
    sentence = (
        "Armenia and Azerbaijan have traded fresh accusations over a violation of a fragile "
        "cease-fire agreement that ended the worst fighting between the two ex-Soviet Caucasus "
        "countries since a 2020 war over the breakaway region of Nagorno-Karabakh."
    )
    start = demo.source.text.index(sentence)

    drag_select(page, sentence)

    expect(page.locator("#id_excerpt")).to_have_value(sentence)
    expect(page.locator("#id_start_offset")).to_have_value(str(start))
    expect(page.locator("#cite-offsets")).to_have_text(
        f"Characters {start}–{start + len(sentence)} of the text"
    )
    page.locator("#cite-claim").select_option(str(uncited_claim.pk))
    screenshot(page, "source")
    page.get_by_role("button", name="Save citation").click()

    expect(page.locator("#cite-result")).to_contain_text(
        f"Cited characters {start}–{start + len(sentence)}"
    )
    citation = Citation.objects.get(claim=uncited_claim)
    assert (citation.excerpt, citation.start_offset, citation.end_offset) == (
        sentence,
        start,
        start + len(sentence),
    )
    highlight = page.locator("#source-text mark.cited", has_text="traded fresh accusations")
    expect(highlight).to_have_text(sentence)
    expect(highlight).to_have_attribute(
        "data-href", f"/incidents/{demo.incident.pk}/#claim-{uncited_claim.pk}"
    )
    expect(page.locator("#cite-list-title")).to_have_text("13 cited passages")
    expect(page.locator("#id_excerpt")).to_have_value("")  # ready for the next passage


def test_cite_by_selection_counts_code_points_in_armenian_text_with_emoji(
    page, live_server, demo, astral_source, make_user, login
):
    make_user("journo", "Journalist")
    login(page, "journo")
    page.goto(f"{live_server.url}/sources/{astral_source.pk}/")
    expect(page.locator("h1")).to_have_attribute("lang", "hy")
    expect(page.locator("#source-text")).to_have_attribute("dir", "ltr")

    drag_select(page, ASTRAL_SENTENCE)
    expect(page.locator("#id_start_offset")).to_have_value("25")  # UTF-16 would say 28

    # Not cited anywhere yet: find the incident, then make a new claim of its statement.
    page.get_by_label("Find an incident or claim").fill("accuse each other")
    expect(page.locator("#cite-statement option")).to_have_count(3)
    page.get_by_label("A new claim").check()
    expect(page.locator("#cite-claim")).to_be_hidden()
    page.locator("#cite-statement").select_option(str(demo.statements["Armenia"].pk))
    page.get_by_label("Aspect").select_option(Aspect.CASUALTIES.value)
    page.get_by_label("The claim, in a sentence").fill("Two soldiers were wounded near Jermuk.")
    page.get_by_role("button", name="Save citation").click()

    expect(page.locator("#cite-result")).to_contain_text("Cited characters 25–81")
    claim = Claim.objects.get(text="Two soldiers were wounded near Jermuk.")
    citation = claim.citations.get()
    assert (citation.excerpt, citation.start_offset, citation.end_offset) == (
        ASTRAL_SENTENCE,
        25,
        25 + len(ASTRAL_SENTENCE),
    )
    expect(page.locator("#source-text mark.cited")).to_have_text(ASTRAL_SENTENCE)


def test_cite_error_shown_in_place(page, live_server, demo, make_user, login):
    make_user("journo", "Journalist")
    login(page, "journo")
    page.goto(f"{live_server.url}/sources/{demo.source.pk}/")
    drag_select(page, "In statements issued by both countries' defense ministries")
    page.get_by_role("button", name="Save citation").click()
    expect(page.locator("#cite-claim-error")).to_have_text(
        "Choose the claim this passage supports."
    )
    expect(page.locator("#cite-claim")).to_have_attribute("aria-invalid", "true")
    # The selection survived the round trip.
    expect(page.locator("#id_excerpt")).to_have_value(
        "In statements issued by both countries' defense ministries"
    )


def test_viewer_reads_source_without_cite_form(page, live_server, demo, make_user, login):
    make_user("reader", "Viewer")
    login(page, "reader")
    page.goto(f"{live_server.url}/sources/{demo.source.pk}/")
    expect(page.get_by_role("note")).to_have_text(
        "Read only: your role may read sources but not cite them."
    )
    expect(page.locator("#cite-form")).to_have_count(0)
    # A highlight is not a link: a click finds its entry in the list, which links to the claim.
    page.locator("#source-text mark.cited", has_text="one Armenian soldier was wounded").click()
    page.keyboard.press("Enter")
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    expect(page).to_have_url(f"{live_server.url}/incidents/{demo.incident.pk}/#claim-{claim.pk}")


def test_uncited_list_leads_to_citing_the_claim(
    page, live_server, demo, uncited_claim, make_user, login
):
    make_user("journo", "Journalist")
    login(page, "journo")
    page.get_by_role("link", name="Uncited claims").click()
    group = page.locator(f'section[data-incident="{demo.incident.pk}"]')
    expect(group.locator("li")).to_have_text(
        "No Azerbaijani positions were damaged. Azerbaijani MoD · Damage "
        "Cite from: Radio Free Europe/Radio Liberty",
        use_inner_text=True,
    )
    screenshot(page, "claims-uncited")
    group.get_by_role("link", name="Radio Free Europe/Radio Liberty").click()
    expect(page.locator("#cite-claim")).to_have_value(str(uncited_claim.pk))


def test_history_shows_the_diff_of_a_verdict_change(page, live_server, demo, make_user, login):
    editor = make_user("chief", "Editor")
    claim = demo.claims[("Azerbaijan", Aspect.INITIATOR)]
    with pghistory.context(user=editor.pk):
        claim_set_verdict(claim=claim, verdict=Verdict.CONTESTED, note="Both blame the other.")
    login(page, "chief")
    page.goto(f"{live_server.url}/history/claim/{claim.pk}/")
    latest = page.locator(".version").first
    expect(latest.locator(".version-meta")).to_contain_text("Changed")
    expect(latest.locator(".version-meta")).to_contain_text("chief")
    verdict = latest.locator('tr[data-field="verdict"]')
    expect(verdict.locator("td.old")).to_have_text("Unverified")
    expect(verdict.locator("td.new")).to_have_text("Contested")
    screenshot(page, "history")


def test_restore_from_the_deleted_list(page, live_server, demo, make_user, login):
    editor = make_user("chief", "Editor")
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    pk = claim.pk
    with pghistory.context(user=editor.pk):
        claim.delete()
    login(page, "chief")
    page.get_by_role("link", name="Deleted").click()
    row = page.locator(f'tr[data-kind="claim"][data-id="{pk}"]')
    expect(row).to_contain_text("Azerbaijani units fired first, violating the cease-fire.")
    expect(row).to_contain_text("chief")
    screenshot(page, "history-deleted")
    row.get_by_role("button", name="Restore").click()
    expect(page.locator(".messages")).to_contain_text("Restored claim")
    expect(page.locator(f'tr[data-kind="claim"][data-id="{pk}"]')).to_have_count(0)
    assert Claim.objects.filter(pk=pk).exists()
    assert Citation.objects.filter(claim_id=pk).count() == 1


def test_journalist_has_no_deleted_link(page, live_server, demo, make_user, login):
    make_user("journo", "Journalist")
    login(page, "journo")
    expect(page.get_by_role("link", name="Deleted")).to_have_count(0)
    response = page.goto(f"{live_server.url}/history/deleted/")
    assert response.status == 403
