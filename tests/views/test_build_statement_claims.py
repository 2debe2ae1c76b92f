"""A statement with its claims in one form, and the defaults that spare a person a choice, over
HTTP: "Add statement" takes a claim per core aspect (rows left empty create nothing), all saved
or none, each refusal beside its row's fields; a time given to the minute is exact unless the
person says otherwise; a pasted text is the source without saying so, titled by its first line."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.urls import reverse

from tests import factories
from tracker.enums import Aspect, TimePrecision
from tracker.models import Claim, Incident, Source, Statement

pytestmark = pytest.mark.django_db


def _errors(html: str) -> list[str]:
    """Field errors, and a form's own (a constraint on two fields)."""
    found = re.findall(r'<p class="error" role="alert">([^<]+)</p>', html)
    found += re.findall(r'<div class="error" role="alert"><p>([^<]+)</p>', html)
    return [unescape(m) for m in found]


def _statement(party_pk: int, side_pk: int, **rows: str) -> dict[str, str]:
    """The statement's own fields, and the claim rows as the form draws them (the accused side
    and whose losses chosen already), with ROWS typed into them."""
    return {
        "side": str(side_pk),
        "party": str(party_pk),
        "channel": "website",
        "issued_local": "2022-09-13T02:30",
        "issued_timezone": "Asia/Yerevan",
        "text": "From 00:05 the other side shelled our positions near Jermuk; 49 were killed.",
        "initiator-text": "",
        "timing-text": "",
        "timing-time_precision": "",
        "location-text": "",
        "casualties-text": "",
        **rows,
    }


@pytest.fixture
def empty(belligerents):
    """An incident nobody has spoken about yet, reported in Yerevan's time."""
    return factories.incident(belligerents.conflict, local_timezone="Asia/Yerevan")


def test_add_statement_offers_a_row_per_core_aspect(role_client, belligerents, empty):
    client, _ = role_client("Journalist")
    north, south = belligerents.sides
    url = f"{reverse('tracker:statement-new', args=[empty.pk])}?side={north.pk}"
    form = client.get(url).content.decode()
    for aspect in (Aspect.INITIATOR, Aspect.TIMING, Aspect.LOCATION, Aspect.CASUALTIES):
        assert f'data-aspect="{aspect.value}"' in form
        assert f"<legend>{aspect.label}</legend>" in form
    initiator = re.search(r'<select name="initiator-accused_side".*?</select>', form, re.S)
    assert initiator
    assert f'value="{south.pk}" selected' in initiator.group(0)
    assert 'name="casualties-killed_min"' in form
    assert 'name="timing-place"' not in form  # each row only its aspect's values


def test_statement_and_its_claims_in_one_post(role_client, belligerents, empty):
    client, _ = role_client("Journalist")
    north, south = belligerents.sides
    data = _statement(
        belligerents.parties[0].pk,
        north.pk,
        **{
            "initiator-text": "South opened fire first.",
            "initiator-accused_side": str(south.pk),
            "timing-text": "It began at 00:05.",
            "timing-time_start": "2022-09-13T00:05",
            "casualties-text": "49 of ours were killed.",
            "casualties-casualty_side": str(north.pk),
            "casualties-killed_min": "49",
            "casualties-killed_max": "49",
        },
    )
    response = client.post(reverse("tracker:statement-new", args=[empty.pk]), data)
    assert response.status_code == 302, _errors(response.content.decode())
    statement = Statement.objects.get()
    claims = {claim.aspect: claim for claim in Claim.objects.filter(statement=statement)}
    assert sorted(claims) == sorted([Aspect.INITIATOR, Aspect.TIMING, Aspect.CASUALTIES])
    assert claims[Aspect.INITIATOR].accused_side == south
    # In the incident's zone, to the minute: exact unless said otherwise.
    assert claims[Aspect.TIMING].time_start == datetime(2022, 9, 12, 20, 5, tzinfo=UTC)
    assert claims[Aspect.TIMING].time_precision == TimePrecision.EXACT
    assert (claims[Aspect.CASUALTIES].killed_min, claims[Aspect.CASUALTIES].killed_max) == (49, 49)
    assert response["Location"].endswith(f"#statement-{statement.pk}")


def test_a_statement_alone_still_needs_no_claim(role_client, belligerents, empty):
    client, _ = role_client("Journalist")
    north, south = belligerents.sides
    data = _statement(
        belligerents.parties[0].pk, north.pk, **{"initiator-accused_side": str(south.pk)}
    )
    response = client.post(reverse("tracker:statement-new", args=[empty.pk]), data)
    assert response.status_code == 302
    assert Statement.objects.count() == 1
    assert Claim.objects.count() == 0  # a side chosen already is no claim


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ({"timing-time_start": "2022-09-13T00:05"}, "This field is required."),
        (
            {"casualties-text": "Dozens killed.", "casualties-killed_min": "-3"},
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {
                "timing-text": "Overnight.",
                "timing-time_start": "2022-09-13T05:00",
                "timing-time_end": "2022-09-13T01:00",
            },
            "end",
        ),
    ],
)
def test_a_bad_row_writes_nothing_and_says_why_beside_it(
    role_client, belligerents, empty, rows, words
):
    client, _ = role_client("Journalist")
    north, _south = belligerents.sides
    data = _statement(
        belligerents.parties[0].pk,
        north.pk,
        **{"initiator-text": "South opened fire first.", **rows},
    )
    response = client.post(reverse("tracker:statement-new", args=[empty.pk]), data)
    assert response.status_code == 422
    html = response.content.decode()
    aspect = next(iter(rows)).split("-")[0]
    row = re.search(
        rf'<fieldset class="claim-row" data-aspect="{aspect}">.*?</fieldset>', html, re.S
    )
    assert row
    assert any(words in error for error in _errors(row.group(0))), _errors(html)
    assert (Statement.objects.count(), Claim.objects.count()) == (0, 0)
    assert "South opened fire first." in html  # what was typed is kept


def test_a_refused_statement_writes_no_claim(role_client, belligerents, empty):
    client, _ = role_client("Journalist")
    north, _south = belligerents.sides
    data = _statement(
        belligerents.parties[0].pk,
        north.pk,
        text="",
        **{"initiator-text": "South opened fire first."},
    )
    response = client.post(reverse("tracker:statement-new", args=[empty.pk]), data)
    assert response.status_code == 422
    assert "This field is required." in _errors(response.content.decode())
    assert (Statement.objects.count(), Claim.objects.count()) == (0, 0)


def test_a_viewer_adds_neither(role_client, belligerents, empty):
    client, _ = role_client("Viewer")
    north, _south = belligerents.sides
    data = _statement(belligerents.parties[0].pk, north.pk, **{"initiator-text": "No."})
    response = client.post(reverse("tracker:statement-new", args=[empty.pk]), data)
    assert response.status_code == 403
    assert (Statement.objects.count(), Claim.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("start", "chosen", "precision"),
    [
        ("2022-09-13T00:05", "", TimePrecision.EXACT),
        ("2022-09-13T14:00", "", TimePrecision.HOUR),
        ("2022-09-13T00:00", "", TimePrecision.DAY),
        ("2022-09-13T00:05", TimePrecision.APPROXIMATE, TimePrecision.APPROXIMATE),
    ],
)
def test_add_claim_reads_the_precision_from_the_time(
    role_client, belligerents, empty, start, chosen, precision
):
    statement = factories.statement(empty, belligerents.parties[0], "It began at night.")
    client, _ = role_client("Journalist")
    north, _south = belligerents.sides
    url = reverse("tracker:claim-new", args=[empty.pk])
    response = client.post(
        url,
        {
            "side": north.pk,
            "aspect": Aspect.TIMING,
            "statement": statement.pk,
            "text": "It began then.",
            "time_start": start,
            "time_precision": chosen,
        },
    )
    assert response.status_code == 302, _errors(response.content.decode())
    assert Claim.objects.get().time_precision == precision


@pytest.mark.parametrize(
    ("start", "chosen", "precision"),
    [
        ("2022-09-13T00:05", "", TimePrecision.EXACT),
        ("2022-09-13T00:00", "", TimePrecision.DAY),
        ("2022-09-13T00:05", TimePrecision.HOUR, TimePrecision.HOUR),
    ],
)
def test_new_incident_reads_the_precision_from_the_time(
    role_client, belligerents, start, chosen, precision
):
    client, _ = role_client("Journalist")
    response = client.post(
        reverse("tracker:incident-new"),
        {
            "conflict": belligerents.conflict.pk,
            "title": "Night clashes",
            "incident_type": "armed_clash",
            "local_start": start,
            "local_timezone": "Asia/Yerevan",
            "time_precision": chosen,
        },
    )
    assert response.status_code == 302, _errors(response.content.decode())
    assert Incident.objects.get().time_precision == precision


def test_pasted_text_is_the_source_titled_by_its_first_line(role_client, belligerents, empty):
    client, _ = role_client("Journalist")
    response = client.post(
        reverse("tracker:incident-source-new", args=[empty.pk]),
        {
            "how": "url",  # left as drawn: the text says what is meant
            "url": "https://news.example.am/2022/09/13/jermuk",
            "text": "\n  Jermuk shelled overnight\nThe ministry said Jermuk was shelled.",
        },
    )
    assert response.status_code == 302, _errors(response.content.decode())
    source = Source.objects.get()
    assert source.title == "Jermuk shelled overnight"
    assert source.text.endswith("The ministry said Jermuk was shelled.")


def test_pasting_nothing_with_text_chosen_says_so(role_client, belligerents, empty):
    client, _ = role_client("Journalist")
    response = client.post(
        reverse("tracker:incident-source-new", args=[empty.pk]),
        {"how": "text", "url": "https://news.example.am/2022/09/13/jermuk", "text": "  "},
    )
    assert response.status_code == 422
    assert "Paste the report's text (or give only its address)." in _errors(
        response.content.decode()
    )
    assert not Source.objects.exists()
