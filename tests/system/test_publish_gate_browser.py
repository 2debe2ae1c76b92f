"""The publish gate in Chromium: a journalist's inbox accept on a published incident reaches
readers only when an editor approves it."""

import pytest
from playwright.sync_api import expect

from tests.plugins.browser import screenshot
from tests.plugins.enrich_data import SEED, SEED_PUBLISHED
from tracker.enums import Aspect, ProposalKind
from tracker.models import Claim, Proposal
from tracker.services.enrichment import source_enrich
from tracker.services.sources import source_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inbox_accept_waits_for_editor_then_reaches_readers(
    page, browser, live_server, demo, make_user, login
):
    report = source_create(
        url="https://example.org/seed-report",
        title="Cease-fire falters as clashes break out",
        text=SEED.read_text(encoding="utf-8"),
        published_at=SEED_PUBLISHED,
        language="en",
    )
    run = source_enrich(source=report)
    proposal = run.proposals.get(kind=ProposalKind.CLAIM, payload__aspect=Aspect.CASUALTIES)
    make_user("j", "Journalist")
    make_user("e", "Editor")
    public = browser.new_page()
    public_url = f"{live_server.url}/p/incidents/{demo.incident.pk}/"
    public.goto(public_url)
    last_updated = public.locator("text=Last updated").inner_text()
    claims_before = public.locator("[data-claim]").count()

    login(page, "j")
    page.goto(f"{live_server.url}/inbox/")
    row = page.locator(f"#proposal-{proposal.pk}")
    row.get_by_role("button", name="Accept", exact=True).click()
    expect(row.locator(".decided")).to_have_text("Confirmed by j")
    claim = Claim.objects.get(pk=Proposal.objects.get(pk=proposal.pk).claim_id)
    assert claim.held

    public.reload()
    expect(public.locator("[data-claim]")).to_have_count(claims_before)
    expect(public.locator(f"#claim-{claim.pk}")).to_have_count(0)
    expect(public.locator("text=Last updated")).to_have_text(last_updated)

    editor = browser.new_page()
    login(editor, "e")
    editor.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    expect(editor.locator(f"#claim-{claim.pk} .held")).to_contain_text("awaiting approval")
    expect(editor.locator(".revisions [data-action=add]").first).to_contain_text("Addition")
    screenshot(editor, "incident-pending-additions")
    editor.get_by_role("button", name="Approve all and publish").click()
    expect(editor.locator(".messages")).to_contain_text("approved and published")

    public.reload()
    expect(public.locator(f"#claim-{claim.pk} .claim-text")).to_have_text(claim.text)
    expect(public.locator(f"#claim-{claim.pk} .held")).to_have_count(0)
