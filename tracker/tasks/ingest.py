"""Celery tasks: thin wrappers that load rows by id and call one service.

All are safe to run twice: a redelivered fetch_feed (worker killed mid-task, acks_late) finds
the rows of a committed first run and stores nothing new; an uncommitted one left nothing."""

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import TimeLimitExceeded
from celery.signals import worker_init
from django.conf import settings

from tracker.ingest.dates import warm_localised_dates
from tracker.models import Feed, Source
from tracker.services.feeds import feed_fetch, feed_fetch_killed, feeds_claim_due
from tracker.services.intake import page_host_wait, source_fetch_page
from tracker.services.websub import websub_subscribe
from tracker.text.language import warm_language_detector

logger = logging.getLogger(__name__)


@worker_init.connect
def _warm_before_the_pool_starts(**kwargs: Any) -> None:
    """Language data for localised dates and the language detector's model loaded once, before
    the pool's processes are forked (they share them), never in the middle of a fetch."""
    warm_localised_dates()
    warm_language_detector()


@shared_task(name="ingest.schedule_due_feeds", acks_late=True)
def schedule_due_feeds() -> int:
    """Run by beat every minute: enqueue one fetch per due feed."""
    feed_ids = feeds_claim_due()
    for feed_id in feed_ids:
        fetch_feed.delay(feed_id=feed_id)
    return len(feed_ids)


# Time limits: the fetch has its own total timeout; these catch what it cannot (a parse or a
# write that hangs). The soft limit raises inside the fetch, which logs it as the feed's
# failure; the hard limit kills the worker process (the lock goes with its connection).
_LIMITS: dict[str, Any] = {
    "soft_time_limit": settings.COUNTERCLAIM_FETCH_TASK_SOFT_LIMIT,
    "time_limit": settings.COUNTERCLAIM_FETCH_TASK_HARD_LIMIT,
}


class FeedFetchTask(Task):
    """A fetch killed by the hard time limit still leaves its fetch-log row: Celery calls
    on_failure in the worker's parent process, which is still alive."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if isinstance(exc, TimeLimitExceeded) and "feed_id" in kwargs:
            seconds = exc.args[0] if exc.args and exc.args[0] else self.time_limit
            feed_fetch_killed(feed_id=kwargs["feed_id"], seconds=float(seconds or 0))


@shared_task(name="ingest.fetch_feed", base=FeedFetchTask, acks_late=True, **_LIMITS)
def fetch_feed(*, feed_id: int) -> str:
    # No load here: the fetch's lock reloads the row in the same round trip (a 304 is then
    # three round trips in all: lock and reload, HTTP, commit and unlock).
    report = feed_fetch(feed=Feed(pk=feed_id))
    if report is None:
        if not Feed.objects.filter(pk=feed_id).exists():
            logger.info("fetch_feed: feed %s is gone", feed_id)
            return "gone"
        return "locked"
    if settings.COUNTERCLAIM_FETCH_ARTICLE_PAGES:
        for source_id in report.awaiting_page_ids:
            fetch_source_page.delay(source_id=source_id)
    if report.websub_subscribe:
        websub_subscribe_feed.delay(feed_id=feed_id)
    return report.log.outcome


@shared_task(name="ingest.websub_subscribe_feed", acks_late=True, **_LIMITS)
def websub_subscribe_feed(*, feed_id: int) -> str:
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return "gone"
    return "requested" if websub_subscribe(feed=feed) else "not requested"


@shared_task(name="ingest.fetch_source_page", acks_late=True, **_LIMITS)
def fetch_source_page(*, source_id: int) -> str:
    source = Source.objects.filter(pk=source_id, awaiting_page=True).first()
    if source is None:
        return "nothing to do"
    wait = page_host_wait(url=source.url)
    if wait:
        fetch_source_page.apply_async(kwargs={"source_id": source_id}, countdown=wait)
        return "deferred"
    archived = source_fetch_page(source=source)
    return "archived" if archived else "failed"
