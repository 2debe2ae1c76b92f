"""Claims and third-party statements from the grid over HTTP: a cell of a side that spoke offers
"Add claim" with only its aspect's values (the likely side chosen already); a third party with
no column is offered a statement below the grid and gets its column once it has spoken. Every
refusal is in words beside its field, nothing is written, and a viewer gets 403."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import reverse

from tests import factories
from tracker.enums import Aspect, SideRole
from tracker.models import Claim, Statement
from tracker.services.conflicts import party_save, side_save

pytestmark = pytest.mark.django_db


def _errors(html: str) -> list[str]:
    """Field errors, and the form's own (a constraint on two fields)."""
    found = re.findall(r'<p class="error" role="alert">([^<]+)</p>', html)
    found += re.findall(r'<div class="error" role="alert"><p>([^<]+)</p>', html)
    return [unescape(m) for m in found]


def _claim_url(incident, side, aspect: Aspect) -> str:
    return f"{reverse('tracker:claim-new', args=[incident.pk])}?side={side.pk}&aspect={aspect}"


@pytest.fixture
def spoken(belligerents):
    """An incident on which North made a statement and South did not."""
    incident = factories.incident(belligerents.conflict, local_timezone="Asia/Yerevan")
    statement = factories.statement(incident, belligerents.parties[0], "South fired first.")
    return incident, statement


def test_third_party_statement_from_the_grid_then_its_column(role_client, belligerents):
    conflict = belligerents.conflict
    monitors = side_save(conflict=conflict, name="Monitors", role=SideRole.THIRD_PARTY)
    osce = party_save(side=monitors, name="OSCE", kind="organisation")
    incident = factories.incident(conflict)
    client, _ = role_client("Journalist")
    page = client.get(incident.get_absolute_url()).content.decode()
    assert 'data-side="Monitors"' not in page  # no column yet
    offer = re.search(r"<p class=\"third-parties\" data-third-parties>(.*?)</p>", page, re.S)
    assert offer
    add = f"{reverse('tracker:statement-new', args=[incident.pk])}?side={monitors.pk}"
    assert f'href="{add}"' in offer.group(1)
    assert "<bdi>Monitors</bdi>" in offer.group(1)

    form = client.get(add).content.decode()
    assert f'value="{osce.pk}" selected' in form  # the side's one party, chosen already
    data = {"side": monitors.pk, "party": osce.pk, "channel": "website", "text": "Calm now."}
    assert client.post(add, data).status_code == 302
    page = client.get(incident.get_absolute_url()).content.decode()
    assert '<th scope="col" data-side="Monitors">' in page
    assert "data-third-parties" not in page  # its only third party has its column
    # Its cells offer claims, like any side that spoke.
    assert _claim_url(incident, monitors, Aspect.CASUALTIES).replace("&", "&amp;") in page

    viewer, _ = role_client("Viewer")
    other = factories.incident(conflict, title="Another")
    assert "data-third-parties" not in viewer.get(other.get_absolute_url()).content.decode()
    assert viewer.get(add).status_code == 403
    assert Statement.objects.count() == 1


def test_cells_of_a_side_that_spoke_offer_add_claim(role_client, belligerents, spoken):
    incident, _statement = spoken
    north, south = belligerents.sides
    client, _ = role_client("Journalist")
    page = client.get(incident.get_absolute_url()).content.decode()
    for aspect in (Aspect.INITIATOR, Aspect.CASUALTIES, Aspect.TIMING, Aspect.LOCATION):
        assert _claim_url(incident, north, aspect).replace("&", "&amp;") in page
    assert f"?side={south.pk}&amp;aspect=" not in page  # South has no statement to claim in


def test_add_claim_asks_only_the_aspects_values_with_the_likely_side(
    role_client, belligerents, spoken
):
    incident, statement = spoken
    north, south = belligerents.sides
    client, _ = role_client("Journalist")
    form = client.get(_claim_url(incident, north, Aspect.INITIATOR)).content.decode()
    assert f'<option value="{statement.pk}" selected>' in form
    assert f'<option value="{south.pk}" selected>' in form  # the other belligerent
    assert 'name="killed_min"' not in form
    form = client.get(_claim_url(incident, north, Aspect.CASUALTIES)).content.decode()
    assert f'<option value="{north.pk}" selected>' in form  # its own losses
    assert 'name="killed_min"' in form
    assert 'name="accused_side"' not in form
    assert 'name="time_start"' not in form
    form = client.get(_claim_url(incident, north, Aspect.TIMING)).content.decode()
    assert "Start (local time, Asia/Yerevan)" in form  # the incident's zone, as reported

    url = reverse("tracker:claim-new", args=[incident.pk])
    data = {
        "side": north.pk,
        "aspect": Aspect.CASUALTIES,
        "statement": statement.pk,
        "text": "Between two and five soldiers were killed.",
        "casualty_side": north.pk,
        "killed_min": "2",
        "killed_max": "5",
    }
    response = client.post(url, data)
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{incident.get_absolute_url()}#claim-{claim.pk}"
    assert (claim.aspect, claim.statement, claim.casualty_side) == (
        Aspect.CASUALTIES,
        statement,
        north,
    )
    assert (claim.killed_min, claim.killed_max) == (2, 5)

    timing = {
        "side": north.pk,
        "aspect": Aspect.TIMING,
        "statement": statement.pk,
        "text": "Fire opened at 00:05.",
        "time_start": "2022-09-13T00:05",  # as reported: local time in Yerevan
        "time_precision": "exact",
    }
    ok = client.post(url, timing, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200
    assert 'id="grid-block"' in ok.content.decode()
    made = Claim.objects.get(aspect=Aspect.TIMING)
    assert made.time_start == datetime(2022, 9, 12, 20, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"text": ""}, "This field is required."),
        (
            {"killed_min": "5", "killed_max": "2"},
            "The minimum killed figure is larger than the maximum.",
        ),
        ({"killed_min": "-1"}, "Ensure this value is greater than or equal to 0."),
        (
            {"statement": "other-side"},
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_add_claim_refusals_in_words_nothing_written(
    role_client, belligerents, spoken, changes, field_error
):
    incident, statement = spoken
    north = belligerents.sides[0]
    if changes.get("statement") == "other-side":
        other = factories.statement(incident, belligerents.parties[1], "North did.")
        changes = {"statement": str(other.pk)}
    data = {
        "side": north.pk,
        "aspect": Aspect.CASUALTIES,
        "statement": statement.pk,
        "text": "Soldiers were killed.",
        "killed_min": "",
        "killed_max": "",
    } | changes
    client, _ = role_client("Journalist")
    url = reverse("tracker:claim-new", args=[incident.pk])
    response = client.post(url, data)
    assert response.status_code == 422
    assert field_error in _errors(response.content.decode())
    bad = client.post(url, data, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200
    assert bad["HX-Retarget"] == f"#claim-form-{north.pk}-casualties"
    assert not Claim.objects.exists()


def test_add_claim_refused_for_a_bad_cell_or_a_viewer(role_client, belligerents, spoken):
    incident, statement = spoken
    north = belligerents.sides[0]
    other = factories.conflict("east-west", ("East", "West"))
    journalist, _ = role_client("Journalist")
    url = reverse("tracker:claim-new", args=[incident.pk])
    assert journalist.get(f"{url}?side={north.pk}&aspect=bogus").status_code == 404
    assert journalist.get(f"{url}?side=north&aspect=initiator").status_code == 404
    assert journalist.get(f"{url}?aspect=initiator").status_code == 404
    statement_url = reverse("tracker:statement-new", args=[incident.pk])
    for bad in ("1e3", "²", "9" * 30):
        assert journalist.get(f"{statement_url}?side={bad}").status_code == 404
    assert journalist.get(f"{url}?side={other.sides[0].pk}&aspect=initiator").status_code == 404
    viewer, _ = role_client("Viewer")
    assert viewer.get(_claim_url(incident, north, Aspect.INITIATOR)).status_code == 403
    data = {"side": north.pk, "aspect": "initiator", "statement": statement.pk, "text": "x"}
    assert viewer.post(url, data).status_code == 403
    assert not Claim.objects.exists()


def test_counterclaim_form_chooses_the_only_claim_it_can_pair_with(role_client, belligerents):
    incident = factories.incident(belligerents.conflict)
    north = factories.statement(incident, belligerents.parties[0], "South fired first.")
    south = factories.statement(incident, belligerents.parties[1], "North fired first.")
    blame = factories.claim(north, Aspect.INITIATOR, "South fired first.")
    answer = factories.claim(south, Aspect.INITIATOR, "North fired first.")
    client, _ = role_client("Journalist")
    url = reverse("tracker:claim-counterclaim", args=[blame.pk])
    assert f'<option value="{answer.pk}" selected>' in client.get(url).content.decode()
    second = factories.claim(south, Aspect.INITIATOR, "North started it at dawn.")
    form = client.get(url).content.decode()
    assert f'<option value="{answer.pk}">' in form  # two to choose from: none chosen
    assert f'<option value="{second.pk}">' in form
