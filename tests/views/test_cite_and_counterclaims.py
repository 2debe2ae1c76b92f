"""Citing from an incident's source, proposing and deciding counterclaims from the grid, and the
claim's edit form (its aspect's fields only, saved in place), through HTTP as each role."""

import re

import pytest
from django.urls import reverse

from tests import factories
from tracker.enums import Aspect, CounterclaimRelation, ProposalState
from tracker.models import Claim, Counterclaim, PendingRevision

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _as(client, make_user, group: str):  # type: ignore[no-untyped-def]
    client.force_login(make_user(group.lower(), group))
    return client


# --- The source page offers the incident's statements at once -------------------------------


def test_source_opened_from_an_incident_offers_its_statements(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    url = reverse("tracker:source-detail", args=[desk.source.pk])
    alone = client.get(url).content.decode()
    opened = client.get(f"{url}?incident={desk.incident.pk}").content.decode()
    statement = f'<option value="{desk.north.statement_id}"'
    assert statement not in alone
    assert statement in opened
    assert 'tabindex="0" role="region"' in opened  # the text takes the keyboard
    assert client.get(f"{url}?incident=oops").status_code == 200  # ignored, not a 500
    assert client.get(f"{url}?incident=999999").status_code == 200


def test_a_refused_citation_keeps_the_incidents_statements_on_offer(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    url = reverse("tracker:source-detail", args=[desk.source.pk])
    form = {"excerpt": "Nobody else.", "target": "new_claim", "incident": desk.incident.pk}
    response = client.post(url, form, **HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose the statement the new claim is part of." in html
    assert f'<option value="{desk.north.statement_id}"' in html
    assert f'name="incident" value="{desk.incident.pk}"' in html


def test_incident_page_links_sources_with_the_incident(client, make_user, desk):
    factories.citation(desk.source, desk.north, "Two of ours were killed.")
    client = _as(client, make_user, "Journalist")
    body = client.get(reverse("tracker:incident-detail", args=[desk.incident.pk])).content
    assert f"/sources/{desk.source.pk}/?incident={desk.incident.pk}".encode() in body


def test_viewer_gets_no_keyboard_selection_on_the_source_page(client, make_user, desk):
    client = _as(client, make_user, "Viewer")
    body = client.get(reverse("tracker:source-detail", args=[desk.source.pk])).content.decode()
    assert 'tabindex="0" role="region"' not in body


# --- Counterclaims from the grid -------------------------------------------------------------


def test_counterclaim_form_lists_only_the_other_sides_claims_on_the_aspect(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    body = client.get(reverse("tracker:claim-counterclaim", args=[desk.north.pk]), **HTMX)
    html = body.content.decode()
    assert f'<option value="{desk.south.pk}"' in html
    assert f'<option value="{desk.timing.pk}"' not in html  # same side, other aspect
    assert "<html" not in html


def test_journalist_proposes_and_both_claim_blocks_come_back(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    response = client.post(
        reverse("tracker:claim-counterclaim", args=[desk.north.pk]),
        {"other": desk.south.pk, "relation": "contradicts", "reason": "Two dead against none."},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#claim-{desk.north.pk}"
    html = response.content.decode()
    assert f'id="claim-{desk.south.pk}" data-claim="{desk.south.pk}" hx-swap-oob="true"' in html
    pair = Counterclaim.objects.get()
    assert (pair.state, pair.relation, pair.reason) == (
        ProposalState.PROPOSED,
        CounterclaimRelation.CONTRADICTS,
        "Two dead against none.",
    )
    assert "Confirm or dismiss" not in html  # a journalist does not decide


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"relation": "contradicts", "reason": "x"}, "Choose the other side&#x27;s claim."),
        ({"other": "timing", "relation": "contradicts", "reason": "x"}, "cannot be paired"),
        ({"other": "south", "relation": "denies", "reason": "x"}, "is not one of the available"),
        ({"other": "south", "relation": "contradicts", "reason": ""}, "Say why the two"),
    ],
)
def test_bad_counterclaim_is_refused_in_words(client, make_user, desk, data, message):
    client = _as(client, make_user, "Journalist")
    if "other" in data:
        data = {**data, "other": getattr(desk, data["other"]).pk}
    url = reverse("tracker:claim-counterclaim", args=[desk.north.pk])
    response = client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Counterclaim.objects.exists()


def test_viewer_may_not_propose(client, make_user, desk):
    client = _as(client, make_user, "Viewer")
    url = reverse("tracker:claim-counterclaim", args=[desk.north.pk])
    response = client.post(url, {"other": desk.south.pk, "relation": "contradicts", "reason": "x"})
    assert response.status_code == 403
    assert not Counterclaim.objects.exists()


def test_editor_confirms_from_the_grid_and_journalist_may_not(client, make_user, desk):
    pair = factories.counterclaim(desk.north, desk.south, reason="Two against none.")
    url = reverse("tracker:counterclaim-decide", args=[pair.pk])
    journalist = _as(client, make_user, "Journalist")
    assert (
        journalist.post(url, {"decision": "confirmed", "relation": "contradicts"}).status_code
        == 403
    )
    editor = _as(client, make_user, "Editor")
    page = editor.get(reverse("tracker:incident-detail", args=[desk.incident.pk])).content.decode()
    assert url in page  # "Confirm or dismiss…" beside the proposed relation
    form = editor.get(url, **HTMX).content.decode()
    assert "Reason given: Two against none." in form
    response = editor.post(url, {"decision": "confirmed", "relation": "qualifies"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] in {f"#claim-{desk.north.pk}", f"#claim-{desk.south.pk}"}
    pair.refresh_from_db()
    assert (pair.state, pair.relation) == (ProposalState.CONFIRMED, CounterclaimRelation.QUALIFIES)


def test_editor_dismisses_and_a_bad_decision_is_refused(client, make_user, desk):
    pair = factories.counterclaim(desk.north, desk.south)
    editor = _as(client, make_user, "Editor")
    url = reverse("tracker:counterclaim-decide", args=[pair.pk])
    refused = editor.post(url, {"decision": "proposed", "relation": "contradicts"})
    assert refused.status_code == 422
    assert "is not one of the available choices" in refused.content.decode()
    editor.post(url, {"decision": "dismissed", "relation": "contradicts"})
    assert Counterclaim.objects.get().state == ProposalState.DISMISSED


def test_counterclaim_on_a_published_incident_is_held(client, make_user, demo):
    editor = _as(client, make_user, "Editor")
    armenia, azerbaijan = (
        demo.claims[("Armenia", Aspect.INITIATOR)],
        demo.claims[("Azerbaijan", Aspect.INITIATOR)],
    )
    Counterclaim.objects.filter(claim_a__in=[armenia, azerbaijan]).delete()
    response = editor.post(
        reverse("tracker:claim-counterclaim", args=[armenia.pk]),
        {"other": azerbaijan.pk, "relation": "contradicts", "reason": "Each blames the other."},
        **HTMX,
    )
    assert response["HX-Refresh"] == "true"  # the list of changes waiting for approval grew
    assert Counterclaim.objects.get(claim_a__in=[armenia, azerbaijan]).held
    assert PendingRevision.objects.exists()


# --- The claim's edit form -------------------------------------------------------------------


def _fields(html: str) -> list[str]:
    return [name for name in re.findall(r'name="([a-z_]+)"', html) if name != "csrfmiddlewaretoken"]


def test_edit_form_shows_its_aspects_fields_in_reading_order(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    casualties = client.get(reverse("tracker:claim-edit", args=[desk.north.pk]), **HTMX)
    assert _fields(casualties.content.decode()) == [
        "version",
        "text",
        "aspect",
        "casualty_side",
        "killed_min",
        "killed_max",
        "wounded_min",
        "wounded_max",
        "at_least",
    ]
    timing = client.get(reverse("tracker:claim-edit", args=[desk.timing.pk]), **HTMX)
    html = timing.content.decode()
    assert _fields(html)[1:] == ["text", "aspect", "time_start", "time_end", "time_precision"]
    assert "Start (local time, Asia/Yerevan)" in html
    assert "Kept in UTC: saved now as 12 Sep 2022, 20:00 UTC." in html


def test_inline_save_answers_with_the_claim_block_only(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    response = client.post(
        reverse("tracker:claim-edit", args=[desk.south.pk]),
        {
            "text": "At least three were killed.",
            "aspect": "casualties",
            "killed_min": 3,
            "at_least": "on",
            "version": desk.south.version,
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#claim-{desk.south.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert html.startswith(f'<div class="claim" id="claim-{desk.south.pk}"')
    assert "killed: at least 3" in html
    saved = Claim.objects.get(pk=desk.south.pk)
    assert (saved.text, saved.killed_min, saved.killed_max) == (
        "At least three were killed.",
        3,
        None,
    )


@pytest.mark.parametrize(
    ("claim", "data", "message"),
    [
        ("north", {"killed_min": 5, "killed_max": 2}, "The minimum killed figure is larger"),
        ("north", {"killed_min": -1}, "greater than or equal to 0"),
        ("north", {"text": ""}, "This field is required."),
        (
            "timing",
            {"time_start": "2022-09-13T10:00", "time_end": "2022-09-13T09:00"},
            "must not end before it starts",
        ),
        ("timing", {"time_start": "yesterday"}, "Enter a valid date/time."),
    ],
)
def test_bad_edit_is_shown_beside_the_form_and_nothing_saved(
    client, make_user, desk, claim, data, message
):
    client = _as(client, make_user, "Journalist")
    target = getattr(desk, claim)
    form = {"text": target.text, "aspect": target.aspect, "version": target.version, **data}
    response = client.post(reverse("tracker:claim-edit", args=[target.pk]), form, **HTMX)
    assert response.status_code == 200  # the form again, swapped in place
    assert message in response.content.decode()
    assert "HX-Retarget" not in response
    assert Claim.objects.get(pk=target.pk).version == target.version


def test_changing_the_aspect_clears_the_old_aspects_values(client, make_user, desk):
    client = _as(client, make_user, "Journalist")
    response = client.post(
        reverse("tracker:claim-edit", args=[desk.timing.pk]),
        {
            "text": "Somewhere near the border.",
            "aspect": "location",
            "version": desk.timing.version,
        },
    )
    assert response.status_code == 302
    moved = Claim.objects.get(pk=desk.timing.pk)
    assert (moved.aspect, moved.time_start) == (Aspect.LOCATION, None)


def test_viewer_may_not_edit_a_claim(client, make_user, desk):
    client = _as(client, make_user, "Viewer")
    url = reverse("tracker:claim-edit", args=[desk.north.pk])
    response = client.post(url, {"text": "x", "aspect": "casualties", "version": 1})
    assert response.status_code == 403
    assert Claim.objects.get(pk=desk.north.pk).text == "Two of ours were killed."
