"""The publish gate's queue through the API: an editor's tool lists what waits, approves or
rejects it; the public representation changes only on approval; read tokens and anonymous
clients never see the queue."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _title(api: APIClient, pk: int) -> str:
    return api.get(reverse("api:incident-detail", args=[pk])).json()["title"]


def test_held_edit_listed_then_approved_goes_public(demo, api, editor_api):
    pk = demo.incident.pk
    before = _title(api, pk)
    version = editor_api.get(reverse("api:incident-detail", args=[pk])).json()["version"]
    held = editor_api.patch(
        reverse("api:incident-detail", args=[pk]),
        {"version": version, "title": "Border clash, two villages"},
        format="json",
    )
    assert held.status_code == 202, held.content
    revision = held.json()["revision"]
    queue = editor_api.get(reverse("api:revision-list"), {"incident": pk}).json()
    assert [row["id"] for row in queue] == [revision]
    assert queue[0]["changes"] == {"title": "Border clash, two villages"}
    assert _title(api, pk) == before

    approved = editor_api.post(reverse("api:revision-approve", args=[revision]))
    assert (approved.status_code, approved.json()["state"]) == (200, "approved")
    assert _title(api, pk) == "Border clash, two villages"
    again = editor_api.post(reverse("api:revision-approve", args=[revision]))
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert editor_api.get(reverse("api:revision-list"), {"incident": pk}).json() == []


def test_rejected_edit_never_goes_public(demo, api, editor_api):
    pk = demo.incident.pk
    before = _title(api, pk)
    version = editor_api.get(reverse("api:incident-detail", args=[pk])).json()["version"]
    held = editor_api.patch(
        reverse("api:incident-detail", args=[pk]),
        {"version": version, "title": "Wrong"},
        format="json",
    )
    rejected = editor_api.post(reverse("api:revision-reject", args=[held.json()["revision"]]))
    assert (rejected.status_code, rejected.json()["state"]) == (200, "rejected")
    assert _title(api, pk) == before


def test_queue_is_for_editors_only(demo, api, read_key):
    assert api.get(reverse("api:revision-list")).status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    assert api.get(reverse("api:revision-list")).status_code == 403


def test_bad_filters_are_named(demo, editor_api):
    bad_state = editor_api.get(reverse("api:revision-list"), {"state": "maybe"})
    assert bad_state.status_code == 400
    assert "state" in bad_state.json()["errors"]
    bad_id = editor_api.get(reverse("api:revision-list"), {"incident": "²"})
    assert bad_id.status_code == 400
    assert "incident" in bad_id.json()["errors"]
    unknown = editor_api.get(reverse("api:revision-list"), {"colour": "red"})
    assert unknown.status_code == 400


def test_incident_filter_takes_every_id_the_schema_admits(editor_api):
    """The largest bigint is an id (the schema's maximum); one past it is refused in words."""
    url = reverse("api:revision-list")
    assert editor_api.get(url, {"incident": str(2**63 - 1)}).json() == []
    refused = editor_api.get(url, {"incident": str(2**63)})
    assert refused.status_code == 400
    assert "digits only" in refused.json()["errors"]["incident"][0]
