"""What a fetch leaves besides sources: the per-feed lock, the feed's health and schedule, and
its FetchLog row. A 304 is only this, so it is written in two round trips and little Python: one
statement per set of changed columns, built once, writes the feed's new state and the log."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from tracker.enums import FeedHealth, FetchOutcome
from tracker.ingest.entries import MAX_URL_CHARS
from tracker.ingest.fetch import FetchResult, split_credentials
from tracker.models import Feed, FetchLog
from tracker.services.batchsql import row_with_defaults
from tracker.services.intake import UpsertCounts

# Consecutive failures from which a feed shows as failing rather than degraded.
FAILING_AFTER = 3
# Advisory-lock namespace for "this feed is being fetched" (any constant unique to the project).
LOCK_NAMESPACE = 0x1F2E
# What a fetch sets and never reads: its own timestamps (and the row's creation time). They
# are not reloaded under the lock: six time columns were a third of that round trip's cost.
_SET_NOT_READ = {"created_at", "updated_at", "last_fetched_at", "last_success_at", "next_fetch_at"}
_RELOADED = [f for f in Feed._meta.concrete_fields if f.attname not in _SET_NOT_READ]
_FEED_COLUMNS = [f.attname for f in _RELOADED]
_JSON_COLUMNS = [f.attname for f in _RELOADED if isinstance(f, models.JSONField)]
_LOG_COLUMNS = [f.attname for f in FetchLog._meta.concrete_fields]  # the primary key first
# The feed's row, then (for the fetch's writes until the unlock) relaxed synchronous_commit: a
# fetch's commit need not wait for the WAL flush; a PostgreSQL crash can lose only the last
# moments of fetches, whole (never half), and the next fetch redoes them. Last, the lock.
_LOCK_AND_RELOAD_SQL = (  # names from the model's meta; values are bound
    f"SELECT {', '.join(f.column for f in _RELOADED)}, "  # noqa: S608
    "set_config('synchronous_commit', 'off', false), pg_try_advisory_lock(%s, %s) "
    f"FROM {Feed._meta.db_table} WHERE id = %s"
)
UNLOCK_SQL = "SELECT pg_advisory_unlock(%s, %s)"


@dataclass
class FetchLock:
    feed_id: int
    acquired: bool
    # Set once a write statement has committed and unlocked in the same round trip.
    released: bool = False


@contextmanager
def fetch_lock(feed: Feed) -> Iterator[FetchLock]:
    """feed_lock for a fetch: the same query reloads what the fetch reads of FEED from its row
    (one round trip, not two) and relaxes synchronous_commit for the fetch's writes until the
    unlock. A feed that no longer exists is never locked. A fetch without entries to store
    (304, failure) commits its write, unlocks and resets in one round trip (see
    _save_feed_and_log)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_RELOAD_SQL, [LOCK_NAMESPACE, feed.pk, feed.pk])
        row = cursor.fetchone()
    lock = FetchLock(feed.pk, bool(row and row[-1]))
    if row is not None:  # raw values, as Feed.from_db would set them (no converters either)
        for name, value in zip(_FEED_COLUMNS, row, strict=False):
            setattr(feed, name, value)
        for name in _JSON_COLUMNS:  # but JSON arrives as text: the one converter needed
            setattr(feed, name, orjson.loads(getattr(feed, name)))
    try:
        yield lock
    finally:
        if not lock.released:
            with connection.cursor() as cursor:
                if lock.acquired:
                    cursor.execute(
                        f"{UNLOCK_SQL}; RESET synchronous_commit", [LOCK_NAMESPACE, feed.pk]
                    )
                else:
                    cursor.execute("RESET synchronous_commit")


def commit_and_release(lock: FetchLock) -> None:
    """End a fetch's own transaction, its last write done, with COMMIT, the unlock and the reset
    in one round trip (two otherwise: Django's COMMIT, then fetch_lock's unlock). Django's
    commit at the end of the block then finds no transaction open, and psycopg sends nothing.
    Only after the last write has answered: a worker killed during that write never sent
    COMMIT, so its writes are rolled back. Inside a caller's transaction (only the fetch's own
    block open is ours to end) or one already failing, nothing is done here."""
    if (
        not lock.acquired
        or lock.released
        or len(connection.atomic_blocks) != 1
        or connection.needs_rollback
    ):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"COMMIT; {UNLOCK_SQL}; RESET synchronous_commit", [LOCK_NAMESPACE, lock.feed_id]
        )
    lock.released = True


def backoff_delay(*, interval: timedelta, failures: int) -> timedelta:
    """interval × 2^failures, capped, with ±20 % jitter so failing feeds do not retry in step."""
    cap = timedelta(minutes=settings.COUNTERCLAIM_FEED_MAX_BACKOFF_MINUTES)
    base = min(interval * (2 ** min(failures, 20)), cap)
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not cryptography


def record_success(
    feed: Feed,
    started: datetime,
    result: FetchResult,
    outcome: FetchOutcome,
    *,
    counts: UpsertCounts | None = None,
    parser: str = "",
    note: str = "",
    release: FetchLock | None = None,
    degraded: str = "",
    feed_changes: dict[str, Any] | None = None,
) -> FetchLog:
    """A fetch that ended with a document read. DEGRADED, when set, says why the feed is not
    healthy all the same (every entry it gave was skipped): shown as its last error.
    FEED_CHANGES: what the document itself changes (its format, a title the feed lacked)."""
    now = timezone.now()
    values: dict[str, Any] = {
        "consecutive_failures": 0,
        "health": FeedHealth.DEGRADED if degraded else FeedHealth.OK,
        "last_error": degraded,
        "last_fetched_at": now,
        "last_success_at": now,
        "next_fetch_at": now + _stretched(feed.poll_interval, result.poll_hint),
    }
    if result.status != 304:
        values["etag"] = result.headers.get("etag", "")[:500]
        values["last_modified"] = result.headers.get("last-modified", "")[:100]
    counts = counts or UpsertCounts()
    log = dict(
        feed_id=feed.pk,
        url=result.url,
        started_at=started,
        status_code=result.status,
        bytes_received=len(result.body),
        duration_ms=int((now - started).total_seconds() * 1000),
        entries_new=counts.new,
        entries_updated=counts.updated,
        entries_unchanged=counts.unchanged,
        outcome=outcome,
        parser=parser,
        error=note,
    )
    fields = _set_outcome(feed, values | (feed_changes or {}))
    return _save_feed_and_log(feed, fields, log, release=release)


def _stretched(interval: timedelta, hint_seconds: float | None) -> timedelta:
    """INTERVAL, or longer when the server asked (Retry-After, Cache-Control max-age): never
    shorter than the feed's own interval, never longer than the longest back-off."""
    if hint_seconds is None:
        return interval
    cap = timedelta(minutes=settings.COUNTERCLAIM_FEED_MAX_BACKOFF_MINUTES)
    return max(interval, min(timedelta(seconds=hint_seconds), cap))


def record_failure(
    feed: Feed,
    started: datetime,
    error: str,
    *,
    status: int | None = None,
    result: FetchResult | None = None,
    release: FetchLock | None = None,
    deactivate: bool = False,
    retry_after: float | None = None,
) -> FetchLog:
    """Nothing stored from earlier fetches is touched: only the feed's health and schedule
    (and, with DEACTIVATE, whether it is polled at all: 410 Gone)."""
    now = timezone.now()
    failures = feed.consecutive_failures + 1
    backoff = backoff_delay(interval=feed.poll_interval, failures=failures)
    values: dict[str, Any] = {
        "consecutive_failures": failures,
        "health": FeedHealth.FAILING if failures >= FAILING_AFTER else FeedHealth.DEGRADED,
        "last_error": error[:2000],
        "last_fetched_at": now,
        "next_fetch_at": now + _stretched(backoff, retry_after),
    }
    if deactivate:
        values["is_active"] = False
    log = dict(
        feed_id=feed.pk,
        url=result.url if result else split_credentials(feed.url)[0],
        started_at=started,
        status_code=status,
        bytes_received=len(result.body) if result else 0,
        duration_ms=int((now - started).total_seconds() * 1000),
        outcome=FetchOutcome.ERROR,
        error=error[:2000],
    )
    return _save_feed_and_log(feed, _set_outcome(feed, values), log, release=release)


def _set_outcome(feed: Feed, values: dict[str, Any]) -> tuple[str, ...]:
    """Set VALUES on FEED; the names of those to write: the fetch's timestamps (not reloaded,
    see _SET_NOT_READ) and whatever else changed. A value the fetch read is never written back,
    so an editor's change made meanwhile stays theirs (and a 304 writes four columns, not
    twelve)."""
    fields = tuple(
        name
        for name, value in values.items()
        if name in _SET_NOT_READ or getattr(feed, name) != value
    )
    for name, value in values.items():
        setattr(feed, name, value)
    return fields


@cache
def _save_sql(fields: tuple[str, ...]) -> str:
    """The statement of _save_feed_and_log for FIELDS, built once: the feed's changed columns
    and the log row as plain parameters. (Each as one JSON document cost PostgreSQL more to
    plan and read than quoting the few values a fetch changes costs the client.)"""
    qn = connection.ops.quote_name
    # The fields' attnames are their columns (no foreign keys among them).
    assignments = ", ".join(f"{qn(name)} = %s" for name in fields)
    table, pk = qn(Feed._meta.db_table), qn(Feed._meta.pk.column)
    log_columns = ", ".join(qn(f.column) for f in FetchLog._meta.concrete_fields[1:])
    return (  # names from the models' meta; values are bound
        f"WITH feed AS (UPDATE {table} SET {assignments} WHERE {table}.{pk} = %s) "  # noqa: S608
        f"INSERT INTO {qn(FetchLog._meta.db_table)} ({log_columns}) "
        f"VALUES ({', '.join(['%s'] * (len(_LOG_COLUMNS) - 1))}) "
        f"RETURNING {qn(FetchLog._meta.pk.column)}"
    )


def _save_feed_and_log(
    feed: Feed, fields: tuple[str, ...], log: dict[str, Any], *, release: FetchLock | None = None
) -> FetchLog:
    """FEED's FIELDS and the LOG row (column → value) written by one statement (UPDATE in a
    WITH, then the INSERT): atomic on its own, and one round trip, which is most of what a 304
    costs. With RELEASE, outside a transaction, the same round trip commits it and then drops
    the fetch's lock: BEGIN … COMMIT, so the next holder of the lock reads the committed row."""
    feed.updated_at = timezone.now()
    fields = (*fields, "updated_at")
    sql = _save_sql(fields)
    row = row_with_defaults(FetchLog, log)
    params: list[Any] = [
        *(getattr(feed, name) for name in fields),
        feed.pk,
        *(row[name] for name in _LOG_COLUMNS[1:]),
    ]
    release = release if release and release.acquired and not connection.in_atomic_block else None
    with connection.cursor() as cursor:
        if release is None:
            cursor.execute(sql, params)
        else:
            try:
                cursor.execute(
                    f"BEGIN; {sql}; COMMIT; {UNLOCK_SQL}; RESET synchronous_commit",
                    [*params, LOCK_NAMESPACE, release.feed_id],
                )
            except Exception:
                cursor.execute("ROLLBACK")
                raise
            release.released = True
            cursor.nextset()  # from BEGIN's result to the INSERT's
        pk = cursor.fetchone()[0]
    # The columns of FetchLog are its attnames; all of them, in the model's order.
    instance = FetchLog.from_db(
        connection.alias, _LOG_COLUMNS, [pk, *(row[name] for name in _LOG_COLUMNS[1:])]
    )
    FetchLog.feed.field.set_cached_value(instance, feed)
    return instance


def feed_follow_move(*, feed: Feed, moved_to: str) -> None:
    """Count a permanent redirect (301, 308) of FEED's URL to MOVED_TO; after
    COUNTERCLAIM_FEED_MOVED_AFTER fetches in a row that moved to the same place, FEED's URL
    becomes it. One hit is not trusted: a misconfigured server or a captive portal answers
    301 for a while. A fetch that was not moved starts the count again. A target that is
    another registered feed is never taken (the count stays, the admin shows it)."""
    moved_to = moved_to if len(moved_to) <= MAX_URL_CHARS else ""  # cannot be stored: not followed
    hits = feed.moved_hits + 1 if moved_to and moved_to == feed.moved_to else int(bool(moved_to))
    changes: dict[str, Any] = {"moved_to": moved_to, "moved_hits": hits}
    if hits >= settings.COUNTERCLAIM_FEED_MOVED_AFTER:
        taken = Feed.objects.filter(url=moved_to).exclude(pk=feed.pk).exists()
        if not taken:
            changes = {
                "url": moved_to,
                "moved_to": "",
                "moved_hits": 0,
                "etag": "",
                "last_modified": "",
            }
    Feed.objects.filter(pk=feed.pk).update(**changes)
    for name, value in changes.items():
        setattr(feed, name, value)
