"""Rows 6 and 8: a worker process SIGKILLed mid-transaction (ingest, enrichment) and a
PostgreSQL backend terminated mid-transaction. Real celery worker processes, the real broker,
the test database; the moment "mid-transaction" is made exact by holding a row lock the
worker's transaction needs after it has already written rows, and acting while it waits."""

from collections.abc import Iterator

import psycopg
import pytest

from config.celery import app
from tests.plugins.workers import test_database_url, wait_for
from tracker.enums import EnrichmentStatus
from tracker.models import EnrichmentRun, Feed, FetchLog, Proposal, Source
from tracker.services.feeds import feed_create
from tracker.tasks.enrich import enrich_source
from tracker.tasks.ingest import fetch_feed, schedule_due_feeds

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
GUARDIAN = "data/feeds/rss2/guardian-us.rss"  # 55 entries


@pytest.fixture
def lock_holder() -> Iterator[psycopg.Connection]:
    """A second connection to the test database whose open transaction holds row locks."""
    conn = psycopg.connect(test_database_url())
    yield conn
    conn.rollback()
    conn.close()


def _blocked_backend(holder: psycopg.Connection) -> int | None:
    """The pid of a backend of this database waiting for a row lock, if there is one."""
    with psycopg.connect(test_database_url(), autocommit=True) as probe:
        row = probe.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> %s",
            [holder.info.backend_pid],
        ).fetchone()
    return row[0] if row else None


def _uncommitted_sources_seen(holder: psycopg.Connection, feed_id: int) -> int:
    with psycopg.connect(test_database_url(), autocommit=True) as probe:
        return probe.execute(
            "SELECT count(*) FROM tracker_source WHERE feed_id = %s", [feed_id]
        ).fetchone()[0]


@pytest.fixture
def clean_broker() -> None:
    app.control.purge()  # nothing from an earlier run may reach this database


def test_worker_sigkilled_mid_ingest_every_item_once(
    server, start_worker, lock_holder, clean_broker, no_article_pages
):
    feed, _ = feed_create(url=server.url(GUARDIAN))
    # The fetch inserts the sources, then updates the feed row: that update waits on this lock.
    lock_holder.execute("SELECT id FROM tracker_feed WHERE id = %s FOR UPDATE", [feed.pk])
    worker = start_worker("kill1")
    fetch_feed.delay(feed_id=feed.pk)
    wait_for(lambda: _blocked_backend(lock_holder), 60, "the worker inside its transaction")
    assert server.hits(GUARDIAN) == 1
    worker.kill()
    lock_holder.rollback()
    assert _uncommitted_sources_seen(lock_holder, feed.pk) == 0
    wait_for(lambda: _blocked_backend(lock_holder) is None, 30, "the dead transaction gone")
    assert (Source.objects.count(), FetchLog.objects.count()) == (0, 0)
    # Restarted: the unacknowledged message is delivered again and runs to the end.
    start_worker("kill2")
    wait_for(lambda: FetchLog.objects.filter(feed=feed).exists(), 90, "the redelivered fetch")
    assert Source.objects.filter(feed=feed).count() == 55
    assert Source.objects.values("url").distinct().count() == 55
    assert list(FetchLog.objects.values_list("entries_new", flat=True)) == [55]


def test_worker_sigkilled_mid_enrich_run_stored_once(demo, start_worker, lock_holder, clean_broker):
    source = Source.objects.order_by("pk").first()
    EnrichmentRun.objects.all().delete()
    Proposal.objects.all().delete()
    # The run row is written first; each statement proposal then needs its party's key lock.
    lock_holder.execute("SELECT id FROM tracker_party FOR UPDATE")
    worker = start_worker("enrich1")
    enrich_source.delay(source_id=source.pk)
    wait_for(lambda: _blocked_backend(lock_holder), 90, "the worker inside its transaction")
    worker.kill()
    lock_holder.rollback()
    wait_for(lambda: _blocked_backend(lock_holder) is None, 30, "the dead transaction gone")
    # Proposal foreign keys are checked at COMMIT (deferred): the worker was killed after
    # sending COMMIT, so the run is complete or absent, never partial.
    before = (EnrichmentRun.objects.count(), Proposal.objects.count())
    assert before[0] in {0, 1}
    assert before[1] == 0 or before[0] == 1
    start_worker("enrich2")
    wait_for(lambda: "enrich_source" in worker.output(), 10, "received")
    wait_for(lambda: EnrichmentRun.objects.exists(), 120, "the redelivered enrichment")
    wait_for(lambda: _acked(), 60, "the redelivered message acknowledged")
    run = EnrichmentRun.objects.get()
    assert run.status == EnrichmentStatus.PROPOSED
    positions = list(Proposal.objects.filter(run=run).values_list("position", flat=True))
    assert len(positions) > 1
    assert positions == list(range(1, len(positions) + 1))
    assert Proposal.objects.exclude(run=run).count() == 0


def _acked() -> bool:
    """Nothing left in the broker's queue or its unacknowledged set."""
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        return client.llen("celery") == 0 and client.zcard("unacked_index") == 0


def test_backend_terminated_mid_transaction_rolls_back_and_rescan_retries(
    server, start_worker, lock_holder, clean_broker, no_article_pages
):
    feed, _ = feed_create(url=server.url(GUARDIAN))
    lock_holder.execute("SELECT id FROM tracker_feed WHERE id = %s FOR UPDATE", [feed.pk])
    worker = start_worker("term1")
    fetch_feed.delay(feed_id=feed.pk)
    pid = None

    def blocked() -> bool:
        nonlocal pid
        pid = _blocked_backend(lock_holder)
        return pid is not None

    wait_for(blocked, 60, "the worker inside its transaction")
    with psycopg.connect(test_database_url(), autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] is True
    lock_holder.rollback()
    wait_for(lambda: "terminating connection" in worker.output(), 30, "the task's error")
    assert (Source.objects.count(), FetchLog.objects.count()) == (0, 0)
    # The failed fetch left the feed due (its schedule is written in the rolled-back
    # transaction): beat's next tick claims it again and the same worker, on a fresh
    # connection, fetches it.
    assert Feed.objects.get(pk=feed.pk).next_fetch_at == feed.next_fetch_at
    schedule_due_feeds.delay()
    wait_for(lambda: FetchLog.objects.filter(feed=feed).exists(), 60, "the retried fetch")
    assert Source.objects.filter(feed=feed).count() == 55
    assert list(FetchLog.objects.values_list("entries_new", flat=True)) == [55]
    assert worker.process.poll() is None
