"""The second incident, end to end in Chromium, as a newsroom works it: an editor sets up the
conflict; a journalist builds the incident of 13 September 2022, both ministries' statements,
each with its claims and their values in the one form of its grid cell, a counterclaim, a
source fetched from a real server on 127.0.0.1 and one pasted, cites one by mouse and one by
keyboard, mentions the editor in a comment and submits; the editor, notified, confirms the
counterclaim and publishes, and the public page shows it all. No admin, no address typed: each
user opens the login page once, the rest is links, buttons and keys. Every action and page
load is counted (docs/ui.md, "The second-incident flow"); axe finds nothing on any page
visited. A second test sets up the same conflict with a third party, offered below the grid
until it speaks."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.plugins.browser import DESKTOP, assert_accessible, screenshot
from tests.system.test_conflict_setup_browser import Counted, create_conflict
from tests.system.test_source_flows_browser import drag_select
from tracker.enums import Aspect, EditorialState, PartyKind, ProposalState, TimePrecision
from tracker.models import Citation, Claim, Comment, Counterclaim, Incident, Party, Statement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "articles" / "pages"
TITLE = "Border clashes of 13 September 2022"
ARMENIA, AZERBAIJAN = "Ministry of Defence of Armenia", "Ministry of Defence of Azerbaijan"
CSTO = "Collective Security Treaty Organization"
THIRD_PARTY = "Third party (mediator, observer)"
# Fetched by address: a report of the Armenian ministry's account, served as its page.
REPORT_PATH = "conflict/azerbaijan-continues-to-engage-armenia-jermuk-and-verin-shorzha/"
REPORT_TITLE = "Azerbaijan continues to engage Armenia; Jermuk and Verin Shorzha see no slowdown"
REPORT_SENTENCE = (
    "The strikes come as a continuation of the artillery, UAV, and mortar attacks first reported "
    "at 0005 local time (GMT +4) on Tuesday, September 13th."
)
# Pasted: the Azerbaijani ministry's message as a news agency carried it.
PASTED_URL = "https://en.trend.az/azerbaijan/politics/3643447.html"
PASTED_SENTENCE = (
    "Armenian Armed Forces have committed a large-scale provocation in Dashkasan, Kalbajar and "
    "Lachin directions, reads a message from the Ministry of Defense of Azerbaijan, Trend reports."
)


class Person(Counted):
    """A user's page with what they did counted, the pages axe has checked, and every goto
    (only the login page may be opened by address)."""

    def __init__(self, page: Page) -> None:
        self.gotos: list[str] = []
        self.checked: set[str] = set()
        goto = page.goto

        def counted_goto(url: str, **kwargs: object) -> object:
            self.gotos.append(url)
            return goto(url, **kwargs)  # type: ignore[arg-type]

        page.goto = counted_goto  # type: ignore[method-assign]
        super().__init__(page)

    def logged_in(self) -> None:
        """Count from here: the login page's loads are not the flow's."""
        self.page.wait_for_load_state()
        self.loads = 0

    def axe(self, kind: str) -> None:
        """axe on each distinct page (or state of one) the first time it is seen."""
        if kind not in self.checked:
            self.checked.add(kind)
            assert_accessible(self.page)


def _editor_and_journalist(
    page: Page, browser: Browser, make_user, login, csp_violations: list[str]
) -> tuple[Person, Person, BrowserContext]:
    """The editor anna on PAGE and the journalist narek in a browser of their own, each logged
    in, counted from there."""
    make_user("anna", "Editor")
    make_user("narek", "Journalist")
    page.set_viewport_size(DESKTOP)
    context = browser.new_context(viewport=DESKTOP)
    journo_page = context.new_page()
    journo_page.on(
        "console",
        lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    people = Person(page), Person(journo_page)
    for person, name in zip(people, ("anna", "narek"), strict=True):
        login(person.page, name)
        person.logged_in()
    return *people, context


def _report_page() -> bytes:
    """The report's archived text as its page again: a paragraph per line."""
    paragraphs = (ARTICLES / "themoloch-2022-09-13-en.txt").read_text().strip().splitlines()
    body = "".join(f"<p>{escape(line)}</p>" for line in paragraphs if line.strip())
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{REPORT_TITLE}'
        f"</title></head><body><article><h1>{REPORT_TITLE}</h1>{body}</article></body></html>"
    ).encode()


def _set_up_the_conflict(editor: Person, *, third_party: bool = False) -> None:
    """The conflict with its two sides named at once, a ministry in each side's card (the kind
    and the country the card's), an alias from the party's row; with THIRD_PARTY, the CSTO
    too, a third party, with its organisation (the kind usual for a third party)."""
    page, do = editor.page, editor.do
    do(lambda: page.get_by_role("link", name="Conflict set-up").click())
    editor.axe("conflict list")
    create_conflict(editor, "Armenia–Azerbaijan border conflict")
    parties = [(ARMENIA, "Armenia"), (AZERBAIJAN, "Azerbaijan")]
    if third_party:  # no column of its own until it speaks
        add_side = page.locator("#add-side")
        do(lambda: add_side.get_by_label("Name", exact=True).fill("CSTO"))
        do(lambda: add_side.get_by_label("Role").select_option(label=THIRD_PARTY))
        do(lambda: add_side.get_by_role("button", name="Add side").click())
        expect(page.locator('article[data-side="CSTO"]')).to_be_visible()
        parties.append((CSTO, "CSTO"))
    for name, side in parties:
        card = page.get_by_role("form", name=f"Add a party of {side}")
        do(lambda card=card, name=name: card.get_by_label("Name", exact=True).fill(name))
        do(lambda card=card: card.get_by_role("button", name="Add party").click())
        expect(page.locator(f'li[data-party="{name}"]')).to_be_visible()
    assert Party.objects.get(name=ARMENIA).kind == PartyKind.MINISTRY
    assert Party.objects.get(name=AZERBAIJAN).country_code == "AZ"
    editor.axe("conflict set-up")
    if third_party:
        assert Party.objects.get(name=CSTO).kind == PartyKind.ORGANISATION
    else:
        screenshot(page, "second-incident-setup")
    row = page.locator(f'li[data-party="{ARMENIA}"]')
    do(lambda: row.get_by_role("link", name="Add alias").click())
    add_alias = page.locator("#add-alias")
    do(lambda: add_alias.get_by_label("Alias").fill("Минобороны Армении"))
    do(lambda: add_alias.get_by_label("Language").fill("ru"))
    do(lambda: add_alias.get_by_role("button", name="Add alias").click())
    expect(page.locator('li[data-alias="Минобороны Армении"]')).to_be_visible()
    editor.axe("aliases")


def _build_the_incident(journalist: Person) -> None:
    page, do = journalist.page, journalist.do
    do(lambda: page.get_by_role("link", name="New incident").click())
    journalist.axe("new incident")
    do(lambda: page.get_by_label("Title", exact=True).fill(TITLE))
    do(lambda: page.get_by_label("Type", exact=True).select_option(label="Armed clash"))
    do(lambda: page.get_by_label("From (local time)", exact=True).fill("2022-09-13T00:05"))
    do(lambda: page.get_by_label("Time zone", exact=True).fill("Asia/Yerevan"))
    do(lambda: page.get_by_label("Place", exact=True).fill("Jermuk, Goris and Sotk, Armenia"))
    do(lambda: page.get_by_role("button", name="Create incident").click())
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("table.grid thead th[data-side]")).to_have_count(2)
    journalist.axe("incident, empty grid")


def _add_statement(
    journalist: Person, side: str, issued: str, text: str, claims: list[tuple[Aspect, str, dict]]
) -> None:
    """From the empty cell of SIDE: the statement and, in the same form, its claim on each
    aspect with that aspect's values by label."""
    page, do = journalist.page, journalist.do
    cell = page.locator(f'tr[data-aspect="initiator"] td[data-side="{side}"]')
    do(lambda: cell.get_by_role("link", name="Add statement").click())
    form = page.get_by_role("form", name=f"Add a statement of {side}")
    do(lambda: form.get_by_label("Issued at (local time)", exact=True).fill(issued))
    do(lambda: form.get_by_label("Verbatim text", exact=True).fill(text))
    for aspect, claim, values in claims:
        row = form.get_by_role("group", name=aspect.label)
        do(lambda row=row, claim=claim: row.get_by_label("Claim", exact=True).fill(claim))
        for label, value in values.items():
            field = row.get_by_label(label, exact=True)
            if field.evaluate("element => element.tagName") == "SELECT":
                do(lambda field=field, value=value: field.select_option(label=value))
            else:
                do(lambda field=field, value=value: field.fill(value))
    journalist.axe("incident, statement form")
    screenshot(page, "second-incident-statement-add")
    do(lambda: form.get_by_role("button", name="Add statement").click())
    expect(page.locator("#statements-block")).to_contain_text(text)
    for _aspect, claim, _values in claims:
        expect(
            page.locator(f'table.grid td[data-side="{side}"]').filter(has_text=claim)
        ).to_have_count(1)


def test_the_second_incident_end_to_end(
    page, browser, live_server, roles, make_user, login, csp_violations, server
):
    server.overrides[f"/{REPORT_PATH}"] = (_report_page(), "text/html; charset=utf-8")
    editor, journalist, context = _editor_and_journalist(
        page, browser, make_user, login, csp_violations
    )
    journo_page, do = journalist.page, journalist.do
    editor.axe("incident list")

    # The editor sets up the conflict.
    _set_up_the_conflict(editor)
    setup = editor.actions

    # The journalist, in a browser of their own.
    _build_the_incident(journalist)
    incident = Incident.objects.get(title=TITLE)

    # Each ministry's statement from its empty cell, with its four claims in the same form.
    _add_statement(
        journalist,
        "Armenia",
        "2022-09-13T02:30",
        "On September 13, from 00:05, the armed forces of Azerbaijan launched intensive "
        "shelling, with artillery and large-caliber firearms, against Armenian military "
        "positions in the direction of the cities of Goris, Sotk and Jermuk.",
        [
            (Aspect.INITIATOR, "Azerbaijan's armed forces opened fire first.", {}),
            (
                Aspect.TIMING,
                "The shelling began at 00:05 local time.",
                {"Start (local time, Asia/Yerevan)": "2022-09-13T00:05"},  # exact: to the minute
            ),
            (
                Aspect.LOCATION,
                "Positions towards Goris, Sotk and Jermuk were shelled.",
                {"Place": "Goris, Sotk and Jermuk"},
            ),
            (
                Aspect.CASUALTIES,
                "49 Armenian servicemen were killed.",
                {"Killed, at least": "49", "Killed, at most": "49"},
            ),
        ],
    )
    _add_statement(
        journalist,
        "Azerbaijan",
        "2022-09-13T03:00",
        "The sabotage groups of the Armenian armed forces in the dark time of the day mined the "
        "areas between the positions of the Azerbaijani army units and the supply road in "
        "different directions, using the mountainous terrain and the existing valley gaps.",
        [
            (Aspect.INITIATOR, "Armenian sabotage groups started it by mining the areas.", {}),
            (
                Aspect.TIMING,
                "It began in the dark time of the day.",
                {
                    "Start (local time, Asia/Yerevan)": "2022-09-13T00:00",
                    "Time precision": "Approximate",
                },
            ),
            (
                Aspect.LOCATION,
                "The provocation was in the Dashkasan, Kalbajar and Lachin directions.",
                {"Place": "Dashkasan, Kalbajar and Lachin"},
            ),
            (
                Aspect.CASUALTIES,
                "Between 50 and 71 Azerbaijani servicemen were killed.",
                {"Killed, at least": "50", "Killed, at most": "71"},
            ),
        ],
    )
    assert Statement.objects.filter(incident=incident).count() == 2
    claims = {
        (claim.statement.party.name, claim.aspect): claim
        for claim in Claim.objects.select_related("statement__party")
    }
    assert len(claims) == 8
    blame = claims[(ARMENIA, Aspect.INITIATOR)]
    assert blame.accused_side.name == "Azerbaijan"  # chosen already: the other belligerent
    assert claims[(AZERBAIJAN, Aspect.CASUALTIES)].casualty_side.name == "Azerbaijan"
    # 00:05 in Yerevan, typed as reported, kept as 20:05 UTC the day before; to the minute, so
    # exact, and the approximate time stays as chosen.
    assert claims[(ARMENIA, Aspect.TIMING)].time_start == datetime(2022, 9, 12, 20, 5, tzinfo=UTC)
    assert claims[(ARMENIA, Aspect.TIMING)].time_precision == TimePrecision.EXACT
    assert claims[(AZERBAIJAN, Aspect.TIMING)].time_precision == TimePrecision.APPROXIMATE
    assert (
        claims[(AZERBAIJAN, Aspect.CASUALTIES)].killed_min,
        claims[(AZERBAIJAN, Aspect.CASUALTIES)].killed_max,
    ) == (50, 71)
    journalist.axe("incident, claims")

    # A counterclaim: the two accounts of who started it.
    blamed = claims[(AZERBAIJAN, Aspect.INITIATOR)]
    block = journo_page.locator(f"#claim-{blame.pk}")
    do(lambda: block.get_by_role("link", name="Contradicts…").click())
    pair_form = journo_page.get_by_role("form", name="Counterclaim to")
    # The only claim it can be paired with is chosen already.
    expect(pair_form.get_by_label("The other side's claim")).to_have_value(str(blamed.pk))
    do(
        lambda: pair_form.get_by_label("Why (for the editor who confirms)").fill(
            "Each ministry says the other side fired first."
        )
    )
    do(lambda: pair_form.get_by_role("button", name="Propose").click())
    expect(block.locator(".relation")).to_contain_text("(proposed)")

    # A source by address, fetched from the local server; cite it by mouse.
    do(lambda: journo_page.get_by_role("link", name="Add a source").click())
    journalist.axe("add a source")
    do(lambda: journo_page.get_by_label("Address (URL)", exact=True).fill(server.url(REPORT_PATH)))
    do(lambda: journo_page.get_by_role("button", name="Add source").click())
    expect(journo_page.get_by_role("link", name="Archived copy of the page")).to_be_visible()
    journalist.axe("source page")
    timing = claims[(ARMENIA, Aspect.TIMING)]
    do(lambda: drag_select(journo_page, REPORT_SENTENCE))
    expect(journo_page.locator("#id_excerpt")).to_have_value(REPORT_SENTENCE)
    do(lambda: journo_page.locator("#cite-claim").select_option(str(timing.pk)))
    do(lambda: journo_page.get_by_role("button", name="Save citation").click())
    expect(journo_page.locator("#cite-result")).to_contain_text("Cited characters")
    screenshot(journo_page, "second-incident-cite-mouse")
    back = journo_page.locator(".source-incidents").get_by_role("link", name=TITLE)
    do(lambda: back.click())

    # A source by pasted text; cite it by keyboard alone.
    pasted = (ARTICLES / "trend-az-2022-09-13-en.txt").read_text()
    pasted = pasted[pasted.index("BAKU") :]
    do(lambda: journo_page.get_by_role("link", name="Add a source").click())
    do(lambda: journo_page.get_by_label("Address (URL)", exact=True).fill(PASTED_URL))
    do(lambda: journo_page.get_by_label("Text", exact=True).fill(pasted))  # the text is the source
    do(lambda: journo_page.get_by_role("button", name="Add source").click())
    expect(journo_page.locator("#source-text")).to_be_visible()

    def tab_to_the_text() -> None:
        for _ in range(40):
            if journo_page.evaluate("document.activeElement.id") == "source-text":
                return
            journo_page.keyboard.press("Tab")
        raise AssertionError("the text is not reachable by Tab")

    do(tab_to_the_text)
    do(lambda: [journo_page.keyboard.press("ArrowRight") for _ in range(2)])
    expect(journo_page.locator("#id_excerpt")).to_have_value(PASTED_SENTENCE)
    do(lambda: journo_page.keyboard.press("Enter"))
    expect(journo_page.locator("#cite-claim")).to_be_focused()
    chosen = str(blamed.pk)

    def arrow_to_the_claim() -> None:
        for _ in range(20):
            if journo_page.locator("#cite-claim").input_value() == chosen:
                return
            journo_page.keyboard.press("ArrowDown")
        raise AssertionError("the claim is not offered")

    do(arrow_to_the_claim)
    do(lambda: [journo_page.keyboard.press(key) for key in ("Tab", "Enter")])
    expect(journo_page.locator("#cite-result")).to_contain_text("Cited characters")
    assert Citation.objects.get(claim=blamed).excerpt == PASTED_SENTENCE
    assert Citation.objects.get(claim=timing).excerpt == REPORT_SENTENCE
    back = journo_page.locator(".source-incidents").get_by_role("link", name=TITLE)
    do(lambda: back.click())

    # A comment mentioning the editor, then submit for review.
    box = journo_page.get_by_label("Add a comment")
    do(lambda: box.press_sequentially("Both accounts are in and cited from two reports, @an"))
    expect(journo_page.get_by_role("listbox").get_by_role("option")).to_have_text(["@anna"])
    do(lambda: box.press("Enter"))
    do(lambda: journo_page.get_by_role("button", name="Comment", exact=True).click())
    comment = Comment.objects.get()
    assert "@anna" in comment.text
    journalist.axe("incident, commented")
    screenshot(journo_page, "second-incident-grid")
    do(lambda: journo_page.get_by_role("button", name="Submit for review").click())
    expect(journo_page.locator("[data-state]")).to_have_text("In review")

    # The editor sees the mention, confirms the counterclaim and publishes.
    do = editor.do
    expect(page.get_by_role("link", name="My work")).to_be_visible()
    do(lambda: page.get_by_role("link", name="My work").click())
    mention = page.locator(f'[data-mention="{comment.pk}"]')
    expect(mention).to_contain_text("unread")
    expect(page.locator(f'[data-in-review="{incident.pk}"]')).to_contain_text(TITLE)
    editor.axe("my work")
    screenshot(page, "second-incident-mywork")
    do(lambda: mention.get_by_role("link").click())
    expect(page.locator(f"#comment-{comment.pk}")).to_be_in_viewport()
    editor.axe("incident, in review")
    block = page.locator(f"#claim-{blame.pk}")
    do(lambda: block.get_by_role("link", name="Confirm or dismiss…").click())
    decide = page.get_by_role("form", name="Confirm or dismiss this counterclaim")
    do(lambda: decide.get_by_role("button", name="Confirm").click())
    expect(block.locator(".relation")).not_to_contain_text("proposed")
    do(lambda: page.get_by_role("link", name="Publish…").click())
    confirm = page.locator("#incident-panel [data-publish-confirm]")
    do(lambda: confirm.get_by_role("button", name="Confirm and publish").click())
    expect(page.locator("[data-state]")).to_have_text("Published")
    do(lambda: page.get_by_role("link", name="Public page").click())

    # The public door shows it all.
    expect(page.locator("h1")).to_have_text(TITLE)
    editor.axe("public incident")
    public = page.locator("main")
    for claim in claims.values():
        expect(public.locator(f"#claim-{claim.pk}")).to_contain_text(claim.text)
    expect(public.locator(f"#claim-{blame.pk}")).to_contain_text("blames Azerbaijan")
    expect(public.locator(f"#claim-{blame.pk}")).to_contain_text("Contradicts")
    expect(public.locator(f"#claim-{claims[(AZERBAIJAN, Aspect.CASUALTIES)].pk}")).to_contain_text(
        "killed: 50–71 (Azerbaijan)"
    )
    expect(public.locator(f"#claim-{claims[(ARMENIA, Aspect.LOCATION)].pk}")).to_contain_text(
        "Goris, Sotk and Jermuk"
    )
    expect(public.locator(f"#claim-{timing.pk}")).to_contain_text(REPORT_SENTENCE[:40])
    expect(public.locator(f"#claim-{blamed.pk}")).to_contain_text(PASTED_SENTENCE[:40])
    for statement in Statement.objects.filter(incident=incident):
        expect(public.locator(f"#statement-{statement.pk} blockquote")).to_have_text(statement.text)
    screenshot(page, "second-incident-public")

    incident.refresh_from_db()
    assert incident.state == EditorialState.PUBLISHED
    assert Counterclaim.objects.get().state == ProposalState.CONFIRMED
    assert csp_violations == []
    assert [url.endswith("/accounts/login/") for url in editor.gotos] == [True]
    assert [url.endswith("/accounts/login/") for url in journalist.gotos] == [True]
    total = editor.actions + journalist.actions
    print(
        f"\nsecond incident: editor {editor.actions} actions ({setup} set-up), "
        f"{editor.loads} page loads; "
        f"journalist {journalist.actions} actions, {journalist.loads} page loads; "
        f"total {total} actions, {editor.loads + journalist.loads} page loads"
    )
    assert total < 80
    context.close()


def test_the_third_party_is_offered_below_the_grid_until_it_speaks(
    page, browser, live_server, roles, make_user, login, csp_violations
):
    """The same set-up with the CSTO as a third party: the journalist's grid has the two
    belligerents' columns and offers the CSTO below it; its statement gives it a column."""
    editor, journalist, context = _editor_and_journalist(
        page, browser, make_user, login, csp_violations
    )
    journo_page, do = journalist.page, journalist.do
    _set_up_the_conflict(editor, third_party=True)
    _build_the_incident(journalist)
    offer = journo_page.locator("[data-third-parties]").get_by_role("link", name="CSTO")
    expect(offer).to_be_visible()
    built = journalist.actions
    do(lambda: offer.click())
    form = journo_page.get_by_role("form", name="Add a statement of CSTO")
    do(
        lambda: form.get_by_label("Verbatim text", exact=True).fill(
            "The CSTO calls on both sides to cease fire and withdraw to their positions."
        )
    )
    do(lambda: form.get_by_role("button", name="Add statement").click())
    expect(journo_page.locator("table.grid thead th[data-side]")).to_have_count(3)
    expect(journo_page.locator("[data-third-parties]")).to_have_count(0)
    journalist.axe("incident, the third party's column")
    assert Statement.objects.get().party.name == CSTO
    assert csp_violations == []
    assert [url.endswith("/accounts/login/") for url in editor.gotos] == [True]
    assert [url.endswith("/accounts/login/") for url in journalist.gotos] == [True]
    print(
        f"\nwith a third party: editor set-up {editor.actions} actions; journalist "
        f"{journalist.actions - built} actions for the third party's statement"
    )
    context.close()
