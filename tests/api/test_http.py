"""HTTP around the API and the feeds: CORS (reads from anywhere, writes from configured
origins), compression when asked, Vary, watermarks in Z form."""

import gzip
import json

from django.urls import reverse

from tracker.models import Incident

ELSEWHERE = "https://dashboard.example"


def test_reads_from_any_origin_expose_sync_headers(api, demo):
    response = api.get(reverse("api:incident-list"), HTTP_ORIGIN=ELSEWHERE)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"X-Sync-Watermark", "ETag", "Retry-After"} <= exposed
    feed = api.get(reverse("feeds:incidents-atom"), HTTP_ORIGIN=ELSEWHERE)
    assert feed["Access-Control-Allow-Origin"] == "*"


def test_read_preflight_with_token_header_is_allowed_anywhere(api, db):
    response = api.options(
        reverse("api:incident-list"),
        HTTP_ORIGIN=ELSEWHERE,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response["Access-Control-Allow-Headers"]


def test_writes_only_from_configured_origins(editor_api, demo, settings):
    url = reverse("api:incident-detail", args=[demo.incident.pk])
    preflight = editor_api.options(
        url, HTTP_ORIGIN=ELSEWHERE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH"
    )
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Origin" not in preflight
    refused = editor_api.patch(
        url, {"version": 1, "title": "From elsewhere"}, format="json", HTTP_ORIGIN=ELSEWHERE
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        f"Writes are not accepted from {ELSEWHERE}: only reads are open to every origin."
    )
    assert Incident.objects.get(pk=demo.incident.pk).version == 1

    settings.COUNTERCLAIM_CORS_WRITE_ORIGINS = [ELSEWHERE]
    allowed = editor_api.options(
        url, HTTP_ORIGIN=ELSEWHERE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH"
    )
    assert (allowed.status_code, allowed["Access-Control-Allow-Origin"]) == (204, ELSEWHERE)
    assert "PATCH" in allowed["Access-Control-Allow-Methods"]
    written = editor_api.patch(
        url, {"version": 1, "title": "From the desk"}, format="json", HTTP_ORIGIN=ELSEWHERE
    )
    # 202: the demo incident is published, so the edit waits for an editor's approval
    assert (written.status_code, written["Access-Control-Allow-Origin"]) == (202, ELSEWHERE)
    assert "Origin" in written["Vary"]


def test_same_origin_writes_need_no_configuration(editor_api, demo):
    url = reverse("api:incident-detail", args=[demo.incident.pk])
    response = editor_api.patch(
        url, {"version": 1, "title": "Here"}, format="json", HTTP_ORIGIN="http://testserver"
    )
    assert response.status_code == 202  # accepted, and held by the publish gate (published)


def test_compressed_when_asked_and_vary_names_inputs(api, demo):
    url = reverse("api:incident-list")
    plain = api.get(url)
    packed = api.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert len(packed.content) < len(plain.content)
    vary = {name.strip() for name in packed["Vary"].split(",")}
    assert {"Accept", "Accept-Encoding", "Authorization", "Cookie"} <= vary
    csv = b"".join(api.get(reverse("feeds:claims-csv"), HTTP_ACCEPT_ENCODING="gzip"))
    assert gzip.decompress(csv).startswith("\ufeffid,incident,".encode())


def test_watermark_in_z_form(api, demo):
    watermark = api.get(reverse("api:incident-list"))["X-Sync-Watermark"]
    instant = watermark.split("~")[0]  # opaque to clients: an instant, then the horizon
    assert instant.endswith("Z")
    assert "+00:00" not in watermark
