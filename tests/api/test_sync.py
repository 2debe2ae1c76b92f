"""A consumer keeps a copy in sync with updated_since while editors work between its pages."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from tracker.enums import Aspect, IncidentType, Verdict
from tracker.models import Incident, PendingRevision
from tracker.services.claims import claim_create, claim_set_verdict
from tracker.services.incidents import incident_create, incident_update
from tracker.services.publishing import (
    incident_delete,
    incident_merge,
    incident_publish,
    incident_retract,
)
from tracker.services.revisions import incident_of, revision_approve, revisions_approve_all
from tracker.services.statements import statement_create


class Consumer:
    def __init__(self, client):
        self.client = client
        self.copy: dict[int, dict] = {}
        self.since: str | None = None

    def sync(self, edits: list | None = None) -> None:
        """One pass; after each page the next of EDITS runs, like an editor working meanwhile."""
        edits = edits if edits is not None else []
        url = reverse("api:incident-list") + "?page_size=2"
        if self.since:
            url += f"&updated_since={self.since.replace('+', '%2B')}"
        watermark = None
        while url:
            response = self.client.get(url)
            assert response.status_code == 200, response.content
            watermark = watermark or response["X-Sync-Watermark"]
            body = response.json()
            for item in body["results"]:
                if item.get("deleted"):
                    self.copy.pop(item["id"], None)
                else:
                    self.copy[item["id"]] = item
            if edits:
                edits.pop(0)()
            url = body["next"]
        self.since = watermark


def _incident(conflict, title: str) -> Incident:
    return incident_create(
        conflict=conflict,
        title=title,
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2023, 5, 1, tzinfo=UTC),
    )


def _published_set(client) -> dict[int, dict]:
    body = client.get(reverse("api:incident-list") + "?page_size=500").json()
    assert body["next"] is None
    return {item["id"]: item for item in body["results"]}


def _approved(change: Any) -> None:
    """The incidents are published: an editor approves the held change (the publish gate)."""
    if isinstance(change, PendingRevision):
        revision_approve(revision=change, user=None)
    elif getattr(change, "held", False):
        incident = Incident.objects.get(pk=incident_of(change).pk)
        revisions_approve_all(incident=incident, user=None)


# serialized_rollback: the flush after a transactional test would drop the groups the
# migrations create, which later tests rely on.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sync_consumer_ends_with_identical_copy(api, demo):
    conflict = demo.conflict
    others = [
        incident_publish(incident=_incident(conflict, f"Report {n}"), user=None) for n in range(6)
    ]
    consumer = Consumer(api)
    consumer.sync()
    assert consumer.copy == _published_set(api)

    armenia = demo.statements["Armenia"]
    edits = [
        lambda: incident_publish(incident=_incident(conflict, "Created mid-sync"), user=None),
        lambda: _approved(
            incident_update(incident=others[0], expected_version=None, title="Edited title")
        ),
        lambda: claim_set_verdict(claim=demo.claims[("Armenia", "timing")], verdict=Verdict.FALSE),
        lambda: _approved(incident_merge(incident=others[1], target=others[2], user=None)),
        lambda: incident_retract(incident=others[3], user=None, note="Wrong place"),
        lambda: incident_delete(incident=Incident.objects.get(pk=others[4].pk), user=None),
        lambda: _approved(claim_create(statement=armenia, aspect=Aspect.MEANS, text="Artillery.")),
    ]
    passes = 0
    while edits:
        consumer.sync(edits)
        passes += 1
    # Edits made behind the consumer's cursor reach it on the next pass.
    consumer.sync()
    assert passes > 1
    expected = _published_set(api)
    assert consumer.copy == expected
    assert others[1].pk not in consumer.copy
    assert others[3].pk not in consumer.copy
    assert others[4].pk not in consumer.copy
    assert consumer.copy[others[0].pk]["title"] == "Edited title"
    texts = [c["text"] for s in consumer.copy[demo.incident.pk]["statements"] for c in s["claims"]]
    assert "Artillery." in texts


# serialized_rollback: the flush after a transactional test would drop the groups the
# migrations create, which later tests rely on.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sync_tombstone_names_merge_target(api, demo):
    first = incident_publish(incident=_incident(demo.conflict, "One"), user=None)
    second = incident_publish(incident=_incident(demo.conflict, "Two"), user=None)
    since = api.get(reverse("api:incident-list"))["X-Sync-Watermark"]
    _approved(
        statement_create(
            incident=first, party=demo.statements["Armenia"].party, text="Shots fired."
        )
    )
    _approved(incident_merge(incident=first, target=second, user=None))
    body = api.get(reverse("api:incident-list"), {"updated_since": since}).json()
    by_id = {item["id"]: item for item in body["results"]}
    assert by_id[first.pk] == {
        "id": first.pk,
        "deleted": True,
        "reason": "merged",
        "merged_into": second.pk,
        "changed_at": by_id[first.pk]["changed_at"],
    }
    assert [s["text"] for s in by_id[second.pk]["statements"]] == ["Shots fired."]
