from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tracker.enums import EditorialState, IncidentType, Verdict
from tracker.models import Incident
from tracker.services.claims import claim_set_verdict
from tracker.services.incidents import incident_create

LIST = "/api/v1/incidents/"


def _publish(conflict, title, **values):
    incident = incident_create(
        conflict=conflict,
        title=title,
        incident_type=values.pop("incident_type", IncidentType.SHELLING),
        occurred_start=values.pop("occurred_start", datetime(2023, 1, 1, tzinfo=UTC)),
        **values,
    )
    Incident.objects.filter(pk=incident.pk).update(state=EditorialState.PUBLISHED)
    return incident


def test_incident_list_anonymous_sees_published_whole(api, demo):
    incident_create(
        conflict=demo.conflict,
        title="A draft nobody may see",
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2023, 1, 1, tzinfo=UTC),
    )
    body = api.get(reverse("api:incident-list")).json()
    assert [row["id"] for row in body["results"]] == [demo.incident.pk]
    incident = body["results"][0]
    assert incident["title"] == demo.incident.title
    assert incident["dispute_status"] == "disputed"
    assert len(incident["statements"]) == 2
    claims = [c for s in incident["statements"] for c in s["claims"]]
    assert len(claims) == len(demo.claims)
    assert all(c["citations"] for c in claims)
    assert {cc["relation"] for cc in incident["counterclaims"]} >= {"contradicts", "corroborates"}
    assert body["next"] is None


def test_incident_list_cursor_pages_every_row_once(api, demo):
    for n in range(5):
        _publish(demo.conflict, f"Extra {n}")
    seen, url = [], reverse("api:incident-list") + "?page_size=2"
    while url:
        body = api.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(Incident.objects.published().values_list("id", flat=True))
    assert len(seen) == 6


def test_incident_list_bad_cursor_is_422(api, db):
    response = api.get(LIST + "?cursor=nonsense")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unprocessable Entity",
        "status": 422,
        "detail": "cursor: Not a cursor from this API.",
        "errors": {"cursor": ["Not a cursor from this API."]},
    }


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("type=air_strike", ["Drone"]),
        ("bbox=45,39,46,40", ["Drone"]),
        ("bbox=40,30,41,31", []),
        ("q=drone", ["Drone"]),
        ("conflict=armenia-azerbaijan&type=shelling", ["Shells"]),
        ("occurred_from=2023-06-01T00:00:00Z", ["Drone"]),
    ],
)
def test_incident_list_filters_select_rows(api, demo, query, titles):
    _publish(demo.conflict, "Shells", place="Tavush")
    _publish(
        demo.conflict,
        "Drone",
        incident_type=IncidentType.AIR_STRIKE,
        latitude=39.5,
        longitude=45.5,
        occurred_start=datetime(2023, 7, 1, tzinfo=UTC),
    )
    body = api.get(f"{LIST}?{query}").json()
    assert sorted(row["title"] for row in body["results"]) == titles


def test_incident_list_filters_by_verdict_aspect_party_side(api, demo):
    claim = demo.claims[("Armenia", "casualties")]
    claim_set_verdict(claim=claim, verdict=Verdict.CORROBORATED)
    other = _publish(demo.conflict, "Silent")
    party = demo.statements["Armenia"].party_id
    side = demo.statements["Armenia"].party.sides.get().pk
    for query in ("verdict=corroborated", "aspect=casualties", f"party={party}", f"side={side}"):
        ids = [row["id"] for row in api.get(f"{LIST}?{query}").json()["results"]]
        assert ids == [demo.incident.pk], query
    assert other.pk not in ids


def test_incident_list_bad_bbox_is_400(api, db):
    response = api.get(LIST + "?bbox=1,2,3")
    assert response.status_code == 400
    assert response.json()["errors"] == {"bbox": ["Give west,south,east,north in degrees."]}


def test_incident_detail_etag_gives_304(api, demo):
    url = reverse("api:incident-detail", args=[demo.incident.pk])
    first = api.get(url)
    assert first.status_code == 200
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    by_date = api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert by_date.status_code == 304


def test_incident_list_etag_changes_after_edit(api, demo):
    first = api.get(LIST)
    claim_set_verdict(claim=demo.claims[("Armenia", "timing")], verdict=Verdict.FALSE)
    again = api.get(LIST, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_incident_detail_draft_is_404_for_anonymous(api, belligerents):
    draft = incident_create(
        conflict=belligerents.conflict,
        title="Draft",
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2023, 1, 1, tzinfo=UTC),
    )
    response = api.get(reverse("api:incident-detail", args=[draft.pk]))
    assert response.status_code == 404
    assert response.json()["detail"] == "No such incident."


def test_incident_list_extreme_offset_is_compared_in_utc(api, demo):
    # PostgreSQL refuses offsets past ±15:59 that ISO 8601 parsers accept.
    response = api.get(LIST, {"occurred_to": "0210-02-06T15:05:56-16:58"})
    assert response.status_code == 200
    assert response.json()["results"] == []
