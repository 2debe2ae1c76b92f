import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tracker.enums import DeliveryStatus, WebhookEvent
from tracker.models import WebhookDelivery
from tracker.services.publishing import incident_retract
from tracker.services.webhooks import (
    SIGNATURE_HEADER,
    TransientDeliveryError,
    webhook_create,
    webhook_deliver,
)


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
    from tracker.ingest.netpolicy import _networks

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
    assert json.loads(body)["data"] == {
        "incident": demo.incident.pk,
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
    from tracker.ingest.netpolicy import _networks

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
