from django.urls import reverse
from rest_framework.test import APIClient

from tracker.enums import EditorialAction, EditorialState
from tracker.models import (
    ApiToken,
    EditorialLogEntry,
    Incident,
    IncidentEvent,
    PendingRevision,
    Statement,
)
from tracker.services.revisions import revision_approve

NEW = {
    "title": "Mortar fire near Sotk",
    "incident_type": "shelling",
    "occurred_start": "2023-03-01T10:00:00Z",
}


def test_incident_create_with_write_token_makes_draft(editor_api, belligerents, editor):
    response = editor_api.post(
        reverse("api:incident-list"), {**NEW, "conflict": belligerents.conflict.pk}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["state"], body["version"]) == (NEW["title"], "draft", 1)
    event = IncidentEvent.objects.filter(pgh_obj_id=body["id"], pgh_label="insert").get()
    assert event.pgh_context.metadata["user"] == editor.pk


def test_incident_create_with_read_token_is_403(api, read_key, belligerents):
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    response = api.post(reverse("api:incident-list"), {**NEW, "conflict": belligerents.conflict.pk})
    assert response.status_code == 403
    assert not Incident.objects.filter(title=NEW["title"]).exists()


def test_incident_create_anonymous_is_401(api, belligerents):
    response = api.post(reverse("api:incident-list"), {**NEW, "conflict": belligerents.conflict.pk})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_revoked_token_is_refused(api, editor, write_key):
    ApiToken.objects.update(revoked_at="2024-01-01T00:00:00Z")
    api.credentials(HTTP_AUTHORIZATION=f"Token {write_key}")
    response = api.get(reverse("api:incident-list"))
    assert response.status_code == 401
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Unknown or revoked token.",
    }


def test_incident_update_stale_version_is_409(editor_api, demo):
    Incident.objects.filter(pk=demo.incident.pk).update(state=EditorialState.IN_REVIEW)
    url = reverse("api:incident-detail", args=[demo.incident.pk])
    assert editor_api.patch(url, {"version": 1, "title": "First"}, format="json").status_code == 200
    response = editor_api.patch(url, {"version": 1, "title": "Second"}, format="json")
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    assert Incident.objects.get(pk=demo.incident.pk).title == "First"


def test_incident_invalid_coordinates_is_400_and_nothing_stored(editor_api, demo):
    url = reverse("api:incident-detail", args=[demo.incident.pk])
    response = editor_api.patch(url, {"version": 1, "latitude": 95.0}, format="json")
    assert response.status_code == 400
    assert "latitude" in str(response.json()).lower()
    assert Incident.objects.get(pk=demo.incident.pk).version == 1


def test_incident_retract_needs_note_then_tombstone(editor_api, api, demo):
    url = reverse("api:incident-retract", args=[demo.incident.pk])
    assert editor_api.post(url, {"note": " "}, format="json").status_code == 400
    response = editor_api.post(url, {"note": "Wrong date"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "retracted"
    entry = EditorialLogEntry.objects.get(incident_id=demo.incident.pk)
    assert (entry.action, entry.note) == (EditorialAction.RETRACTED, "Wrong date")
    gone = api.get(reverse("api:incident-detail", args=[demo.incident.pk]))
    assert gone.status_code == 410
    assert gone.json()["reason"] == "retracted"
    assert gone.json()["deleted"] is True


def test_incident_merge_and_unmerge_moves_statements_back(editor_api, demo):
    other = Incident.objects.create(
        conflict=demo.conflict,
        title="Duplicate",
        incident_type="shelling",
        occurred_start=demo.incident.occurred_start,
        state=EditorialState.PUBLISHED,
    )
    original = set(demo.incident.statements.values_list("id", flat=True))
    response = editor_api.post(
        reverse("api:incident-merge", args=[demo.incident.pk]), {"target": other.pk}, format="json"
    )
    assert response.status_code == 202  # the target is published: held for approval
    assert not Statement.objects.filter(incident=other).exists()
    revision_approve(
        revision=PendingRevision.objects.get(pk=response.json()["revision"]), user=None
    )
    assert set(Statement.objects.filter(incident=other).values_list("id", flat=True)) == original
    assert Incident.objects.get(pk=demo.incident.pk).merged_into_id == other.pk
    response = editor_api.post(reverse("api:incident-unmerge", args=[demo.incident.pk]))
    assert response.status_code == 200
    assert set(demo.incident.statements.values_list("id", flat=True)) == original
    assert Incident.objects.get(pk=demo.incident.pk).merged_into_id is None


def test_incident_delete_leaves_tombstone(editor_api, api, demo):
    pk = demo.incident.pk
    assert editor_api.delete(reverse("api:incident-detail", args=[pk])).status_code == 204
    assert not Incident.objects.filter(pk=pk).exists()
    gone = api.get(reverse("api:incident-detail", args=[pk]))
    assert gone.status_code == 410
    assert gone.json()["reason"] == "deleted"


def test_claim_verdict_patch_by_editor(editor_api, demo):
    claim = demo.claims[("Armenia", "timing")]
    url = reverse("api:claim-detail", args=[claim.pk])
    response = editor_api.patch(url, {"version": 1, "verdict": "contested"}, format="json")
    assert response.status_code == 200
    assert (response.json()["verdict"], response.json()["version"]) == ("contested", 2)
    stale = editor_api.patch(url, {"version": 1, "verdict": "false"}, format="json")
    assert stale.status_code == 409


def test_token_created_by_editor_session_shown_once(editor, demo):
    client = APIClient()
    client.force_login(editor)
    response = client.post(reverse("api:token-list"), {"name": "Newsroom X", "scope": "read"})
    assert response.status_code == 201
    key = response.json()["key"]
    assert key.startswith("cc_")
    listed = client.get(reverse("api:token-list")).json()["results"]
    assert "key" not in listed[0]
    assert client.delete(reverse("api:token-detail", args=[listed[0]["id"]])).status_code == 204
    assert ApiToken.objects.get(pk=listed[0]["id"]).revoked_at is not None


def test_token_create_by_viewer_is_403(viewer, db):
    client = APIClient()
    client.force_login(viewer)
    response = client.post(reverse("api:token-list"), {"name": "Mine", "scope": "read"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
