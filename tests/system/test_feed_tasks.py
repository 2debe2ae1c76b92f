"""The jobs through a real Celery worker and the real broker: beat's schedule_due_feeds →
fetch_feed → sources, exactly once even when a message is delivered twice."""

import pytest
from celery.contrib.testing.worker import start_worker
from celery.exceptions import TimeLimitExceeded
from django.utils import timezone

from config.celery import app
from tests.plugins.workers import wait_for
from tracker.enums import FetchOutcome
from tracker.models import Feed, FetchLog, Source
from tracker.services.feeds import feed_create
from tracker.tasks.ingest import fetch_feed, schedule_due_feeds


@pytest.fixture
def worker(transactional_db, no_article_pages):
    app.control.purge()  # messages left by an earlier run must not run against this database
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
        yield w


def test_beat_schedule_runs_schedule_due_feeds_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["schedule-due-feeds"]
    assert (entry["task"], entry["schedule"]) == ("ingest.schedule_due_feeds", 60.0)
    assert schedule_due_feeds.name == "ingest.schedule_due_feeds"
    assert fetch_feed.acks_late is True


def test_schedule_fetches_due_feed_into_sources(worker, server):
    due, _ = feed_create(url=server.url("data/feeds/rss2/guardian-us.rss"))
    later, _ = feed_create(url=server.url("data/feeds/atom/heise-developer.atom"))
    Feed.objects.filter(pk=later.pk).update(
        next_fetch_at=timezone.now() + timezone.timedelta(hours=1)
    )
    schedule_due_feeds.delay()
    wait_for(lambda: FetchLog.objects.filter(feed=due).exists())
    log = FetchLog.objects.get(feed=due)
    assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 55)
    assert Source.objects.filter(feed=due).count() == 55
    assert not FetchLog.objects.filter(feed=later).exists()
    assert server.hits("data/feeds/atom/heise-developer.atom") == 0


def test_fetch_feed_delivered_twice_creates_no_duplicates(worker, server):
    """What a worker killed after committing but before acknowledging looks like: the same
    message runs again. The second run finds every entry present."""
    feed, _ = feed_create(url=server.url("data/feeds/rss1/science-twis-rdf.rss"))
    fetch_feed.delay(feed_id=feed.pk)
    wait_for(lambda: FetchLog.objects.filter(feed=feed).count() == 1)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")  # force a full re-read
    fetch_feed.delay(feed_id=feed.pk)
    wait_for(lambda: FetchLog.objects.filter(feed=feed).count() == 2)
    second = FetchLog.objects.filter(feed=feed).order_by("-id").first()
    assert (second.entries_new, second.entries_unchanged) == (0, 69)
    assert Source.objects.filter(feed=feed).count() == 69


@pytest.mark.django_db
def test_fetch_feed_for_deleted_feed_does_nothing():
    assert fetch_feed.run(feed_id=999_999) == "gone"
    assert FetchLog.objects.count() == 0


def test_fetch_killed_by_the_hard_time_limit_leaves_a_log_row(transactional_db, server):
    """Celery kills the pool process at the hard limit and then, in the worker's parent, calls
    the task's on_failure with TimeLimitExceeded (celery.worker.request.Request.on_timeout):
    that call is made here as the parent makes it, against a feed on the loopback server."""
    feed = feed_create(url=server.url("drip-headers"))[0]
    fetch_feed.on_failure(TimeLimitExceeded(180.0), "task-id", (), {"feed_id": feed.pk}, None)
    log = FetchLog.objects.get(feed=feed)
    assert log.outcome == FetchOutcome.ERROR
    assert log.error == (
        "killed: the task's hard time limit (180 s) passed; the worker process was stopped "
        "mid-fetch"
    )
    assert log.duration_ms >= 180_000
    feed.refresh_from_db()
    assert (feed.consecutive_failures, feed.last_error) == (1, log.error)
    # Another task's failure, or a feed that is gone, writes nothing.
    fetch_feed.on_failure(RuntimeError("x"), "task-id", (), {"feed_id": feed.pk}, None)
    fetch_feed.on_failure(TimeLimitExceeded(180.0), "task-id", (), {"feed_id": 999_999}, None)
    assert FetchLog.objects.count() == 1
