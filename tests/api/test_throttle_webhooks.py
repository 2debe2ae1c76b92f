import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from tracker.enums import DeliveryStatus, WebhookEvent
from tracker.ingest.netpolicy import _networks
from tracker.models import WebhookDelivery
from tracker.services.publishing import incident_retract
from tracker.services.webhooks import (
    SIGNATURE_HEADER,
    TransientDeliveryError,
    webhook_create,
    webhook_deliver,
)
from tracker.tasks.webhooks import deliver_webhook


def test_anonymous_throttle_answers_429_with_retry_after(api, demo, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "token": "5/minute", "user": "5/minute"},
    }
    url = reverse("api:incident-list")
    assert [api.get(url).status_code for _ in range(2)] == [200, 200]
    refused = api.get(url)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60


def test_token_gets_its_own_larger_budget(api, demo, read_key, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "token": "3/minute", "user": "1/minute"},
    }
    url = reverse("api:incident-list")
    assert api.get(url).status_code == 200
    assert api.get(url).status_code == 429
    api.credentials(HTTP_AUTHORIZATION=f"Token {read_key}")
    assert [api.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


class _Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict, bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).answers.pop(0) if type(self).answers else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    settings.COUNTERCLAIM_FETCH_ALLOW_NETWORKS = ["127.0.0.0/8"]

    _networks.cache_clear()
    _Receiver.answers, _Receiver.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    _networks.cache_clear()


def test_webhook_retraction_delivered_signed(
    demo, editor, receiver, django_capture_on_commit_callbacks
):
    hook = webhook_create(url=receiver, events=[WebhookEvent.INCIDENT_RETRACTED], created_by=editor)
    _Receiver.answers = [503, 200]
    with django_capture_on_commit_callbacks(execute=False):
        incident_retract(incident=demo.incident, user=editor, note="Wrong day")
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(TransientDeliveryError):
        webhook_deliver(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (
        DeliveryStatus.PENDING,
        1,
        "HTTP 503",
    )
    webhook_deliver(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        DeliveryStatus.SUCCEEDED,
        2,
        200,
    )
    headers, body = _Receiver.received[-1]
    retracted = api_representation(demo.incident.pk)
    assert json.loads(body)["data"] == {
        "incident": demo.incident.pk,
        "version": retracted["version"],
        "changed_at": retracted["changed_at"],
        "title": demo.incident.title,
        "state": "retracted",
        "note": "Wrong day",
    }
    stamp, mac = headers[SIGNATURE_HEADER].split(",")
    expected = hmac.new(
        hook.secret.encode(), f"{stamp[2:]}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert mac == f"v1={expected}"


def test_webhook_refuses_private_address(editor, db):
    with pytest.raises(ValidationError) as error:
        webhook_create(
            url="http://10.0.0.5/hook", events=[WebhookEvent.INCIDENT_PUBLISHED], created_by=editor
        )
    assert "not public" in str(error.value)


def test_webhook_loopback_blocked_at_delivery_without_allowance(demo, editor, db, settings):
    settings.COUNTERCLAIM_FETCH_ALLOW_NETWORKS = []
    _networks.cache_clear()
    hook = webhook_create(
        url="http://localhost:9/hook", events=[WebhookEvent.INCIDENT_RETRACTED], created_by=editor
    )
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event=WebhookEvent.INCIDENT_RETRACTED, payload={"x": 1}
    )
    webhook_deliver(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "not public" in delivery.error


def api_representation(incident_id: int) -> dict:
    """The incident as an editor reads it from the API (a tombstone once it is gone)."""
    client = APIClient()
    client.force_authenticate(User.objects.get(username="editor"))
    return client.get(reverse("api:incident-detail", args=[incident_id])).json()


def _incident(editor_api: APIClient, conflict: int, title: str) -> dict:
    created = editor_api.post(
        reverse("api:incident-list"),
        {
            "conflict": conflict,
            "title": title,
            "incident_type": "shelling",
            "occurred_start": "2023-05-01T00:00:00Z",
        },
        format="json",
    ).json()
    url = reverse("api:incident-publish", args=[created["id"]])
    return editor_api.post(url, {"version": created["version"]}, format="json").json()


def test_webhooks_announce_every_change_of_the_published_set(demo, editor_api):
    """Published, updated, merged (with the target updated), retracted and deleted, each with
    the version and changed_at the API shows right after the change."""
    url = reverse("api:webhook-list")
    events = [e.value for e in WebhookEvent if e.value.startswith("incident.")]
    created = editor_api.post(url, {"url": "https://hooks.example.org/cc", "events": events})
    assert created.status_code == 201, created.content
    seen: list[tuple[str, dict]] = []

    def expect(*announced: tuple[str, int, dict]) -> None:
        """What the last change announced: (event, incident, fields beyond the common ones)."""
        rows = list(WebhookDelivery.objects.order_by("id"))[len(seen) :]
        seen.extend((row.event, row.payload["data"]) for row in rows)
        assert [(row.event, row.payload["data"]["incident"]) for row in rows] == [
            (event, incident) for event, incident, _ in announced
        ]
        for row, (_, incident, extra) in zip(rows, announced, strict=True):
            now = api_representation(incident)
            common = {"changed_at": now["changed_at"]}
            if "deleted" not in now:  # a tombstone has no version: it went with the row
                common["version"] = now["version"]
            assert row.payload["data"] | common == row.payload["data"]
            assert {k: row.payload["data"][k] for k in extra} == extra

    conflict = demo.conflict.pk
    first = _incident(editor_api, conflict, "Shelling at dawn")
    expect(("incident.published", first["id"], {"state": "published"}))
    second = _incident(editor_api, conflict, "Dawn shelling, second report")
    third = _incident(editor_api, conflict, "Shelling of the depot")
    expect(("incident.published", second["id"], {}), ("incident.published", third["id"], {}))

    patched = editor_api.patch(
        reverse("api:incident-detail", args=[first["id"]]),
        {"version": first["version"], "title": "Shelling at dawn, two villages"},
        format="json",
    )
    assert patched.status_code == 202  # held by the publish gate: nothing announced yet
    expect()
    approved = editor_api.post(reverse("api:revision-approve", args=[patched.json()["revision"]]))
    assert approved.status_code == 200, approved.content
    expect(("incident.updated", first["id"], {"title": "Shelling at dawn, two villages"}))

    merged = editor_api.post(
        reverse("api:incident-merge", args=[second["id"]]), {"target": first["id"]}, format="json"
    )
    assert merged.status_code == 202
    expect()
    editor_api.post(reverse("api:revision-approve", args=[merged.json()["revision"]]))
    expect(
        ("incident.merged", second["id"], {"merged_into": first["id"]}),
        ("incident.updated", first["id"], {}),
    )

    editor_api.post(
        reverse("api:incident-retract", args=[third["id"]]),
        {"note": "Not shelling."},
        format="json",
    )
    expect(("incident.retracted", third["id"], {"note": "Not shelling.", "state": "retracted"}))

    editor_api.post(reverse("api:incident-unmerge", args=[second["id"]]))
    expect(("incident.updated", second["id"], {}), ("incident.updated", first["id"], {}))
    deleted = editor_api.delete(reverse("api:incident-detail", args=[second["id"]]))
    assert deleted.status_code == 204
    expect(("incident.deleted", second["id"], {"version": second["version"] + 2}))
    # A draft or a retracted incident is nobody's copy: changing it announces nothing.
    editor_api.delete(reverse("api:incident-detail", args=[third["id"]]))
    expect()


def test_webhook_ping_and_redelivery_through_the_api(
    demo, editor_api, receiver, django_capture_on_commit_callbacks
):
    hook = editor_api.post(
        reverse("api:webhook-list"), {"url": receiver, "events": ["incident.published"]}
    ).json()
    subscribe_to_ping = {"url": receiver, "events": ["ping"]}
    assert editor_api.post(reverse("api:webhook-list"), subscribe_to_ping).status_code == 400
    _Receiver.answers = [404]
    with django_capture_on_commit_callbacks() as enqueued:
        ping = editor_api.post(reverse("api:webhook-ping", args=[hook["id"]]))
    assert (ping.status_code, len(enqueued)) == (202, 1)
    deliver_webhook.apply(kwargs={"delivery_id": ping.json()["id"]})  # what the worker runs
    log = editor_api.get(reverse("api:webhook-deliveries", args=[hook["id"]])).json()
    assert [(d["event"], d["status"], d["response_status"]) for d in log] == [
        ("ping", "failed", 404)
    ]
    headers, body = _Receiver.received[-1]
    assert json.loads(body) == {
        "id": log[0]["event_id"],
        "event": "ping",
        "data": {"webhook": hook["id"], "events": ["incident.published"]},
    }

    redeliver = reverse("api:webhook-redeliver", args=[hook["id"], log[0]["id"]])
    with django_capture_on_commit_callbacks() as enqueued:
        again = editor_api.post(redeliver)
    assert (again.status_code, again.json()["status"], len(enqueued)) == (202, "pending", 1)
    deliver_webhook.apply(kwargs={"delivery_id": again.json()["id"]})
    log = editor_api.get(reverse("api:webhook-deliveries", args=[hook["id"]])).json()
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [("ping", "succeeded", 1)]
    assert (
        _Receiver.received[-1][0]["X-Counterclaim-Delivery"] == headers["X-Counterclaim-Delivery"]
    )
    assert len(_Receiver.received) == 2

    WebhookDelivery.objects.filter(pk=log[0]["id"]).update(status=DeliveryStatus.PENDING)
    refused = editor_api.post(redeliver)
    assert refused.status_code == 409  # a refused state change
    assert "still pending" in refused.json()["detail"]
    other = reverse("api:webhook-redeliver", args=[hook["id"], log[0]["id"] + 1000])
    assert editor_api.post(other).status_code == 404
