"""Feeds: registering them (by hand, admin, OPML), fetching one end to end, and the log, health
and back-off that follow every fetch."""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from tracker.enums import FeedHealth, FetchOutcome
from tracker.ingest.batchsql import insert_from_json_sql, json_rows, row_of
from tracker.ingest.entries import EntryRecord, EntrySkipped, entry_record
from tracker.ingest.fetch import FetchError, FetchResult, HTTPStatusError, fetch
from tracker.ingest.model import FeedParseError, ParsedFeed
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.ingest.opml import parse_opml
from tracker.ingest.parse import parse_feed
from tracker.models import Conflict, Feed, FetchLog, Outlet
from tracker.services.common import save_validated
from tracker.services.ingest import UpsertCounts, sources_upsert_entries

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# A claimed feed that no worker finished (killed, lost message) is due again after this.
CLAIM_LEASE = timedelta(minutes=10)
# Consecutive failures from which a feed shows as failing rather than degraded.
FAILING_AFTER = 3
# Advisory-lock namespace for "this feed is being fetched" (any constant unique to the project).
_LOCK_NAMESPACE = 0x1F2E
_FEED_COLUMNS = [f.attname for f in Feed._meta.concrete_fields]
# The feed's row, then (for the fetch's writes until the unlock) relaxed synchronous_commit: a
# fetch's commit need not wait for the WAL flush; a PostgreSQL crash can lose only the last
# moments of fetches, whole (never half), and the next fetch redoes them. Last, the lock.
_LOCK_AND_RELOAD_SQL = (  # names from the model's meta; values are bound
    f"SELECT {', '.join(f.column for f in Feed._meta.concrete_fields)}, "  # noqa: S608
    "set_config('synchronous_commit', 'off', false), pg_try_advisory_lock(%s, %s) "
    f"FROM {Feed._meta.db_table} WHERE id = %s"
)
_UNLOCK_SQL = "SELECT pg_advisory_unlock(%s, %s)"


@dataclass
class FeedFetchReport:
    log: FetchLog
    # Sources whose article page should be fetched next (tasks enqueue them).
    awaiting_page_ids: list[int] = field(default_factory=list)


def _check_feed_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"url": f"Not an http(s) feed address: {url!r}"})
    return url


@transaction.atomic
def feed_create(
    *,
    url: str,
    title: str = "",
    poll_interval: timedelta = timedelta(minutes=15),
    tags: list[str] | None = None,
    outlet: Outlet | None = None,
    conflict: Conflict | None = None,
) -> tuple[Feed, bool]:
    """(feed, created). A URL already registered returns the existing feed unchanged."""
    url = _check_feed_url(url)
    existing = Feed.objects.filter(url=url).first()
    if existing is not None:
        return existing, False
    feed = save_validated(
        Feed(
            url=url,
            title=title[:500],
            poll_interval=poll_interval,
            tags=tags or [],
            outlet=outlet,
            conflict=conflict,
            next_fetch_at=timezone.now(),
        )
    )
    return feed, True


@dataclass
class OpmlImportSummary:
    added: list[Feed] = field(default_factory=list)
    present: list[Feed] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    note: str = ""


def feeds_import_opml(*, data: bytes, poll_interval: timedelta | None = None) -> OpmlImportSummary:
    """Register every feed of an OPML list; folders and categories become tags. Each feed is
    its own transaction: one bad line rejects that line, not the file."""
    outlines, note = parse_opml(data)
    summary = OpmlImportSummary(note=note)
    for outline in outlines:
        try:
            feed, created = feed_create(
                url=outline.url,
                title=outline.title,
                tags=outline.tags,
                poll_interval=poll_interval or timedelta(minutes=15),
            )
        except ValidationError as exc:
            summary.rejected.append((outline.url, "; ".join(exc.messages)))
            continue
        (summary.added if created else summary.present).append(feed)
    return summary


@transaction.atomic
def feeds_claim_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of due feeds, each pushed a lease ahead so the next scheduler tick does not enqueue
    it again. SKIP LOCKED lets two schedulers run at once without claiming the same feed."""
    now = now or timezone.now()
    ids = list(
        Feed.objects.select_for_update(skip_locked=True)
        .filter(is_active=True, next_fetch_at__lte=now)
        .order_by("next_fetch_at")
        .values_list("id", flat=True)[:limit]
    )
    Feed.objects.filter(pk__in=ids).update(next_fetch_at=now + CLAIM_LEASE)
    return ids


@contextmanager
def feed_lock(feed_id: int) -> Iterator[bool]:
    """Session advisory lock: one fetch of a feed at a time across all workers. PostgreSQL
    drops it with the connection, so a killed worker never leaves a feed locked."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, feed_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(_UNLOCK_SQL, [_LOCK_NAMESPACE, feed_id])


@dataclass
class _FetchLock:
    feed_id: int
    acquired: bool
    # Set once a write statement has committed and unlocked in the same round trip.
    released: bool = False


@contextmanager
def _fetch_lock(feed: Feed) -> Iterator[_FetchLock]:
    """feed_lock for a fetch: the same query reloads FEED from its row (one round trip, not
    two) and relaxes synchronous_commit for the fetch's writes until the unlock. A feed that no
    longer exists is never locked. A fetch without entries to store (304, failure) commits its
    write, unlocks and resets in one round trip (see _save_feed_and_log)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_RELOAD_SQL, [_LOCK_NAMESPACE, feed.pk, feed.pk])
        row = cursor.fetchone()
    lock = _FetchLock(feed.pk, bool(row and row[-1]))
    if row is not None:
        fresh = Feed.from_db(connection.alias, _FEED_COLUMNS, row[:-2])
        for name in _FEED_COLUMNS:
            setattr(feed, name, getattr(fresh, name))
    try:
        yield lock
    finally:
        if not lock.released:
            with connection.cursor() as cursor:
                if lock.acquired:
                    cursor.execute(
                        f"{_UNLOCK_SQL}; RESET synchronous_commit", [_LOCK_NAMESPACE, feed.pk]
                    )
                else:
                    cursor.execute("RESET synchronous_commit")


def backoff_delay(*, interval: timedelta, failures: int) -> timedelta:
    """interval × 2^failures, capped, with ±20 % jitter so failing feeds do not retry in step."""
    cap = timedelta(minutes=settings.COUNTERCLAIM_FEED_MAX_BACKOFF_MINUTES)
    base = min(interval * (2 ** min(failures, 20)), cap)
    return base * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not cryptography


def feed_fetch(*, feed: Feed) -> FeedFetchReport | None:
    """Fetch, parse and store one feed, logging the fetch. None if another worker holds it
    (or the feed is gone).

    The network and parsing happen outside any transaction; the writes of one fetch (sources,
    log, feed state) are one transaction, so a crash leaves either all of them or none. A 304
    costs two round trips: lock and reload; feed state and log committed, then unlock."""
    with _fetch_lock(feed) as lock:
        if not lock.acquired:
            return None
        started = timezone.now()
        try:
            result = fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, accept=FEED_ACCEPT
            )
        except (FetchError, BlockedAddressError) as exc:
            status = exc.status if isinstance(exc, HTTPStatusError) else None
            return FeedFetchReport(
                _record_failure(feed, started, str(exc), status=status, release=lock)
            )
        if result.not_modified:
            return FeedFetchReport(
                _record_success(feed, started, result, FetchOutcome.NOT_MODIFIED, release=lock)
            )
        try:
            parsed = parse_feed(
                result.body,
                url=result.url,
                content_type=result.content_type,
                charset=result.header_charset,
            )
        except FeedParseError as exc:
            return FeedFetchReport(
                _record_failure(
                    feed, started, str(exc), status=result.status, result=result, release=lock
                )
            )
        records, skipped = feed_entry_records(parsed, feed_url=result.url)
        return _store(feed, started, result, parsed, records, skipped)


def feed_entry_records(parsed: ParsedFeed, *, feed_url: str) -> tuple[list[EntryRecord], list[str]]:
    """The entries that can become sources, and why the others cannot."""
    records, skipped = [], []
    for entry in parsed.entries:
        try:
            records.append(entry_record(entry, feed_url=feed_url))
        except EntrySkipped as exc:
            skipped.append(str(exc))
    return records, skipped


@transaction.atomic
def _store(
    feed: Feed,
    started: datetime,
    result: FetchResult,
    parsed: ParsedFeed,
    records: list[EntryRecord],
    skipped: list[str],
) -> FeedFetchReport:
    counts = sources_upsert_entries(feed=feed, records=records)
    notes = []
    if parsed.bozo_reason:
        notes.append(f"parsed leniently: {parsed.bozo_reason}")
    if skipped:
        notes.append(f"{len(skipped)} entries skipped ({skipped[0]})")
    outcome = FetchOutcome.PARSED_LENIENTLY if parsed.bozo_reason else FetchOutcome.OK
    feed.format = parsed.format
    if not feed.title and parsed.title:
        feed.title = parsed.title[:500]
    log = _record_success(
        feed, started, result, outcome, counts=counts, parser=parsed.parser, note="; ".join(notes)
    )
    return FeedFetchReport(log, counts.awaiting_page_ids)


def _record_success(
    feed: Feed,
    started: datetime,
    result: FetchResult,
    outcome: FetchOutcome,
    *,
    counts: UpsertCounts | None = None,
    parser: str = "",
    note: str = "",
    release: _FetchLock | None = None,
) -> FetchLog:
    now = timezone.now()
    if result.status != 304:
        feed.etag = result.headers.get("etag", "")[:500]
        feed.last_modified = result.headers.get("last-modified", "")[:100]
    feed.last_fetched_at = feed.last_success_at = now
    feed.consecutive_failures = 0
    feed.health = FeedHealth.OK
    feed.last_error = ""
    feed.next_fetch_at = now + feed.poll_interval
    counts = counts or UpsertCounts()
    log = FetchLog(
        feed=feed,
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
    return _save_feed_and_log(feed, _SUCCESS_FIELDS, log, release=release)


def _record_failure(
    feed: Feed,
    started: datetime,
    error: str,
    *,
    status: int | None = None,
    result: FetchResult | None = None,
    release: _FetchLock | None = None,
) -> FetchLog:
    """Nothing stored from earlier fetches is touched: only the feed's health and schedule."""
    now = timezone.now()
    feed.consecutive_failures += 1
    feed.health = (
        FeedHealth.FAILING if feed.consecutive_failures >= FAILING_AFTER else FeedHealth.DEGRADED
    )
    feed.last_error = error[:2000]
    feed.last_fetched_at = now
    feed.next_fetch_at = now + backoff_delay(
        interval=feed.poll_interval, failures=feed.consecutive_failures
    )
    log = FetchLog(
        feed=feed,
        url=result.url if result else feed.url,
        started_at=started,
        status_code=status,
        bytes_received=len(result.body) if result else 0,
        duration_ms=int((now - started).total_seconds() * 1000),
        outcome=FetchOutcome.ERROR,
        error=error[:2000],
    )
    return _save_feed_and_log(feed, _FAILURE_FIELDS, log, release=release)


# The feed columns a fetch's outcome writes (and nothing else: an admin's concurrent edit of,
# say, the interval is not overwritten with the value read before the fetch).
_FAILURE_FIELDS = (
    "consecutive_failures",
    "health",
    "last_error",
    "last_fetched_at",
    "next_fetch_at",
)
_SUCCESS_FIELDS = (*_FAILURE_FIELDS, "etag", "last_modified", "last_success_at", "format", "title")


def _save_feed_and_log(
    feed: Feed, fields: tuple[str, ...], log: FetchLog, *, release: _FetchLock | None = None
) -> FetchLog:
    """FEED's FIELDS and LOG written by one statement (UPDATE in a WITH, then the INSERT): atomic
    on its own, and one round trip, which is most of what a 304 costs. With RELEASE, outside a
    transaction, the same round trip commits it and then drops the fetch's lock: BEGIN …
    COMMIT, so the next holder of the lock reads the committed row."""
    feed.updated_at = timezone.now()
    columns = [Feed._meta.get_field(name) for name in (*fields, "updated_at")]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in columns)
    sql = (  # names from the model's meta; values are bound
        f"WITH feed AS (UPDATE {qn(Feed._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {qn(Feed._meta.pk.column)} = %s) {insert_from_json_sql(FetchLog)}"
    )
    params = [f.get_db_prep_save(getattr(feed, f.attname), connection) for f in columns]
    params += [feed.pk, json_rows(FetchLog, [row_of(log)])]
    release = release if release and release.acquired and not connection.in_atomic_block else None
    with connection.cursor() as cursor:
        if release is None:
            cursor.execute(sql, params)
        else:
            try:
                cursor.execute(
                    f"BEGIN; {sql}; COMMIT; {_UNLOCK_SQL}; RESET synchronous_commit",
                    [*params, _LOCK_NAMESPACE, release.feed_id],
                )
            except Exception:
                cursor.execute("ROLLBACK")
                raise
            release.released = True
            cursor.nextset()  # from BEGIN's result to the INSERT's
        log.pk = cursor.fetchone()[0]
    log._state.adding = False
    log._state.db = connection.alias
    return log


@transaction.atomic
def feed_fetch_now(*, feed: Feed) -> None:
    """Make FEED due immediately (admin action): the next scheduler tick fetches it."""
    Feed.objects.filter(pk=feed.pk).update(next_fetch_at=timezone.now())


@transaction.atomic
def feed_set_active(*, feed: Feed, active: bool) -> None:
    """Pause or resume polling; a resumed feed is due at once and starts from a clean slate."""
    changes: dict[str, object] = {"is_active": active, "updated_at": timezone.now()}
    if active:
        changes |= {"next_fetch_at": timezone.now(), "consecutive_failures": 0}
    Feed.objects.filter(pk=feed.pk).update(**changes)
