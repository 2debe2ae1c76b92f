"""Row 7: the broker stopped while editors work and while beat would schedule. A throwaway
Valkey of this test's own (never the shared one) is the broker and cache of the code under test;
it is stopped, then started again on the same files."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config import embedded
from config.celery import app
from tests.plugins.workers import wait_for
from tracker.enums import EditorialState, WebhookEvent
from tracker.models import Claim, EnrichmentRun, FetchLog, Incident, Source, WebhookDelivery
from tracker.services.feeds import feed_create
from tracker.services.webhooks import webhook_create, webhooks_pending_lost
from tracker.tasks.enrich import enrich_scan
from tracker.tasks.ingest import schedule_due_feeds

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class OwnBroker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.socket = embedded.valkey_socket(root)
        self.redis_url = f"unix://{self.socket}?db=0"
        self.broker_url = f"redis+socket://{self.socket}"

    def stop(self) -> None:
        embedded.stop_embedded(self.root, postgres=False)

    def start(self) -> None:
        assert embedded.valkey_socket(self.root) == self.socket


@pytest.fixture
def own_broker(tmp_path, settings) -> Iterator[OwnBroker]:  # type: ignore[no-untyped-def]
    broker = OwnBroker(tmp_path / "broker")
    previous = app.conf.broker_url
    settings.REDIS_URL = broker.redis_url
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": broker.redis_url},
    }
    app.conf.broker_url = broker.broker_url
    app.conf.broker_connection_retry = False
    app.conf.broker_transport_options = {"max_retries": 1}
    app._pool = None  # the producer pool is built from broker_url on first use
    app.amqp._producer_pool = None
    yield broker
    broker.stop()
    app.conf.broker_url = previous
    app._pool = None
    app.amqp._producer_pool = None


def test_pages_and_edits_work_with_broker_stopped(own_broker, demo, editor):
    own_broker.stop()
    client = Client()
    client.force_login(editor)
    incident = Incident.objects.get()
    assert client.get(reverse("tracker:incident-detail", args=[incident.pk])).status_code == 200
    assert client.get(reverse("tracker:incident-list")).status_code == 200
    claim = Claim.objects.order_by("pk").first()
    response = client.post(
        reverse("tracker:claim-verdict", args=[claim.pk]),
        {"verdict": "contested", "note": "Checked.", "version": claim.version},
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).verdict == "contested"
    health = client.get(reverse("tracker:healthz"))
    body = health.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False


def test_health_says_degraded_with_broker_stopped(own_broker, db):
    own_broker.stop()
    health = Client().get(reverse("tracker:healthz"))
    # 503 (so monitoring sees it) but "degraded", not "down": pages and edits keep working.
    assert (health.status_code, health.json()["status"]) == (503, "degraded")


def test_publish_with_broker_stopped_keeps_delivery_for_later(own_broker, demo, editor):
    Incident.objects.update(state=EditorialState.IN_REVIEW)
    webhook_create(
        url="http://127.0.0.1:9/hook", events=[WebhookEvent.INCIDENT_PUBLISHED], created_by=editor
    )
    own_broker.stop()
    client = Client()
    client.force_login(editor)
    incident = Incident.objects.get()
    published = client.post(
        reverse("tracker:incident-publish", args=[incident.pk]),
        {"version": incident.version, "confirm": "yes"},
    )
    assert published.status_code == 302
    assert Incident.objects.get().state == EditorialState.PUBLISHED
    assert WebhookDelivery.objects.get().status == "pending"  # the outbox row, kept
    # The periodic resend finds it once its message is evidently lost, and only then.

    delivery = WebhookDelivery.objects.get()
    assert webhooks_pending_lost() == []
    WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    assert webhooks_pending_lost() == [delivery.pk]
    WebhookDelivery.objects.update(last_attempt_at=timezone.now() - timedelta(minutes=1))
    assert webhooks_pending_lost() == []


def test_enqueues_lost_while_down_are_found_again_when_back(
    own_broker, demo, editor, server, start_worker, no_article_pages
):
    """Beat cannot send while the broker is down; the due feed is re-found by the scheduler's
    scan of due feeds once it is back (nothing was claimed, so nothing waits for a lease)."""
    own_broker.stop()
    feed, _ = feed_create(url=server.url("data/feeds/rss2/guardian-us.rss"))
    with pytest.raises(Exception):  # noqa: B017, PT011 - kombu's connection error, any kind
        schedule_due_feeds.delay()
    own_broker.start()
    start_worker("back", broker_url=own_broker.redis_url)
    schedule_due_feeds.delay()  # beat's next tick
    wait_for(lambda: FetchLog.objects.filter(feed=feed).exists(), 60, "the due feed fetched")
    assert Source.objects.filter(feed=feed).count() == 55
    assert list(FetchLog.objects.values_list("entries_new", flat=True)) == [55]


def test_enrich_scan_refinds_unenriched_sources_when_back(own_broker, demo, start_worker):
    """A source stored while the broker was down is enriched once the scan runs again."""
    EnrichmentRun.objects.all().delete()
    own_broker.stop()
    with pytest.raises(Exception):  # noqa: B017, PT011
        enrich_scan.delay()
    own_broker.start()
    start_worker("scan", broker_url=own_broker.redis_url)
    enrich_scan.delay()
    wait_for(
        lambda: EnrichmentRun.objects.count() == Source.objects.count(),
        120,
        "every source enriched",
    )
    assert EnrichmentRun.objects.values("source").distinct().count() == Source.objects.count()
