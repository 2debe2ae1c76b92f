"""Every page of the app, found by walking the URL resolver (a page added later is visited
without anyone remembering to), seen by the role that uses it at desktop and phone width: axe
finds no violation, nothing breaks the Content-Security-Policy, and the first Tab lands on
something with a visible focus ring. The 403 and 404 pages too.

A named URL pattern this file does not know fails test_every_named_pattern_is_visited_or_excused
with what to add: how to fill its arguments and who sees it (PAGES), or why it is no page
(NOT_PAGES)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Browser, Page

from tests import factories
from tests.plugins.browser import DESKTOP, PHONE, axe_violations
from tracker.demo.load import Demo
from tracker.enums import Aspect
from tracker.models import Claim, Comment, Counterclaim, Incident, Party, Side
from tracker.services.claims import claim_delete
from tracker.services.collab import comment_create, incident_assign
from tracker.services.enrichment import source_enrich

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANONYMOUS, VIEWER, JOURNALIST, EDITOR = "anonymous", "viewer", "journalist", "editor"


@dataclass
class World:
    """What the pages are about: the demo incident (published) with its statements, claims,
    counterclaims and source, a draft incident, a comment with a mention, a deleted claim and an
    inbox of proposals."""

    demo: Demo
    draft: Incident
    comment: Comment

    @property
    def claim(self) -> Claim:
        return self.demo.claims[("Armenia", Aspect.INITIATOR)]

    @property
    def side(self) -> Side:
        return self.demo.statements["Armenia"].party.alignments.get().side

    @property
    def accusation(self) -> str:
        """A drill-down's query: Armenia accusing Azerbaijan."""
        sides = {
            name: statement.party.alignments.get().side.pk
            for name, statement in self.demo.statements.items()
        }
        return f"accuser={sides['Armenia']}&accused={sides['Azerbaijan']}"

    @property
    def party(self) -> Party:
        return self.demo.statements["Armenia"].party


@dataclass(frozen=True)
class Visit:
    """One look at a page: as ROLE, the URL's arguments (and query) from the seeded world."""

    role: str
    args: Callable[[World], tuple[Any, ...]] = lambda world: ()
    query: Callable[[World], str] = lambda world: ""
    label: str = ""


def _incident(world: World) -> tuple[Any, ...]:
    return (world.demo.incident.pk,)


def _draft(world: World) -> tuple[Any, ...]:
    return (world.draft.pk,)


def _slug(world: World) -> tuple[Any, ...]:
    return (world.demo.conflict.slug,)


# Every page: the named pattern, and who looks at it with which arguments.
PAGES: dict[str, tuple[Visit, ...]] = {
    "login": (Visit(ANONYMOUS),),
    "tracker:incident-list": (Visit(VIEWER), Visit(EDITOR, label="with the State filter")),
    "tracker:incident-new": (Visit(JOURNALIST),),
    "tracker:incident-detail": (
        Visit(VIEWER, _incident),
        Visit(EDITOR, _incident, label="editor's tools"),
        Visit(JOURNALIST, _draft, label="a draft"),
    ),
    "tracker:statement-new": (Visit(JOURNALIST, _draft, lambda world: f"side={world.side.pk}"),),
    "tracker:claim-new": (
        Visit(JOURNALIST, _incident, lambda world: f"side={world.side.pk}&aspect=casualties"),
    ),
    "tracker:incident-source-new": (Visit(JOURNALIST, _draft),),
    "tracker:source-new": (Visit(JOURNALIST),),
    "tracker:incident-edit": (Visit(EDITOR, _draft),),
    "tracker:incident-publish": (Visit(EDITOR, _draft),),
    "tracker:incident-retract": (Visit(EDITOR, _incident),),
    "tracker:incident-merge": (
        Visit(EDITOR, _draft),
        Visit(EDITOR, _draft, lambda world: "q=border", label="search results"),
    ),
    "tracker:statement-edit": (
        Visit(JOURNALIST, lambda world: (world.demo.statements["Armenia"].pk,)),
    ),
    "tracker:claim-edit": (Visit(JOURNALIST, lambda world: (world.claim.pk,)),),
    "tracker:claim-delete": (Visit(JOURNALIST, lambda world: (world.claim.pk,)),),
    "tracker:statement-delete": (
        Visit(JOURNALIST, lambda world: (world.demo.statements["Armenia"].pk,)),
    ),
    "tracker:claim-verdict": (Visit(EDITOR, lambda world: (world.claim.pk,)),),
    "tracker:claim-counterclaim": (Visit(JOURNALIST, lambda world: (world.claim.pk,)),),
    "tracker:counterclaim-decide": (
        Visit(EDITOR, lambda world: (Counterclaim.objects.order_by("pk").first().pk,)),
    ),
    "tracker:public-incident": (Visit(ANONYMOUS, _incident),),
    "tracker:conflict-setup-list": (Visit(EDITOR),),
    "tracker:conflict-setup": (Visit(EDITOR, _slug),),
    "tracker:conflict-side-edit": (
        Visit(EDITOR, lambda world: (world.demo.conflict.slug, world.side.pk)),
    ),
    "tracker:conflict-party-edit": (
        Visit(EDITOR, lambda world: (world.demo.conflict.slug, world.party.pk)),
    ),
    "tracker:conflict-aliases": (Visit(EDITOR, _slug),),
    "tracker:conflict": (Visit(VIEWER, _slug),),
    "tracker:conflict-incidents": (Visit(VIEWER, _slug, lambda world: world.accusation),),
    "tracker:public-conflict": (Visit(ANONYMOUS, _slug),),
    "tracker:public-conflict-incidents": (Visit(ANONYMOUS, _slug, lambda world: world.accusation),),
    "tracker:source-detail": (
        Visit(VIEWER, lambda world: (world.demo.source.pk,)),
        Visit(
            JOURNALIST,
            lambda world: (world.demo.source.pk,),
            lambda world: f"incident={world.demo.incident.pk}",
            label="citing",
        ),
    ),
    "tracker:claims-uncited": (Visit(JOURNALIST),),
    "tracker:inbox": (Visit(JOURNALIST),),
    "tracker:my-work": (Visit(JOURNALIST),),
    "tracker:comment-change": (Visit(JOURNALIST, lambda world: (world.comment.pk,)),),
    "tracker:incident-activity": (Visit(JOURNALIST, _incident),),
    "tracker:history-deleted": (Visit(EDITOR),),
    "tracker:history": (
        Visit(VIEWER, lambda world: ("incident", world.demo.incident.pk)),
        Visit(VIEWER, lambda world: ("claim", world.claim.pk), label="a claim"),
    ),
}

# Named patterns that render no page of the app, and why.
NOT_PAGES: dict[str, str] = {
    "tracker:healthz": "JSON for monitoring",
    "tracker:websub-callback": "a WebSub hub's callback (plain text, for the hub)",
    "tracker:incident-clusters": "the map's JSON, fetched by the list page",
    "tracker:source-archived": "another site's page as archived, served inert in a sandbox",
    "tracker:source-claim-search": "an htmx fragment of the source page, checked inside it",
    "tracker:conflict-ledger": "CSV and JSON downloads",
    "tracker:public-conflict-ledger": "CSV and JSON downloads",
    "tracker:notification-open": "a redirect to what the notification is about",
    "api-schema": "the OpenAPI document (YAML)",
    "api-docs": "Swagger UI, the API's third-party explorer",
    "api-redoc": "ReDoc, the API's third-party reference",
    "logout": "POST only",
    **{
        f"tracker:{name}": "POST only"
        for name in (
            "incident-submit",
            "incident-unmerge",
            "revision-decide",
            "revisions-approve-all",
            "conflict-alias-delete",
            "proposals-dismiss",
            "proposal-decide",
            "notifications-read",
            "comment-add",
            "incident-assign",
            "history-restore",
        )
    },
    **{
        name: "Django's password pages: no account here has an e-mail flow, nothing links them"
        for name in (
            "password_change",
            "password_change_done",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
        )
    },
}
# Whole namespaces that serve no page of the app.
NOT_PAGE_NAMESPACES = {
    "admin": "Django's admin, the operators' tool, in Django's own templates",
    "api": "the REST API (JSON)",
    "feeds": "Atom, JSON Feed, GeoJSON and CSV exports",
}


def _named(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every named pattern under RESOLVER."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace in NOT_PAGE_NAMESPACES:
                continue
            yield from _named(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", str(entry.pattern)


@pytest.mark.django_db
def test_every_named_pattern_is_visited_or_excused() -> None:
    named = dict(_named(get_resolver()))
    unknown = sorted(set(named) - set(PAGES) - set(NOT_PAGES))
    assert not unknown, "\n".join(
        f"URL pattern {name!r} ({named[name]}) is not covered: add it to PAGES in "
        f"{__name__} with the role that sees it and how to fill its arguments from World, or "
        "to NOT_PAGES with the reason it renders no page."
        for name in unknown
    )
    gone = sorted((set(PAGES) | set(NOT_PAGES)) - set(named))
    assert not gone, f"no longer URL patterns, remove them here: {gone}"


# The first Tab's target and whether a focus ring shows round it.
FIRST_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {ok: false, what: "nothing took the focus"};
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const box = el.getBoundingClientRect();
  return {ok: ring && box.width > 0 && box.height > 0,
          what: el.outerHTML.slice(0, 120) + (ring ? "" : " (no focus ring)")};
}"""


@pytest.fixture
def world(demo, seed_source, make_user) -> World:  # type: ignore[no-untyped-def]
    make_user(VIEWER, "Viewer")
    make_user(EDITOR, "Editor")
    me = make_user(JOURNALIST, "Journalist")
    editor = make_user("desk-editor", "Editor")
    journalist = make_user("desk-journalist", "Journalist")
    draft = factories.incident(demo.conflict, "Shelling reported near Sotk", place="Sotk")
    statement = factories.statement(draft, demo.statements["Armenia"].party, "Sotk was shelled.")
    doomed = factories.claim(statement, Aspect.CASUALTIES, "Two soldiers were wounded.")
    claim_delete(claim=doomed, user=editor)  # in the deleted list
    comment = comment_create(incident=demo.incident, text="Checking the timing.", user=me)
    comment_create(incident=demo.incident, text=f"@{JOURNALIST} see the map.", user=editor)
    incident_assign(incident=demo.incident, assignee=me, user=editor)
    comment_create(incident=draft, text="Same as #1?", user=journalist)
    source_enrich(source=seed_source)  # the inbox's proposals
    return World(demo=demo, draft=draft, comment=comment)


def _visits(world: World) -> Iterator[tuple[str, str, str, int]]:
    """(role, URL, what, the status it answers with) of every visit."""
    for name, visits in PAGES.items():
        for visit in visits:
            url = reverse(name, args=visit.args(world))
            query = visit.query(world)
            what = f"{name} {visit.label}".strip()
            yield visit.role, url + (f"?{query}" if query else ""), what, 200
    yield VIEWER, reverse("tracker:inbox"), "the 403 page (a viewer at the inbox)", 403
    yield VIEWER, "/no-such-page/", "the 404 page", 404
    yield ANONYMOUS, "/p/incidents/999999/", "the 404 page, anonymous", 404


def _session(browser: Browser, login: Callable[[Page, str], None], role: str) -> Page:
    page = browser.new_context(viewport=DESKTOP).new_page()
    if role != ANONYMOUS:
        login(page, role)
    return page


def test_every_page_passes_axe_at_both_widths_with_a_visible_first_focus(
    browser: Browser, live_server: Any, login: Callable[[Page, str], None], world: World
) -> None:
    pages: dict[str, Page] = {}
    csp: list[str] = []
    problems: list[str] = []
    visited = 0
    for role, url, what, expected in _visits(world):
        if role not in pages:
            pages[role] = _session(browser, login, role)
            pages[role].on(
                "console",
                lambda message, role=role: (
                    csp.append(f"{role}: {message.text}")
                    if "Content Security Policy" in message.text
                    else None
                ),
            )
        page = pages[role]
        for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            response = page.goto(f"{live_server.url}{url}")
            assert response is not None
            if response.status != expected:
                problems.append(f"{what} as {role} ({url}): HTTP {response.status}")
                continue
            report = axe_violations(page)
            if report:
                problems.append(f"{what} as {role} at {width} ({url}):\n{report}")
            page.keyboard.press("Tab")
            focus = page.evaluate(FIRST_FOCUS)
            if not focus["ok"]:
                problems.append(f"{what} as {role} at {width}: first Tab: {focus['what']}")
            for message in csp:
                problems.append(f"{what} at {width}: CSP: {message}")
            csp.clear()
            visited += 1
    # The one page a GET cannot reach: the merge preview, the answer to the merge form.
    editor = pages[EDITOR]
    editor.goto(
        f"{live_server.url}{reverse('tracker:incident-merge', args=_draft(world))}?q=border"
    )
    editor.locator(".merge-result").first.click()
    editor.get_by_role("button", name="Preview the merge").click()
    editor.locator("[data-merge-preview]").wait_for()
    for width, size in (("desktop", DESKTOP), ("phone", PHONE)):
        editor.set_viewport_size(size)
        report = axe_violations(editor)
        if report:
            problems.append(f"the merge preview at {width}:\n{report}")
        visited += 1
    print(f"{visited} page views: {len(PAGES)} named pages, the merge preview, 3 error pages")
    assert not problems, "\n\n".join(problems)
