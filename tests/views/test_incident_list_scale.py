"""The incident list at the scale of a real desk, through HTTP: the map's clusters as JSON for
the filters, box and zoom; the result count; keyset pages both ways; a timeline that keeps empty
months and filters by them; export links that carry the filters."""

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from tests import factories
from tracker.enums import IncidentType

pytestmark = pytest.mark.django_db

LIST = "/incidents/"
CLUSTERS = "/incidents/clusters/"


@pytest.fixture
def desk(db):  # type: ignore[no-untyped-def]
    """Twelve incidents over three places and three months (with an empty month between), and
    one with no place: shelling in Sotk, armed clashes in Jermuk, one strike far away."""
    sides = factories.conflict()
    made = []
    for index in range(12):
        kind = IncidentType.SHELLING if index % 2 else IncidentType.ARMED_CLASH
        near_sotk = index % 2 == 1
        made.append(
            factories.incident(
                sides.conflict,
                title=f"Incident {index}",
                kind=kind,
                # January and March 2022; February stays empty.
                when=factories.utc(2022, 1 if index < 6 else 3, 1 + index, 12),
                latitude=40.2 + index / 1000 if near_sotk else 39.8 + index / 1000,
                longitude=45.9 + index / 1000 if near_sotk else 45.6 + index / 1000,
            )
        )
    made.append(
        factories.incident(
            sides.conflict,
            title="Far away",
            kind=IncidentType.AIR_STRIKE,
            latitude=-33.9,
            longitude=18.4,
            when=factories.utc(2022, 3, 20),
        )
    )
    made.append(
        factories.incident(
            sides.conflict,
            title="Nowhere",
            kind=IncidentType.AIR_STRIKE,
            when=factories.utc(2022, 3, 21),
        )
    )
    return made


def _clusters(client: Any, **params: Any) -> dict:
    answer = client.get(CLUSTERS, params)
    assert answer.status_code == 200, answer.content
    return answer.json()


def test_clusters_count_every_located_incident_once(desk, role_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = role_client("Journalist")
    world = _clusters(client, zoom=0)
    assert world["total"] == 13  # every incident but the one with no place
    assert sum(c["count"] for c in world["clusters"]) == world["total"]
    # At zoom 0 the Caucasus is one cell of twelve; the Cape is a single incident, with its link.
    counts = sorted(c["count"] for c in world["clusters"])
    assert counts == [1, 12]
    single = next(c for c in world["clusters"] if c["count"] == 1)
    assert single["incident"]["title"] == "Far away"
    assert single["incident"]["url"] == f"/incidents/{desk[12].pk}/"
    # Zoomed in on the Caucasus, the two towns part; far enough in, every incident is its own.
    close = _clusters(client, zoom=6, bbox="44,39,47,41")
    assert sorted(c["count"] for c in close["clusters"]) == [6, 6]
    street = _clusters(client, zoom=16, bbox="44,39,47,41")
    assert len(street["clusters"]) == 12
    assert all(c["incident"] for c in street["clusters"])


def test_clusters_follow_the_filters_and_add_up_to_the_result_count(desk, role_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = role_client("Editor")
    filtered = _clusters(client, zoom=3, type="shelling")
    assert filtered["total"] == 6
    page = client.get(LIST, {"type": "shelling"}).text
    assert "6 incidents match" in page
    every = _clusters(client, zoom=3)
    assert "14 incidents match" in client.get(LIST).text  # the count includes the unlocated one
    assert every["total"] == 13
    january = _clusters(client, zoom=3, occurred_from="2022-01-01", occurred_to="2022-01-31")
    assert january["total"] == 6


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "zoom", "whole number from 0 to 20"),
        ({"zoom": "far"}, "zoom", "whole number from 0 to 20"),
        ({"zoom": "21"}, "zoom", "whole number from 0 to 20"),
        ({"zoom": "-1"}, "zoom", "whole number from 0 to 20"),
        ({"zoom": "²"}, "zoom", "whole number from 0 to 20"),
        ({"zoom": "3", "bbox": "east,of,eden"}, "bbox", "west,south,east,north"),
        ({"zoom": "3", "bbox": "0,50,10,40"}, "bbox", "south ≤ north"),
        ({"zoom": "3", "type": "picnic"}, "type", "picnic"),
    ],
)
def test_bad_zoom_or_box_is_a_400_in_words(desk, role_client, params, field, words) -> None:  # type: ignore[no-untyped-def]
    client, _ = role_client("Journalist")
    answer = client.get(CLUSTERS, params)
    assert answer.status_code == 400
    assert words in " ".join(answer.json()["errors"][field])


def test_clusters_need_a_login(desk, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(CLUSTERS, {"zoom": 0}).status_code == 302


def _titles(html: str) -> list[str]:
    return re.findall(r'<a href="/incidents/\d+/" dir="auto">([^<]+)</a>', html)


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def test_keyset_pages_go_forward_and_back(desk, role_client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("tracker.views.incidents.PAGE_SIZE", 5)
    client, _ = role_client("Editor")
    first = client.get(LIST).text
    assert _link(first, "prev") is None
    pages = [_titles(first)]
    html = first
    while (following := _link(html, "next")) is not None:
        html = client.get(LIST + following).text
        pages.append(_titles(html))
    assert [len(p) for p in pages] == [5, 5, 4]
    titles = [t for p in pages for t in p]
    assert len(set(titles)) == 14
    # And back again from the last page, the same pages in the same order.
    back = [pages[-1]]
    while (previous := _link(html, "prev")) is not None:
        html = client.get(LIST + previous).text
        back.append(_titles(html))
    assert back[::-1] == pages
    assert 'rel="next"' in html


def test_keyset_back_keeps_the_filters_and_order(desk, role_client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("tracker.views.incidents.PAGE_SIZE", 2)
    client, _ = role_client("Editor")
    first = client.get(LIST, {"type": "shelling", "sort": "oldest"}).text
    second = client.get(LIST + _link(first, "next")).text
    assert "type=shelling" in _link(second, "prev")
    assert "sort=oldest" in _link(second, "prev")
    again = client.get(LIST + _link(second, "prev")).text
    assert _titles(again) == _titles(first) == ["Incident 1", "Incident 3"]


def test_a_damaged_cursor_is_told_in_words(desk, role_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = role_client("Journalist")
    answer = client.get(LIST, {"cursor": "not-a-cursor"})
    assert answer.status_code == 200
    assert "This page link is damaged" in answer.text


def test_the_timeline_keeps_empty_months_and_its_bars_filter(desk, role_client) -> None:  # type: ignore[no-untyped-def]
    client, _ = role_client("Journalist")
    html = client.get(LIST, {"type": "armed_clash"}).text
    bars = re.findall(
        r'<li data-month="([^"]+)"><a href="\?([^"]+)"[^>]*>.*?<span class="count">(\d+)</span>',
        html,
    )
    assert len(bars) == 24
    by_month = {month: (unescape(query), int(n)) for month, query, n in bars}
    assert by_month["Feb 2022"][1] == 0  # the empty month is kept
    assert by_month["Jan 2022"][1] == 3
    assert by_month["Mar 2022"][1] == 3
    assert bars[-1][0] == "Mar 2022"
    query = by_month["Jan 2022"][0]
    assert "occurred_from=2022-01-01" in query
    assert "occurred_to=2022-01-31" in query
    assert "type=armed_clash" in query
    month = client.get(f"{LIST}?{query}").text
    assert sorted(_titles(month)) == ["Incident 0", "Incident 2", "Incident 4"]
    assert "3 incidents match" in month


def test_december_bar_ends_on_new_years_eve(role_client) -> None:  # type: ignore[no-untyped-def]
    sides = factories.conflict()
    factories.incident(sides.conflict, when=factories.utc(2021, 12, 31, 23) + timedelta(minutes=30))
    client, _ = role_client("Journalist")
    html = client.get(LIST).text
    assert "occurred_from=2021-12-01&amp;occurred_to=2021-12-31" in html


def test_export_links_carry_the_filters_not_the_page(desk, role_client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("tracker.views.incidents.PAGE_SIZE", 5)
    client, _ = role_client("Editor")
    first = client.get(LIST, {"type": "shelling", "q": "Incident", "sort": "oldest"}).text
    html = client.get(LIST + _link(first, "next")).text
    links = {
        label: unescape(url)
        for url, label in re.findall(r'<a href="([^"]+)" class="export">(\w+)</a>', html)
    }
    assert set(links) == {"CSV", "Atom", "GeoJSON"}
    assert links["CSV"].startswith(reverse("feeds:incidents-csv") + "?")
    assert links["Atom"].startswith(reverse("feeds:incidents-atom") + "?")
    assert links["GeoJSON"].startswith(reverse("feeds:incidents-geojson") + "?")
    for url in links.values():
        assert "type=shelling" in url
        assert "q=Incident" in url
        assert "cursor=" not in url
        assert "sort=" not in url
        assert client.get(url).status_code == 200
