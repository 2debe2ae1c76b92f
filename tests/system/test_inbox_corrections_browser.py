"""Correcting proposals in Chromium: change a claim's aspect and values, then dismiss several
proposals for one reason; axe finds nothing on the inbox."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.conftest import password_of
from tests.plugins.browser import assert_accessible, screenshot
from tracker.enums import Aspect, ProposalKind, ProposalState
from tracker.models import Claim, Proposal
from tracker.services.enrichment import source_enrich

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def inbox(page, live_server, seed_source, django_user_model):
    run = source_enrich(source=seed_source)
    user = django_user_model.objects.create_user("triage", password=password_of("triage"))
    # Permissions, not the Journalist group: a transactional test flushes the groups' data
    # migration away, while post_migrate recreates permissions.
    user.user_permissions.add(Permission.objects.get(codename="add_statement"))
    page.goto(f"{live_server.url}/accounts/login/?next=/inbox/")
    page.get_by_label("Username").fill("triage")
    page.get_by_label("Password").fill(password_of("triage"))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/inbox/")
    return page, run


def test_correct_the_aspect_and_the_values_of_a_claim(inbox):
    page, run = inbox
    assert_accessible(page)
    proposal = run.proposals.filter(
        kind=ProposalKind.CLAIM, payload__aspect=Aspect.INITIATOR
    ).first()
    row = page.locator(f"#proposal-{proposal.pk}")
    row.locator("details.correct summary").click()
    row.get_by_label("Aspect").select_option(label="Casualties")
    row.get_by_label("Killed, at least").fill("2")
    row.get_by_label("Killed, at most").fill("3")
    # Side names are the options' values (their labels sit between bidi isolates).
    row.get_by_label("Whose casualties").select_option(value="Armenia")
    assert_accessible(page)
    screenshot(page, "inbox-correct")
    row.get_by_role("button", name="Accept as corrected").click()
    expect(page.locator(f"#proposal-{proposal.pk} > .decided")).to_contain_text("Confirmed")
    claim = Claim.objects.get(pk=Proposal.objects.get(pk=proposal.pk).claim_id)
    assert claim.aspect == Aspect.CASUALTIES
    assert (claim.killed_min, claim.killed_max, claim.casualty_side.name) == (2, 3, "Armenia")


def test_correct_a_claims_time_in_the_incidents_local_time(inbox):
    page, run = inbox
    proposal = run.proposals.filter(
        kind=ProposalKind.CLAIM, payload__aspect=Aspect.INITIATOR
    ).first()
    row = page.locator(f"#proposal-{proposal.pk}")
    row.locator("details.correct summary").click()
    row.get_by_label("Aspect").select_option(value=Aspect.TIMING)
    start = row.get_by_label("From (local time, Asia/Yerevan)")
    start.fill("2022-09-23T00:05")  # the incident's (the demo's) zone, UTC+4
    row.get_by_label("Precision").select_option(value="exact")
    assert_accessible(page)
    screenshot(page, "inbox-correct-time")
    row.get_by_role("button", name="Accept as corrected").click()
    expect(page.locator(f"#proposal-{proposal.pk} > .decided")).to_contain_text("Confirmed")
    claim = Claim.objects.get(pk=Proposal.objects.get(pk=proposal.pk).claim_id)
    assert claim.time_start == datetime(2022, 9, 22, 20, 5, tzinfo=UTC)


def test_bulk_dismiss_with_one_reason(inbox):
    page, run = inbox
    chosen = list(run.proposals.filter(kind=ProposalKind.COUNTERCLAIM).order_by("pk")[:2])
    for proposal in chosen:
        page.locator(f"#proposal-{proposal.pk}").get_by_label(
            "select this counterclaim to dismiss"
        ).check()
    page.get_by_label("Dismiss the selected proposals, for this reason").fill(
        "Same exchange as the morning report"
    )
    page.get_by_role("button", name="Dismiss selected").click()
    expect(page.get_by_role("status")).to_contain_text("Dismissed 2 proposals.")
    for proposal in chosen:
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.DISMISSED
        assert proposal.dismissal_reason == "Same exchange as the morning report"
        expect(page.locator(f"#proposal-{proposal.pk} .decided")).to_contain_text(
            "Same exchange as the morning report"
        )
    assert_accessible(page)
    screenshot(page, "inbox-bulk-dismiss")
