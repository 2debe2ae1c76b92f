"""The four ledgers through the doors people use: the page, its downloads, the API."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tracker.selectors.ledgers import common as ledger_common
from tracker.selectors.ledgers.latency import latency_median, median_window
from tracker.services.claims import claim_create
from tracker.services.statements import statement_create

pytestmark = pytest.mark.django_db


def _json(client, world, name: str, *, public: bool = True, **params: str) -> dict:
    view = "tracker:public-conflict-ledger" if public else "tracker:conflict-ledger"
    url = reverse(view, args=[world.demo.conflict.slug, name, "json"])
    response = client.get(url, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))  # streamed, like the CSV


def _triples(rows: list[dict]) -> list[tuple]:
    return [(r["bucket"], r["accuser"], r["accused"], r["incidents"], r["mutual"]) for r in rows]


def test_accusations_public_counts_published_incidents_per_day(client, world):
    data = _json(client, world, "accusations", zoom="day")
    assert _triples(data["rows"]) == [
        ("2022-09-10", "Armenia", "Azerbaijan", 1, 1),
        ("2022-09-10", "Azerbaijan", "Armenia", 1, 1),
        ("2022-09-11", "Azerbaijan", "Armenia", 1, 0),
        ("2022-09-22", "Armenia", "Azerbaijan", 1, 1),
        ("2022-09-22", "Azerbaijan", "Armenia", 1, 1),
    ]
    assert data["published_only"] is True


def test_public_ledgers_leave_out_what_the_publish_gate_holds(client, staff_client, world):
    """A statement added to a published incident waits for an editor: the public ledger does
    not count it until approved; the staff ledger does."""
    held = statement_create(incident=world.i2, party=world.am, text="They started it.")
    claim_create(
        statement=held,
        aspect="initiator",
        text="Azerbaijan started it.",
        accused_side=world.azerbaijan,
    )
    public = _triples(_json(client, world, "accusations", zoom="day")["rows"])
    assert ("2022-09-11", "Armenia", "Azerbaijan", 1, 1) not in public
    staff = _json(staff_client, world, "accusations", public=False, zoom="day")["rows"]
    assert ("2022-09-11", "Armenia", "Azerbaijan", 2, 1) in _triples(staff)  # with i3, a draft


def test_accusations_staff_include_drafts_and_month_zoom_sums(staff_client, world):
    data = _json(staff_client, world, "accusations", public=False, zoom="month")
    assert _triples(data["rows"]) == [
        ("2022-09-01", "Armenia", "Azerbaijan", 3, 2),
        ("2022-09-01", "Azerbaijan", "Armenia", 3, 2),
    ]


def test_accusations_filters_by_date_party_and_type(client, world):
    only_10th = _json(
        client, world, "accusations", zoom="day", **{"from": "2022-09-10", "to": "2022-09-10"}
    )
    assert len(only_10th["rows"]) == 2
    by_az = _json(client, world, "accusations", zoom="day", party=str(world.az.pk))
    assert {r["accuser"] for r in by_az["rows"]} == {"Azerbaijan"}
    assert [r["mutual"] for r in by_az["rows"]] == [0, 0, 0]  # Armenia's statements left out
    clashes = _json(client, world, "accusations", type="armed_clash")
    assert _triples(clashes["rows"]) == [("2022-09-05", "Azerbaijan", "Armenia", 1, 0)]


def test_casualty_figures_keep_revised_ones_and_tell_conceded_from_claimed(client, world):
    rows = _json(client, world, "figures")["rows"]  # newest first
    killed = [r for r in rows if r["kind"] == "killed"]
    assert [
        (r["party_id"], r["figure"], r["revised"], r["running_total"], r["whose"]) for r in killed
    ] == [
        (world.am.pk, "at least 5", False, "at least 5", "own (conceded)"),
        (world.az.pk, "at least 10", False, "at least 10", "other side (claimed)"),
        (world.am.pk, "2", True, "2", "own (conceded)"),
    ]
    wounded = [r for r in rows if r["kind"] == "wounded"]
    assert [(r["figure"], r["whose"]) for r in wounded] == [("1", "own (conceded)")]
    assert wounded[0]["citation_id"] is not None  # the demo claim is cited


def test_casualty_running_totals_per_period(client, world):
    rows = _json(client, world, "casualties", zoom="day")["rows"]
    armenia_killed = [
        (r["bucket"], r["figures"], r["revisions"], r["total_min"], r["total_max"], r["total"])
        for r in rows
        if r["party_id"] == world.am.pk and r["kind"] == "killed"
    ]
    assert armenia_killed == [
        ("2022-09-10", 1, 0, 2, 2, "2"),
        ("2022-09-12", 1, 1, 5, None, "at least 5"),
    ]


def test_latency_median_bins_and_silences(client, world):
    data = _json(client, world, "latency")
    answered = {(r["side"], r["bin"]): r["incidents"] for r in data["rows"] if r["incidents"]}
    assert answered == {("Azerbaijan", "3 h–6 h"): 1}
    silences = _json(client, world, "silences")["rows"]
    assert [(r["incident_id"], r["silent_side"]) for r in silences] == [(world.i2.pk, "Armenia")]


def test_verdicts_count_each_claim_once_by_party_and_period(client, world):
    rows = _json(client, world, "verdicts", zoom="month")["rows"]
    by_party = {r["party_id"]: r for r in rows}
    am, az = by_party[world.am.pk], by_party[world.az.pk]
    # Armenia: demo's 5 claims + 2 in i1 (one corroborated) + 1 revision; the draft is not public.
    assert (am["corroborated"], am["unverified"], am["contested"]) == (1, 7, 0)
    # Azerbaijan: demo's 5 + 1 contested + 2 in i2.
    assert (az["corroborated"], az["unverified"], az["contested"]) == (0, 7, 1)


def test_csv_download_has_the_table_columns(client, world):
    url = reverse(
        "tracker:public-conflict-ledger", args=[world.demo.conflict.slug, "accusations", "csv"]
    )
    response = client.get(url, {"zoom": "day"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # UTF-8 with BOM: spreadsheets read every script
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [
        "Period starting",
        "Accusing side",
        "Accused side",
        "Incidents",
        "Of which both accused each other",
    ]
    assert rows[1] == ["2022-09-10", "Armenia", "Azerbaijan", "1", "1"]


def test_api_ledger_matches_download_and_refuses_unknown_params(client, world):
    conflict = world.demo.conflict
    url = reverse("api:conflict-ledger", args=[conflict.pk, "accusations"])
    response = client.get(url, {"zoom": "day"})
    assert response.status_code == 200
    assert response.json()["rows"] == _json(client, world, "accusations", zoom="day")["rows"]
    bad = client.get(url, {"zoom": "day", "partyy": "3"})
    assert bad.status_code == 400
    assert "partyy" in bad.json()["errors"]
    wrong = client.get(url, {"zoom": "year", "from": "2022-13-01"})
    assert wrong.status_code == 400
    assert set(wrong.json()["errors"]) == {"zoom", "from"}
    unknown = client.get(reverse("api:conflict-ledger", args=[conflict.pk, "scores"]))
    assert unknown.status_code == 404
    assert "accusations" in unknown.json()["detail"]
    for missing in (999_999, 2**64):  # the second is past bigint: still a 404, not a 500
        nothing = client.get(reverse("api:conflict-ledger", args=[missing, "accusations"]))
        assert nothing.status_code == 404
        assert nothing.json()["detail"] == f"No conflict {missing}."


def test_api_figures_stream_the_downloads_document(client, world):
    """Every figure as issued is unbounded: the API streams it as the page's download does."""
    url = reverse("api:conflict-ledger", args=[world.demo.conflict.pk, "figures"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming
    document = json.loads(b"".join(response.streaming_content))
    assert document["rows"] == _json(client, world, "figures")["rows"]
    assert document["rows"]
    accusations = client.get(
        reverse("api:conflict-ledger", args=[world.demo.conflict.pk, "accusations"])
    )
    assert not accusations.streaming  # bounded ledgers answer one document


def test_figures_download_streams_newest_first_with_running_totals(client, world, monkeypatch):
    """Every figure as issued comes off a server-side cursor a few rows per fetch (two here, so
    the running totals carry from one fetch to the next), in the index's order: newest first."""
    monkeypatch.setattr(ledger_common, "STREAM_ROWS", 2)
    slug = world.demo.conflict.slug
    response = client.get(reverse("tracker:public-conflict-ledger", args=[slug, "figures", "csv"]))
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body)))
    assert header[:8] == [
        "As of (UTC)",
        "Claimant",
        "Whose losses",
        "Conceded or claimed",
        "Category",
        "Figure",
        "Later revised",
        "Claimant's running total",
    ]
    assert [row[0] for row in rows] == sorted((row[0] for row in rows), reverse=True)
    names = {world.am.pk: world.am.name, world.az.pk: world.az.name}
    assert [(r[1], r[3], r[5], r[6], r[7]) for r in rows if r[4] == "killed"] == [
        (names[world.am.pk], "own (conceded)", "at least 5", "False", "at least 5"),
        (names[world.az.pk], "other side (claimed)", "at least 10", "False", "at least 10"),
        (names[world.am.pk], "own (conceded)", "2", "True", "2"),
    ]
    assert [(r[3], r[5]) for r in rows if r[4] == "wounded"] == [("own (conceded)", "1")]
    assert rows == [
        [str(value) if value is not None else "" for value in row]
        for row in _figure_cells(_json(client, world, "figures")["rows"])
    ]


def _figure_cells(rows: list[dict]) -> list[list]:
    keys = ["as_of", "party", "victim", "whose", "kind", "figure", "revised", "running_total"]
    keys += ["incident_id", "statement_id", "citation_id"]
    return [[row[key] for key in keys] for row in rows]


def test_bad_filters_are_named_in_words(client, world):
    slug = world.demo.conflict.slug
    url = reverse("tracker:public-conflict-ledger", args=[slug, "casualties", "json"])
    response = client.get(url, {"from": "2022-09-12", "to": "2022-09-01", "party": "999999"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "to: The end date is before the start date." in text
    assert "party:" in text
    page = client.get(reverse("tracker:public-conflict", args=[slug]), {"zoom": "decade"})
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()
    nothing = client.get(reverse("tracker:public-conflict-ledger", args=[slug, "scores", "csv"]))
    assert nothing.status_code == 400


def test_public_page_draws_four_ledgers_with_links_and_tables(client, world):
    response = client.get(
        reverse("tracker:public-conflict", args=[world.demo.conflict.slug]), {"zoom": "day"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<svg class="chart') >= 4
    assert "style=" not in html  # the CSP forbids inline styles
    drill = reverse("tracker:public-conflict-incidents", args=[world.demo.conflict.slug])
    assert f'href="{drill}?zoom=day&amp;from=2022-09-10&amp;to=2022-09-10&amp;accuser=' in html
    assert "Unconfirmed report" not in html  # the draft
    assert f"/p/incidents/{world.i1.pk}/#statement-" in html
    assert "No score and no ranking" in html or "no score and no ranking" in html.lower()


def test_staff_page_needs_login(client, world):
    url = reverse("tracker:conflict", args=[world.demo.conflict.slug])
    assert client.get(url).status_code == 302


def test_drill_down_lists_the_incidents_behind_a_bar(client, staff_client, world):
    slug = world.demo.conflict.slug
    params = {
        "from": "2022-09-10",
        "to": "2022-09-11",
        "accuser": world.armenia.pk,
        "accused": world.azerbaijan.pk,
    }
    public = client.get(reverse("tracker:public-conflict-incidents", args=[slug]), params)
    assert [i["id"] for i in public.context["incidents"]] == [world.i1.pk]
    staff = staff_client.get(reverse("tracker:conflict-incidents", args=[slug]), params)
    assert [i["id"] for i in staff.context["incidents"]] == [world.i1.pk, world.i3.pk]
    mutual = staff_client.get(
        reverse("tracker:conflict-incidents", args=[slug]), {**params, "mutual": "1"}
    )
    assert [i["id"] for i in mutual.context["incidents"]] == [world.i1.pk]
    bad = client.get(reverse("tracker:public-conflict-incidents", args=[slug]), {"accuser": "x"})
    assert bad.status_code == 400
    assert "two different sides" in bad.content.decode()


@pytest.mark.parametrize(
    ("answered", "window", "middle", "median"),
    [
        (1, {"skip": 0, "take": 1}, [60.0], 60.0),
        (5, {"skip": 2, "take": 1}, [30.0], 30.0),
        (4, {"skip": 1, "take": 2}, [30.0, 90.0], 60.0),  # as percentile_cont(0.5)
    ],
)
def test_median_is_read_from_the_middle_rows(answered, window, middle, median):
    assert median_window(answered) == window
    assert latency_median([{"seconds": value} for value in middle]) == median
