"""One vocabulary for incident queries: the list page, the API and every feed and export take
the same parameters, select the same incidents with them, and name a bad one with the same words
(tracker.forms.incident_filters → tracker.selectors.incident_queries). Through HTTP, as their
users reach them."""

import csv
import io
import json
from datetime import UTC, datetime

import feedparser
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from tracker.enums import Aspect, EditorialState, IncidentType, Verdict
from tracker.forms.fields import MAX_ID
from tracker.models import Incident
from tracker.services.claims import claim_create, claim_set_verdict
from tracker.services.incidents import incident_create
from tracker.services.statements import statement_create

PUBLISHED = "state=published"  # the list page shows staff every state; the others ignore it


def _incident(conflict, title, **values) -> Incident:
    return incident_create(
        conflict=conflict,
        title=title,
        incident_type=values.pop("incident_type", IncidentType.SHELLING),
        occurred_start=values.pop("occurred_start", datetime(2023, 1, 1, tzinfo=UTC)),
        **values,
    )


@pytest.fixture(autouse=True)
def _unthrottled(settings):
    """Dozens of anonymous requests in a few seconds: more than the anonymous rate allows."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "token": None, "user": None},
    }


@pytest.fixture
def world(demo):
    """The demo incident (disputed, both sides spoke) and three more, each located so the
    GeoJSON holds every one: a drone strike nobody spoke about, shelling with one uncited
    claim, and a draft that only staff may list."""
    Incident.objects.filter(pk=demo.incident.pk).update(latitude=40.9, longitude=45.2)
    drone = _incident(
        demo.conflict,
        "Drone over Jermuk",
        incident_type=IncidentType.AIR_STRIKE,
        occurred_start=datetime(2023, 7, 1, 10, tzinfo=UTC),
        latitude=39.5,
        longitude=45.5,
    )
    shells = _incident(demo.conflict, "Shells on Tavush", latitude=41.0, longitude=44.9)
    armenia = demo.statements["Armenia"].party
    said = statement_create(incident=shells, party=armenia, text="They shelled Tavush.")
    claim_create(statement=said, aspect=Aspect.DAMAGE, text="Two houses burnt.")
    draft = _incident(demo.conflict, "A draft", latitude=40.0, longitude=45.0)
    Incident.objects.filter(pk__in=[drone.pk, shells.pk]).update(state=EditorialState.PUBLISHED)
    Incident.objects.filter(pk=draft.pk).update(state=EditorialState.DRAFT)
    claim_set_verdict(claim=demo.claims[("Armenia", "casualties")], verdict=Verdict.CORROBORATED)
    return {"demo": demo.incident, "drone": drone, "shells": shells, "draft": draft}


@pytest.fixture
def staff(client, django_user_model) -> Client:
    user = django_user_model.objects.create_user("journalist-of-filters")
    user.groups.add(Group.objects.get(name="Journalist"))
    client.force_login(user)
    return client


def _body(response) -> bytes:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, body
    return body


def _page_ids(staff: Client, query: str) -> set[int]:
    html = staff.get(f"/incidents/?{query}&{PUBLISHED}").content.decode()
    return {int(part.split('"', 1)[0]) for part in html.split('<tr data-incident="')[1:]}


def _api_ids(query: str) -> set[int]:
    body = json.loads(_body(APIClient().get(f"/api/v1/incidents/?{query}&page_size=100")))
    return {row["id"] for row in body["results"]}


def _csv_ids(query: str) -> set[int]:
    rows = csv.DictReader(
        io.StringIO(_body(Client().get(f"/feeds/incidents.csv?{query}")).decode("utf-8-sig"))
    )
    return {int(row["id"]) for row in rows}


def _geojson_ids(query: str) -> set[int]:
    body = json.loads(_body(Client().get(f"/feeds/incidents.geojson?{query}")))
    return {feature["id"] for feature in body["features"]}


def _atom_ids(query: str) -> set[int]:
    feed = feedparser.parse(Client().get(f"/feeds/incidents.atom?{query}").content)
    return {int(entry.link.rstrip("/").rsplit("/", 1)[1]) for entry in feed.entries}


DOORS = {"api": _api_ids, "csv": _csv_ids, "geojson": _geojson_ids, "atom": _atom_ids}


def _queries(world, demo) -> dict[str, set[str]]:
    armenia = demo.statements["Armenia"].party
    side = armenia.sides.get().pk
    return {
        "": {"demo", "drone", "shells"},
        "q=drone": {"drone"},
        f"conflict={demo.conflict.slug}": {"demo", "drone", "shells"},
        f"conflict={demo.conflict.pk}&type=air_strike": {"drone"},
        "type=air_strike&type=shelling": {"drone", "shells"},
        f"party={armenia.pk}": {"demo", "shells"},
        f"party={armenia.pk}&party={MAX_ID}": {"demo", "shells"},
        f"side={side}": {"demo", "shells"},
        "verdict=corroborated": {"demo"},
        "aspect=damage": {"shells"},
        "aspect=initiator&aspect=damage": {"demo", "shells"},
        "dispute=disputed": {"demo"},
        "dispute=no_claims&dispute=one_sided": {"drone", "shells"},
        "uncited=true": {"shells"},
        "occurred_from=2023-07-01": {"drone"},
        "occurred_from=2023-01-01&occurred_to=2023-01-01": {"shells"},
        "occurred_to=2023-07-01T09:59:59Z": {"demo", "shells"},
        "bbox=45.4,39,45.6,40": {"drone"},
        "bbox=45.3,39,45.0,42": {"drone", "shells"},  # across the antimeridian: all but 45.2
    }


def test_same_criteria_select_the_same_incidents_through_every_door(world, demo, staff):
    names = {incident.pk: name for name, incident in world.items()}
    for query, expected in _queries(world, demo).items():
        assert {names[pk] for pk in _page_ids(staff, query)} == expected, ("page", query)
        for door, ids in DOORS.items():
            assert {names[pk] for pk in ids(query)} == expected, (door, query)


def test_only_staff_pages_and_editors_asking_see_other_states(world, demo, staff):
    draft = world["draft"].pk
    html = staff.get("/incidents/?state=draft").content.decode()
    assert f'data-incident="{draft}"' in html
    for door, ids in DOORS.items():
        assert draft not in ids("state=draft"), door


BAD = {
    "type=nonsense": (
        400,
        {"type": ["Select a valid choice. nonsense is not one of the available choices."]},
    ),
    "bbox=1,2,3": (400, {"bbox": ["Give west,south,east,north in degrees."]}),
    "bbox=0,80,10,70": (
        422,
        {"bbox": ["Out of range: longitudes ±180, latitudes ±90, south ≤ north."]},
    ),
    "occurred_from=yesterday": (
        400,
        {"occurred_from": ["A day (2024-05-31) or an ISO 8601 time (2024-05-31T08:00:00Z)."]},
    ),
    "occurred_from=2024-02-30": (
        400,
        {"occurred_from": ["A day (2024-05-31) or an ISO 8601 time (2024-05-31T08:00:00Z)."]},
    ),
    "occurred_from=2024-02-01&occurred_to=2024-01-31": (
        422,
        {"occurred_to": ["The end date is before the start date."]},
    ),
    "party=armenia": (400, {"party": ["An id: digits 0-9 only."]}),
    "side=1&side=²": (400, {"side": ["An id: digits 0-9 only."]}),
    "uncited=maybe": (400, {"uncited": ["true or false."]}),
    "dispute=contested": (
        400,
        {"dispute": ["Select a valid choice. contested is not one of the available choices."]},
    ),
}


@pytest.mark.parametrize("query", list(BAD))
def test_the_same_bad_input_gets_the_same_words_through_every_door(world, staff, query):
    status, errors = BAD[query]
    for path in (
        "/api/v1/incidents/",
        "/feeds/incidents.csv",
        "/feeds/incidents.geojson",
        "/feeds/incidents.atom",
        "/feeds/incidents.json",
    ):
        response = Client().get(f"{path}?{query}")
        assert response.status_code == status, path
        assert response["Content-Type"] == "application/problem+json", path
        assert response.json()["errors"] == errors, path
    page = staff.get(f"/incidents/?{query}")
    assert page.status_code == 200  # the page names the field, and the valid filters still apply
    html = page.content.decode()
    for messages in errors.values():
        for message in messages:
            assert f'<p class="error" role="alert">{escape(message)}</p>' in html, message


def test_the_page_keeps_the_valid_filters_beside_a_bad_one(world, staff):
    assert _page_ids(staff, "type=air_strike&bbox=1,2,3") == {world["drone"].pk}


def test_the_api_schema_documents_every_filter(world):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/incidents/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    for name in ("q", "conflict", "party", "side", "type", "state", "verdict", "aspect"):
        assert name in parameters, name
    for name in ("dispute", "occurred_from", "occurred_to", "bbox", "uncited", "updated_since"):
        assert name in parameters, name
    assert parameters["type"]["schema"]["type"] == "array"
    assert parameters["type"]["explode"] is True
    assert parameters["uncited"]["schema"] == {"type": "boolean"}
    assert parameters["party"]["schema"]["items"]["type"] == "integer"
