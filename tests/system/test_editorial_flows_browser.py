"""The newsroom's daily flows in a real browser (Debian's chromium through Playwright)."""

import json
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.plugins.browser import screenshot
from tracker.enums import Aspect, EditorialState, IncidentType
from tracker.models import Claim, Incident
from tracker.services.incidents import incident_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _second_incident(demo, **kwargs):
    values = dict(
        conflict=demo.conflict,
        title="Shelling reported near Sotk",
        incident_type=IncidentType.SHELLING,
        place="Sotk, Gegharkunik",
        occurred_start=datetime(2022, 9, 13, 0, 5, tzinfo=UTC),
        latitude=40.2,
        longitude=45.93,
    )
    values.update(kwargs)
    return incident_create(**values)


def test_search_and_filter_incidents(page, live_server, demo, make_user, login, csp_violations):
    _second_incident(demo)
    make_user("j", "Journalist")
    login(page, "j")
    expect(page.locator("tr[data-incident]")).to_have_count(2)
    expect(page.locator("circle.marker")).to_have_count(1)

    page.get_by_role("searchbox", name="Search").fill("Sotk")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tr[data-incident]")).to_have_count(1)
    expect(page.locator("tr[data-incident]")).to_contain_text("Shelling reported near Sotk")

    page.get_by_role("searchbox", name="Search").fill("")
    page.get_by_label("Dispute").select_option("disputed")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tr[data-incident]")).to_have_count(1)
    expect(page.locator("tr[data-incident] [data-dispute]")).to_have_text("Disputed")

    page.get_by_label("Dispute").select_option("")
    page.get_by_label("State").select_option("draft")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("tr[data-incident]")).to_contain_text("Sotk")
    screenshot(page, "incident-list-filtered")

    page.get_by_label("From").fill("2023-01-01")
    page.get_by_label("To").fill("2022-01-01")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("The end date is before the start date.")).to_be_visible()
    assert csp_violations == []


def test_edit_a_claim_inline_with_errors_in_place(
    page, live_server, demo, make_user, login, csp_violations
):
    Incident.objects.filter(pk=demo.incident.pk).update(state=EditorialState.DRAFT)
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    make_user("j", "Journalist")
    login(page, "j")
    page.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    page.locator(f"#claim-{claim.pk}").get_by_role("link", name="Edit").click()
    form = page.locator(f"#claim-panel-{claim.pk} form")
    expect(form).to_be_visible()
    form.get_by_label("Wounded, at least").fill("3")
    form.get_by_label("Wounded, at most").fill("2")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(f"#claim-panel-{claim.pk}")).to_contain_text(
        "The minimum wounded figure is larger than the maximum."
    )
    screenshot(page, "claim-edit-error")
    form = page.locator(f"#claim-panel-{claim.pk} form")
    form.get_by_label("Wounded, at most").fill("3")
    form.get_by_label("Claim", exact=True).fill("Three Armenian soldiers were wounded.")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(f"#claim-{claim.pk} .claim-text")).to_have_text(
        "Three Armenian soldiers were wounded."
    )
    # Saved in place: the claim's block was swapped, the page not reloaded (no message).
    expect(page.locator(f"#claim-panel-{claim.pk} form")).to_have_count(0)
    assert Claim.objects.get(pk=claim.pk).wounded_max == 3
    assert csp_violations == []  # htmx and every page work under the strict policy


def test_edit_a_claims_time_in_the_incidents_local_time(
    page, live_server, demo, make_user, login, csp_violations
):
    Incident.objects.filter(pk=demo.incident.pk).update(state=EditorialState.DRAFT)
    claim = demo.claims[("Azerbaijan", Aspect.TIMING)]  # from 22 Sep 2022, 20:00 UTC
    make_user("j", "Journalist")
    login(page, "j")
    page.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    page.locator(f"#claim-{claim.pk}").get_by_role("link", name="Edit").click()
    form = page.locator(f"#claim-panel-{claim.pk} form")
    start = form.get_by_label("Start (local time, Asia/Yerevan)")
    expect(start).to_have_value("2022-09-23T00:00")  # opens as stored, in Yerevan's time
    expect(form).to_contain_text("Kept in UTC: saved now as 22 Sep 2022, 20:00 UTC.")
    screenshot(page, "claim-edit-local-time")
    start.fill("2022-09-23T00:30")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(f"#claim-panel-{claim.pk} form")).to_have_count(0)
    assert Claim.objects.get(pk=claim.pk).time_start == datetime(2022, 9, 22, 20, 30, tzinfo=UTC)
    assert csp_violations == []


def test_journalist_edit_of_published_claim_waits_for_editor(
    page, live_server, demo, make_user, login, browser
):
    claim = demo.claims[("Azerbaijan", Aspect.MEANS)]
    make_user("j", "Journalist")
    make_user("e", "Editor")
    login(page, "j")
    page.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    expect(page.get_by_role("link", name="Publish…")).to_have_count(0)
    page.locator(f"#claim-{claim.pk}").get_by_role("link", name="Edit").click()
    form = page.locator(f"#claim-panel-{claim.pk} form")
    form.get_by_label("Claim", exact=True).fill("Mixed-caliber small arms and mortars.")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("held for an editor's approval")
    expect(page.locator(".revisions")).to_contain_text("Mixed-caliber small arms and mortars.")
    expect(page.locator(".revisions button")).to_have_count(0)  # journalists cannot approve

    public = browser.new_page()
    public.goto(f"{live_server.url}/p/incidents/{demo.incident.pk}/")
    expect(public.locator(f"#claim-{claim.pk} .claim-text")).to_have_text(
        "Mixed-caliber small arms."
    )

    editor = browser.new_page()
    login(editor, "e")
    editor.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    screenshot(editor, "incident-pending-revision")
    editor.get_by_role("button", name="Approve and publish").click()
    expect(editor.locator(".messages")).to_contain_text("Revision approved")
    public.reload()
    expect(public.locator(f"#claim-{claim.pk} .claim-text")).to_have_text(
        "Mixed-caliber small arms and mortars."
    )


def test_publish_then_retract_with_a_note(page, live_server, demo, make_user, login):
    draft = _second_incident(demo)
    make_user("e", "Editor")
    login(page, "e")
    page.goto(f"{live_server.url}/incidents/{draft.pk}/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("[data-state]")).to_have_text("In review")
    page.get_by_role("link", name="Publish…").click()
    confirm = page.locator("#incident-panel [data-publish-confirm]")
    expect(confirm).to_contain_text("No statement from")  # the draft lists what is unresolved
    expect(page.locator("[data-state]")).to_have_text("In review")
    confirm.get_by_role("button", name="Confirm and publish").click()
    expect(page.locator("[data-state]")).to_have_text("Published")
    page.get_by_role("link", name="Retract").click()
    retract = page.locator("#incident-panel form")
    retract.get_by_role("button", name="Save").click()
    note = retract.get_by_label("Why is it retracted?")
    assert note.evaluate("el => el.validity.valueMissing") is True  # the browser asks for it first
    expect(page.locator("[data-state]")).to_have_text("Published")
    screenshot(page, "incident-retract-form")
    page.locator("#incident-panel form").get_by_label("Why is it retracted?").fill(
        "The report was about a different day."
    )
    page.locator("#incident-panel form").get_by_role("button", name="Save").click()
    expect(page.locator("[data-state]")).to_have_text("Retracted")
    expect(page.locator(".notice")).to_contain_text("The report was about a different day.")
    assert Incident.objects.get(pk=draft.pk).state == EditorialState.RETRACTED


def test_merge_a_duplicate_and_undo(page, live_server, demo, make_user, login):
    duplicate = _second_incident(
        demo, title="Border clash, second report", latitude=None, longitude=None
    )
    make_user("e", "Editor")
    login(page, "e")
    page.goto(f"{live_server.url}/incidents/{duplicate.pk}/")
    page.get_by_role("link", name="Merge into another…").click()
    page.get_by_label("Search the target by title, place or date").press_sequentially("accuse")
    page.locator(f'.merge-result[data-target="{demo.incident.pk}"]').click()
    page.get_by_role("button", name="Preview the merge").click()
    preview = page.locator("[data-merge-preview]")
    expect(preview).to_contain_text("moves 0 statement(s)")
    expect(preview).to_contain_text("waits for an editor's approval")  # the target is published
    page.get_by_role("button", name="Confirm merge").click()
    expect(page.locator(".messages")).to_contain_text("held for an editor's approval")
    page.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    page.locator(".revisions [data-action=merge]").locator("xpath=ancestor::div[1]").get_by_role(
        "button", name="Approve and publish"
    ).click()
    expect(page.locator(f'[data-merged="{duplicate.pk}"]')).to_contain_text("Border clash")
    page.goto(f"{live_server.url}/incidents/{duplicate.pk}/")
    expect(page).to_have_url(f"{live_server.url}/incidents/{demo.incident.pk}/")
    page.locator(f'[data-merged="{duplicate.pk}"]').get_by_role("button", name="Undo merge").click()
    expect(page).to_have_url(f"{live_server.url}/incidents/{duplicate.pk}/")
    expect(page.locator("h1")).to_have_text("Border clash, second report")
    assert Incident.objects.get(pk=duplicate.pk).merged_into is None


def test_public_page_jsonld_parsed(page, live_server, demo, make_user, login):
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    make_user("e", "Editor")
    login(page, "e")
    page.goto(f"{live_server.url}/incidents/{demo.incident.pk}/")
    page.locator(f"#claim-{claim.pk}").get_by_role("link", name="Verdict").click()
    page.locator(f"#claim-panel-{claim.pk}").get_by_role("combobox", name="Verdict").select_option(
        "contested"
    )
    page.locator(f"#claim-panel-{claim.pk} form").get_by_role("button", name="Save").click()
    expect(page.locator(f"#claim-{claim.pk} [data-verdict]")).to_have_text("Contested")
    screenshot(page, "incident-editor")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/p/incidents/{demo.incident.pk}/")
    raw = page.locator('script[type="application/ld+json"]').text_content()
    reviews = json.loads(raw)
    assert len(reviews) == 1
    assert reviews[0]["@type"] == "ClaimReview"
    assert reviews[0]["claimReviewed"] == "Azerbaijani units fired first, violating the cease-fire."
    assert reviews[0]["itemReviewed"]["firstAppearance"]["url"] == demo.source.url
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator(".row-actions")).to_have_count(0)
    screenshot(page, "public-incident")
