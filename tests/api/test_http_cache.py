"""What a CDN or a reverse proxy in front of the app sees: Cache-Control with s-maxage on the
public page, the public API and the feeds; ETag and Last-Modified answered with 304; and
validators that change when an editor publishes, retracts or approves a revision.

Each request commits its own transaction here (transactional_db), as in production, because
change stamps carry their transaction's time."""

import csv
import io
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tracker.enums import Aspect, EditorialState
from tracker.models import Incident, PendingRevision

pytestmark = pytest.mark.usefixtures("transactional_db")

PUBLIC_URLS = (
    "/p/incidents/{pk}/",
    "/feeds/incidents.atom",
    "/feeds/incidents.json",
    "/feeds/incidents.geojson",
    "/feeds/incidents.csv",
    "/feeds/claims.csv",
    "/feeds/citations.csv",
    "/api/v1/incidents/",
    "/api/v1/incidents/{pk}/",
)


@pytest.fixture
def editor_client(roles, editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _directives(response) -> dict[str, str]:
    return {
        part.split("=")[0].strip(): part.partition("=")[2]
        for part in response["Cache-Control"].split(",")
    }


@pytest.mark.parametrize("template", PUBLIC_URLS)
def test_public_outputs_are_shared_cacheable_and_answer_304(client, demo, template):
    url = template.format(pk=demo.incident.pk)
    first = client.get(url)
    assert first.status_code == 200
    assert _directives(first) == {
        "public": "",
        "max-age": "30",
        "s-maxage": "60",
        "stale-while-revalidate": "30",
    }
    assert "Set-Cookie" not in first.headers
    if url.startswith("/api/"):
        # A session or a token may see more (editors: other states): never one shared copy.
        assert {"Authorization", "Cookie"} <= set(first["Vary"].replace(" ", "").split(","))
    else:
        assert "Cookie" not in first.get("Vary", "")
    etag, modified = first["ETag"], first["Last-Modified"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, _body(again)) == (304, b"")
    assert (again["ETag"], again["Cache-Control"]) == (etag, first["Cache-Control"])
    assert again["Vary"] == first["Vary"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def _revalidation_queries(client, url: str, etag: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    return len(queries)


def _eventually(check, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_revalidation_is_answered_from_memory_until_a_commit_anywhere(client, demo):
    """A 304 costs at most one query, and none once the validator is remembered; a change
    committed on another connection, in plain SQL, is seen at once (PostgreSQL NOTIFY)."""
    url = f"/p/incidents/{demo.incident.pk}/"
    etag = client.get(url)["ETag"]
    assert _revalidation_queries(client, url, etag) <= 1
    assert _eventually(lambda: _revalidation_queries(client, url, etag) == 0)

    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(
            "UPDATE tracker_claim SET text = 'Three soldiers were wounded.' WHERE id = %s",
            [claim.pk],
        )
    assert _eventually(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200)
    fresh = client.get(url)
    assert fresh["ETag"] != etag
    assert b"Three soldiers were wounded." in fresh.content


def test_revalidation_checks_the_host_like_any_request(client, demo):
    url = f"/p/incidents/{demo.incident.pk}/"
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, HTTP_HOST="evil.example").status_code == 400


def test_public_page_is_the_same_for_a_logged_in_editor(client, editor_client, demo):
    url = f"/p/incidents/{demo.incident.pk}/"
    anonymous, staff = client.get(url), editor_client.get(url)
    assert staff.content == anonymous.content
    assert staff["ETag"] == anonymous["ETag"]
    assert b"Log out" not in staff.content
    assert "Cookie" not in staff.get("Vary", "")


def test_each_filter_has_its_own_tag(client, demo):
    whole = client.get("/feeds/incidents.atom")["ETag"]
    filtered = client.get("/feeds/incidents.atom?type=air_strike")["ETag"]
    assert whole != filtered


def _tags(client, pk: int) -> dict[str, str]:
    return {
        template: client.get(template.format(pk=pk))["ETag"]
        for template in PUBLIC_URLS
        if client.get(template.format(pk=pk)).status_code == 200
    }


def test_retracting_and_publishing_change_every_validator(client, editor_client, demo):
    pk = demo.incident.pk
    published = _tags(client, pk)

    editor_client.post(
        reverse("tracker:incident-retract", args=[pk]),
        {"note": "Wrong date.", "version": Incident.objects.get(pk=pk).version},
    )
    assert Incident.objects.get(pk=pk).state == EditorialState.RETRACTED
    page = client.get(f"/p/incidents/{pk}/", HTTP_IF_NONE_MATCH=published["/p/incidents/{pk}/"])
    assert page.status_code == 410  # the notice replaces the page, no stale 304
    assert "s-maxage=60" in page["Cache-Control"]
    for template in PUBLIC_URLS[1:]:
        url = template.format(pk=pk)
        answer = client.get(url, HTTP_IF_NONE_MATCH=published[template])
        assert answer.status_code in (200, 410), url
    assert client.get("/feeds/incidents.json").json()["items"] == []
    assert client.get("/api/v1/incidents/").json()["results"] == []

    Incident.objects.filter(pk=pk).update(state=EditorialState.IN_REVIEW)
    editor_client.post(
        reverse("tracker:incident-publish", args=[pk]),
        {"version": Incident.objects.get(pk=pk).version, "confirm": "yes"},
    )
    assert Incident.objects.get(pk=pk).state == EditorialState.PUBLISHED
    republished = _tags(client, pk)
    assert set(republished) == set(published)
    assert all(republished[url] != published[url] for url in published)


def test_held_revision_keeps_validators_and_approving_it_changes_them(client, editor_client, demo):
    pk = demo.incident.pk
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    before = _tags(client, pk)
    editor_client.post(
        reverse("tracker:claim-edit", args=[claim.pk]),
        {
            "aspect": claim.aspect,
            "text": "Two Armenian soldiers were wounded.",
            "place": claim.place,
            "killed_min": "",
            "killed_max": "",
            "wounded_min": 2,
            "wounded_max": 2,
            "time_start": "",
            "time_end": "",
            "time_precision": claim.time_precision,
            "latitude": "",
            "longitude": "",
            "accused_side": "",
            "casualty_side": claim.casualty_side_id or "",
            "version": claim.version,
        },
    )
    revision = PendingRevision.objects.get()
    assert _tags(client, pk) == before  # public outputs show the last approved state

    editor_client.post(
        reverse("tracker:revision-decide", args=[revision.pk]), {"decision": "approve"}
    )
    after = _tags(client, pk)
    assert all(after[url] != before[url] for url in before)
    page = client.get(f"/p/incidents/{pk}/", HTTP_IF_NONE_MATCH=before["/p/incidents/{pk}/"])
    assert page.status_code == 200
    assert b"Two Armenian soldiers were wounded." in page.content


def test_api_reads_with_a_token_are_private(api, demo, write_key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    response = api.get("/api/v1/incidents/")
    assert _directives(response) == {"private": "", "no-cache": ""}
    assert "Authorization" in response["Vary"]
    anonymous = Client().get("/api/v1/incidents/")
    assert "Authorization" in anonymous["Vary"]


def test_exports_refuse_updated_since_in_words(client, demo):
    for url in ("/feeds/incidents.atom", "/feeds/incidents.json", "/feeds/incidents.csv"):
        response = client.get(url, {"updated_since": "2022-01-01T00:00:00Z"})
        assert response.status_code == 400
        assert "/api/v1/incidents/?updated_since" in response.json()["errors"]["updated_since"][0]


def test_csv_opens_in_a_spreadsheet_in_every_script(client, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(
        summary="Հրադադարի խախտում · Нарушение перемирия · انتهاك وقف إطلاق النار"
    )
    body = _body(client.get("/feeds/incidents.csv"))
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    (row,) = csv.DictReader(io.StringIO(body.decode("utf-8-sig")))
    incident = Incident.objects.get(pk=demo.incident.pk)
    assert row["summary"] == incident.summary
    assert row["occurred_start"] == incident.occurred_start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert row["date"] == incident.occurred_start.date().isoformat()
    assert row["changed_at"].endswith("Z")
    assert (row["conflict_name"], row["dispute_status"], row["time_precision"]) == (
        demo.conflict.name,
        "disputed",
        incident.time_precision,
    )
    plain = _body(client.get("/feeds/incidents.csv?bom=false"))
    assert plain == body.removeprefix(b"\xef\xbb\xbf")
    bad = client.get("/feeds/incidents.csv?bom=maybe")
    assert bad.status_code == 400
    assert "bom" in bad.json()["errors"]


def test_claims_csv_has_the_verdict_note(client, demo):
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    claim.verdict_note = "Two independent monitors saw fire from the east first."
    claim.save(update_fields=["verdict_note"])
    rows = csv.DictReader(io.StringIO(_body(client.get("/feeds/claims.csv")).decode("utf-8-sig")))
    notes = {row["id"]: row["verdict_note"] for row in rows}
    assert notes[str(claim.pk)] == claim.verdict_note
