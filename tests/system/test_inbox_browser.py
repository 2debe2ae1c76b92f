"""The inbox in Chromium: accept, correct and dismiss with a click or two."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tracker.enums import Aspect, ProposalKind, ProposalState
from tracker.models import Claim, Party, Proposal, Statement
from tracker.services.enrichment import source_enrich

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "inbox-browser-pass"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def inbox_page(page, live_server, seed_source, django_user_model):
    run = source_enrich(source=seed_source)
    user = django_user_model.objects.create_user("journo", password=PASSWORD)
    # Permissions, not the Journalist group: a transactional test flushes the groups' data
    # migration away, while post_migrate recreates permissions.
    user.user_permissions.add(Permission.objects.get(codename="add_statement"))
    page.goto(f"{live_server.url}/accounts/login/?next=/inbox/")
    page.get_by_label("Username").fill("journo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/inbox/")
    return page, run


def test_accept_a_claim_creates_it_with_its_statement(inbox_page):
    page, run = inbox_page
    proposal = run.proposals.get(kind=ProposalKind.CLAIM, payload__aspect=Aspect.CASUALTIES)
    row = page.locator(f"#proposal-{proposal.pk}")
    row.get_by_role("button", name="Accept", exact=True).click()
    expect(row.locator(".decided")).to_have_text("Confirmed by journo")
    claim = Claim.objects.get(pk=Proposal.objects.get(pk=proposal.pk).claim_id)
    assert (claim.wounded_min, claim.casualty_side.name) == (1, "Armenia")
    assert claim.statement.party.name == "Ministry of Defence of Armenia"


def test_correct_a_statement_party(inbox_page):
    page, run = inbox_page
    proposal = run.proposals.filter(kind=ProposalKind.STATEMENT).order_by("position")[3]
    row = page.locator(f"#proposal-{proposal.pk}")
    row.locator("details.correct").first.locator("summary").click()
    # Options carry their names between bidi isolates (FSI…PDI): pick by the party's id.
    party = Party.objects.get(name="Government of Azerbaijan")
    row.get_by_label("Party").first.select_option(value=str(party.pk))
    row.get_by_role("button", name="Accept as corrected").first.click()
    expect(page.locator(f"#proposal-{proposal.pk} > .decided")).to_contain_text("Confirmed")
    statement = Statement.objects.get(pk=Proposal.objects.get(pk=proposal.pk).statement_id)
    assert statement.party.name == "Government of Azerbaijan"


def test_dismiss_a_counterclaim_then_take_screenshots(inbox_page):
    page, run = inbox_page
    proposal = run.proposals.filter(kind=ProposalKind.COUNTERCLAIM).first()
    row = page.locator(f"#proposal-{proposal.pk}")
    row.get_by_role("button", name="Dismiss").click()
    expect(row.locator(".decided")).to_have_text("Dismissed by journo")
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.DISMISSED
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SCREENSHOTS / "inbox-desktop.png", full_page=True)
    # The phone capture is one screen: the whole page is several metres long on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / "inbox-phone.png")
