"""Rows 9-11: stale writes refused with a clear conflict (forms and API), a consumer paging
updated_since while rows change, and bulk updates kept in history."""

from datetime import UTC, datetime

import lxml.html
import pghistory.models
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tracker.enums import EditorialState, IncidentType, TokenScope
from tracker.models import Claim, Incident
from tracker.services.api_tokens import api_token_create
from tracker.services.incidents import incident_create, incident_update
from tracker.services.publishing import incident_publish
from tracker.services.revisions import revision_approve

from .conftest import _user


def _form_data(client: Client, url: str) -> dict[str, str]:
    """The edit form's fields as the browser would post them, read from the page itself."""
    page = client.get(url)
    assert page.status_code == 200
    form = next(f for f in lxml.html.fromstring(page.content).forms if f.action == url)
    return dict(form.form_values())


def _claim_events(claim: Claim) -> list[str]:
    return list(
        pghistory.models.Events.objects.references(claim)
        .filter(pgh_model="tracker.ClaimEvent")
        .order_by("pgh_created_at", "pgh_id")
        .values_list("pgh_data__text", flat=True)
    )


@pytest.mark.django_db
def test_two_editors_stale_forms_second_gets_form_error(demo, editor, django_user_model):
    other = _user(django_user_model, "editor2", "Editor")
    # A draft: edits apply at once (on a published incident they are held for approval).
    Incident.objects.update(state=EditorialState.DRAFT)
    claim = Claim.objects.order_by("pk").first()
    original = claim.text
    url = reverse("tracker:claim-edit", args=[claim.pk])
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(other)
    form_a, form_b = _form_data(first, url), _form_data(second, url)
    assert form_a["version"] == form_b["version"] == str(claim.version)
    saved = first.post(url, {**form_a, "text": "Edited by the first editor."})
    assert saved.status_code in {200, 302}
    refused = second.post(url, {**form_b, "text": "Edited by the second editor."})
    body = refused.content.decode()
    assert refused.status_code in {200, 409, 422}
    assert "changed" in body.lower() or "conflict" in body.lower()
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.text, fresh.version) == ("Edited by the first editor.", claim.version + 1)
    events = _claim_events(claim)
    assert events[0] == original
    assert events[-1] == "Edited by the first editor."
    assert "Edited by the second editor." not in events


@pytest.mark.django_db
def test_two_api_writers_stale_version_second_gets_409(demo, editor, fresh_cache):
    claim = Claim.objects.order_by("pk").first()
    _, key = api_token_create(user=editor, name="desk", scope=TokenScope.WRITE, created_by=editor)
    writers = [APIClient(), APIClient()]
    for api in writers:
        api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("api:claim-detail", args=[claim.pk])
    version = claim.version
    ok = writers[0].patch(url, {"version": version, "verdict": "contested"}, format="json")
    assert (ok.status_code, ok.json()["verdict"]) == (200, "contested")
    stale = writers[1].patch(url, {"version": version, "verdict": "false"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current_version"] == version + 1
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.verdict, fresh.version) == ("contested", version + 1)
    verdicts = list(
        pghistory.models.Events.objects.references(claim)
        .filter(pgh_model="tracker.ClaimEvent")
        .order_by("pgh_created_at", "pgh_id")
        .values_list("pgh_data__verdict", flat=True)
    )
    assert verdicts[0] == claim.verdict
    assert verdicts[-1] == "contested"
    assert "false" not in verdicts


@pytest.mark.django_db
def test_bulk_queryset_update_recorded_in_history(demo):
    claims = list(Claim.objects.order_by("pk"))
    before = {c.pk: len(_claim_events(c)) for c in claims}
    changed = Claim.objects.update(verdict_note="Bulk-reviewed by the desk.")
    assert changed == len(claims)
    for claim in claims:
        notes = list(
            pghistory.models.Events.objects.references(claim)
            .filter(pgh_model="tracker.ClaimEvent")
            .order_by("pgh_created_at", "pgh_id")
            .values_list("pgh_data__verdict_note", flat=True)
        )
        assert len(notes) == before[claim.pk] + 1
        assert notes[-1] == "Bulk-reviewed by the desk."


def _published_set(api: APIClient) -> dict[int, dict]:
    body = api.get(reverse("api:incident-list") + "?page_size=500").json()
    return {item["id"]: item for item in body["results"]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_row_edited_while_consumer_pages_updated_since(demo, fresh_cache):
    api = APIClient()
    conflict = demo.conflict
    incidents = [
        incident_publish(
            incident=incident_create(
                conflict=conflict,
                title=f"Report {n}",
                incident_type=IncidentType.SHELLING,
                occurred_start=datetime(2023, 5, n + 1, tzinfo=UTC),
            ),
            user=None,
        )
        for n in range(7)
    ]
    copy: dict[int, dict] = {}
    since: str | None = None

    def sync(edits: list) -> None:  # type: ignore[type-arg]
        nonlocal since
        url = reverse("api:incident-list") + "?page_size=2"
        if since:
            url += "&updated_since=" + since.replace("+", "%2B")
        watermark = None
        while url:
            response = api.get(url)
            assert response.status_code == 200
            watermark = watermark or response["X-Sync-Watermark"]
            for item in response.json()["results"]:
                if item.get("deleted"):
                    copy.pop(item["id"], None)
                else:
                    copy[item["id"]] = item
            if edits:
                edits.pop(0)()
            url = response.json()["next"]
        since = watermark

    def edit(incident: Incident, title: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            fresh = Incident.objects.get(pk=incident.pk)
            held = incident_update(incident=fresh, expected_version=fresh.version, title=title)
            revision_approve(revision=held, user=None)  # published: an editor approves

        return run

    # Between pages: a row already read changes, then one not yet read, then one more.
    sync([edit(incidents[0], "Changed after read"), edit(incidents[6], "Changed before read")])
    sync([edit(incidents[3], "Changed during second pass")])
    sync([])
    assert copy == _published_set(api)
    assert {i["title"] for i in copy.values()} >= {
        "Changed after read",
        "Changed before read",
        "Changed during second pass",
    }
    assert Incident.objects.filter(state=EditorialState.PUBLISHED).count() == len(copy)
