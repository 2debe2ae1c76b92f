"""Feeds: registering them (by hand, admin, OPML) and fetching one end to end. The lock, log,
health and back-off that follow every fetch are in tracker.services.feed_outcome."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from tracker.enums import FetchOutcome, WebSubState
from tracker.ingest.entries import (
    EntryDraft,
    EntrySkipped,
    clean_text,
    entry_draft,
)
from tracker.ingest.fetch import (
    FetchError,
    FetchResult,
    HTTPStatusError,
    fetch,
    split_credentials,
)
from tracker.ingest.model import FeedParseError, ParsedFeed
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.ingest.opml import parse_opml
from tracker.ingest.parse import parse_feed
from tracker.ingest.rules import apply_rules
from tracker.ingest.scrape import parse_listing
from tracker.ingest.transport import feed_fetch_options
from tracker.ingest.websub import hub_and_topic, subscription_due
from tracker.models import Conflict, Feed, FetchLog, Outlet
from tracker.services.common import save_validated
from tracker.services.feed_outcome import (
    LOCK_NAMESPACE,
    UNLOCK_SQL,
    FetchLock,
    commit_and_release,
    feed_follow_move,
    fetch_lock,
    record_failure,
    record_success,
)
from tracker.services.intake import UpsertCounts, sources_upsert_entries
from tracker.text.normalise import canonical_url

logger = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
# Per-feed fetch settings a feed may be created with (every door: command, admin, API).
FEED_SETTINGS = (
    "user_agent",
    "extra_headers",
    "proxy_url",
    "fetch_full_page",
    "keep_rule",
    "block_rule",
    "ignore_cache",
    "scrape_selector",
)
# A claimed feed that no worker finished (killed, lost message) is due again after this.
CLAIM_LEASE = timedelta(minutes=10)


@dataclass
class FeedFetchReport:
    log: FetchLog
    # Sources whose article page should be fetched next (tasks enqueue them).
    awaiting_page_ids: list[int] = field(default_factory=list)
    # The feed advertises a WebSub hub we are not subscribed to (tasks enqueue the request).
    websub_subscribe: bool = False


def feed_url_normal(url: str) -> tuple[str, str]:
    """(the feed URL in the form its uniqueness is checked in, "user:password" it carried), or a
    ValidationError that names the problem (malformed, not http(s), a host that is no valid
    name). Scheme and host lower-cased, IDN as punycode, IPv6 in brackets, no default port, no
    fragment; path and query kept as given. Credentials never stay in the URL: it is shown."""
    url = url.strip()
    try:
        url, credentials = split_credentials(url)
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as exc:
        raise ValidationError({"url": f"Not a valid address: {url!r} ({exc})"}) from exc
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        raise ValidationError({"url": f"Not an http(s) feed address: {url!r}"})
    try:
        return canonical_url(url, strip_tracking=False), credentials
    except ValueError as exc:  # the host must be a valid name (IDNA) or address
        raise ValidationError({"url": f"Not a valid address: {exc}"}) from exc


def feed_url_checked(url: str, *, feed: Feed | None = None) -> tuple[str, str]:
    """URL normalised (feed_url_normal) and free: a ValidationError in words if another feed
    than FEED already has it in any spelling. Every door that sets or edits a feed's address
    goes through here, so an edit cannot register one feed twice."""
    url, credentials = feed_url_normal(url)
    others = Feed.objects.exclude(pk=feed.pk) if feed else Feed.objects.all()
    taken = others.filter(url=url).first()
    if taken is not None:
        raise ValidationError(
            {"url": f"{url} is already registered as feed #{taken.pk} ({taken}); edit that one."}
        )
    return url, credentials


def feed_url_set(*, feed: Feed, url: str) -> None:
    """Give FEED (not saved here) the address URL, checked by feed_url_checked. Credentials in
    it become the feed's HTTP Basic ones; a new address drops what the old one's server said
    (validators, a pending move)."""
    url, credentials = feed_url_checked(url, feed=feed)
    if credentials:
        feed.basic_auth = credentials
    if url != feed.url:
        feed.url = url
        feed.etag = feed.last_modified = feed.moved_to = ""
        feed.moved_hits = 0


def check_feed_settings(settings: dict[str, Any]) -> None:
    """Only FEED_SETTINGS, each valid by the model's rules (before anything is fetched)."""
    unknown = set(settings) - set(FEED_SETTINGS)
    if unknown:
        raise ValidationError(f"Unknown feed settings: {', '.join(sorted(unknown))}")
    Feed(url="https://example.org/", **settings).full_clean(
        validate_unique=False, validate_constraints=False
    )


@transaction.atomic
def feed_create(
    *,
    url: str,
    title: str = "",
    poll_interval: timedelta = timedelta(minutes=15),
    tags: list[str] | None = None,
    outlet: Outlet | None = None,
    conflict: Conflict | None = None,
    settings: dict[str, Any] | None = None,
    basic_auth: str = "",
) -> tuple[Feed, bool]:
    """(feed, created). A URL already registered (in any spelling feed_url_normal folds)
    returns the existing feed unchanged. BASIC_AUTH ("user:password") is used when the URL
    carries none. SETTINGS: per-feed fetch settings (FEED_SETTINGS), validated with the
    model's rules."""
    url, credentials = feed_url_normal(url)
    credentials = credentials or basic_auth
    existing = Feed.objects.filter(url=url).first()
    if existing is not None:
        return existing, False
    check_feed_settings(settings or {})
    feed = save_validated(
        Feed(
            url=url,
            basic_auth=credentials,
            title=title[:500],
            poll_interval=poll_interval,
            tags=tags or [],
            outlet=outlet,
            conflict=conflict,
            next_fetch_at=timezone.now(),
            **(settings or {}),
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
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, feed_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(UNLOCK_SQL, [LOCK_NAMESPACE, feed_id])


def feed_fetch(*, feed: Feed) -> FeedFetchReport | None:
    """Fetch, parse and store one feed, logging the fetch. None if another worker holds it
    (or the feed is gone).

    The network and parsing happen outside any transaction; the writes of one fetch (sources,
    log, feed state) are one transaction, so a crash leaves either all of them or none. A 304
    costs two round trips: lock and reload; feed state and log committed, then unlock. Any
    error, expected or not (a task's time limit included), ends as this feed's failure in its
    log: it never reaches the caller, so one feed never stops the others. (Only the
    database's own failures are raised: they are no feed's.)"""
    with fetch_lock(feed) as lock:
        if not lock.acquired:
            return None
        started = timezone.now()
        try:
            return _fetch_and_store(feed, started, lock)
        except Exception as exc:
            logger.exception("fetch of feed %s stopped", feed.pk)
            if connection.in_atomic_block or isinstance(exc, OperationalError | InterfaceError):
                # Inside a caller's transaction: theirs to roll back. The database gone (a
                # terminated connection): no feed's fault, and nothing can be written; the
                # feed stays due and the next scheduler tick fetches it again.
                raise
            message = (
                "stopped: the task's time limit passed"
                if isinstance(exc, SoftTimeLimitExceeded)
                else f"stopped by an unexpected error ({type(exc).__name__}): {exc}"
            )
            return FeedFetchReport(record_failure(feed, started, message, release=lock))


def feed_fetch_killed(*, feed_id: int, seconds: float) -> FetchLog | None:
    """The row of a fetch whose worker process was killed after SECONDS (the task's hard time
    limit), written by the worker's parent: the killed process could write nothing, and its
    lock went with its connection. None if the feed is gone."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return None
    started = timezone.now() - timedelta(seconds=seconds)
    return record_failure(
        feed,
        started,
        f"killed: the task's hard time limit ({seconds:g} s) passed; the worker process was "
        "stopped mid-fetch",
    )


def _fetch_and_store(feed: Feed, started: datetime, lock: FetchLock) -> FeedFetchReport:
    use_cache = not feed.ignore_cache
    try:
        result = fetch(
            feed.url,
            etag=feed.etag if use_cache else "",
            last_modified=feed.last_modified if use_cache else "",
            accept=FEED_ACCEPT,
            credentials=feed.basic_auth,
            options=feed_fetch_options(feed),
        )
    except (FetchError, BlockedAddressError) as exc:
        status = exc.status if isinstance(exc, HTTPStatusError) else None
        gone = status == 410
        message = str(exc) + ("; polling stopped (resume the feed to try again)" if gone else "")
        return FeedFetchReport(
            record_failure(
                feed,
                started,
                message,
                status=status,
                release=lock,
                deactivate=gone,
                retry_after=exc.retry_after if isinstance(exc, HTTPStatusError) else None,
            )
        )
    if result.moved_to or feed.moved_hits:
        feed_follow_move(feed=feed, moved_to=result.moved_to)
    if result.not_modified:
        # The stored hub still stands: a feed that answers 304 for weeks is renewed too.
        return FeedFetchReport(
            record_success(feed, started, result, FetchOutcome.NOT_MODIFIED, release=lock),
            websub_subscribe=subscription_due(
                feed.websub_hub, feed.websub_state, feed.websub_renew_at, timezone.now()
            ),
        )
    return feed_ingest_result(feed=feed, started=started, result=result, lock=lock)


def feed_ingest_result(
    *, feed: Feed, started: datetime, result: FetchResult, lock: FetchLock
) -> FeedFetchReport:
    """Parse and store a fetched body of FEED (held under LOCK): a poll's and a WebSub push's
    one path. A listing page (scrape_selector set) is read for its article links; the feed's
    keep/block rules choose the entries."""
    try:
        if feed.scrape_selector:
            parsed = parse_listing(
                result.body,
                url=result.url,
                selector=feed.scrape_selector,
                charset=result.header_charset,
            )
        else:
            parsed = parse_feed(
                result.body,
                url=result.url,
                content_type=result.content_type,
                charset=result.header_charset,
                max_entries=settings.COUNTERCLAIM_FETCH_MAX_ENTRIES,
            )
    except FeedParseError as exc:
        return FeedFetchReport(
            record_failure(
                feed, started, str(exc), status=result.status, result=result, release=lock
            )
        )
    ruled = apply_rules(parsed.entries, keep=feed.keep_rule, block=feed.block_rule)
    parsed.entries = ruled.kept
    records, skipped = feed_entry_drafts(parsed, feed_url=result.url)
    return _store(feed, started, result, parsed, records, skipped, lock, rules_note=ruled.note)


def feed_entry_drafts(parsed: ParsedFeed, *, feed_url: str) -> tuple[list[EntryDraft], list[str]]:
    """The entries that can become sources (identity and raw hash only), and why the others
    cannot."""
    drafts, skipped = [], []
    for entry in parsed.entries:
        try:
            drafts.append(entry_draft(entry, feed_url=feed_url))
        except EntrySkipped as exc:
            skipped.append(str(exc))
        except Exception as exc:  # one unreadable entry never costs the feed
            logger.exception("entry %r of %s unreadable", entry.guid[:200], feed_url)
            skipped.append(f"entry {entry.guid[:200]!r} unreadable ({type(exc).__name__})")
    return drafts, skipped


def _store_each(feed: Feed, records: list[EntryDraft], skipped: list[str]) -> UpsertCounts:
    """The batch failed in the database (a value no check foresaw): store entry by entry,
    each in its own savepoint, skipping those the database refuses with its reason."""
    counts = UpsertCounts()
    for record in records:
        try:
            with transaction.atomic():
                one = sources_upsert_entries(feed=feed, records=[record])
        except DatabaseError as exc:
            skipped.append(f"entry {record.url[:200]!r} refused: {str(exc).splitlines()[0]}")
            continue
        counts.new += one.new
        counts.updated += one.updated
        counts.unchanged += one.unchanged
        counts.awaiting_page_ids += one.awaiting_page_ids
    return counts


def _notes(
    parsed: ParsedFeed, records: list[EntryDraft], skipped: list[str], rules_note: str = ""
) -> list[str]:
    """What the fetch log says besides the counts: lenient parsing, entries skipped, left out
    by the feed's keep/block rules, not read, or stored without a value they gave."""
    notes = []
    if parsed.bozo_reason:
        notes.append(f"parsed leniently: {parsed.bozo_reason}")
    if skipped:
        notes.append(f"{len(skipped)} entries skipped ({skipped[0]})")
    if rules_note:
        notes.append(rules_note)
    if parsed.entries_over_cap:
        notes.append(
            f"{parsed.entries_over_cap} entries over the cap of "
            f"{settings.COUNTERCLAIM_FETCH_MAX_ENTRIES} per document not read"
        )
    dateless = [note for r in records for note in r.entry.notes]
    if dateless:
        notes.append(f"{len(dateless)} entries stored without a date ({dateless[0]})")
    return notes


class _BatchRefused(Exception):
    """The database refused a fetch's batched write of its entries."""


def _store(
    feed: Feed,
    started: datetime,
    result: FetchResult,
    parsed: ParsedFeed,
    records: list[EntryDraft],
    skipped: list[str],
    lock: FetchLock,
    rules_note: str = "",
) -> FeedFetchReport:
    """The entries, the feed's state and its log in one transaction. If the database refuses
    the batch, that transaction is rolled back whole and a new one stores the entries one by
    one (_store_each). No savepoint around the batch: it cost two round trips a feed, for a
    failure that is rare."""
    args = (feed, started, result, parsed, records, skipped, lock, rules_note)
    try:
        return _store_in_transaction(*args, batch=True)
    except _BatchRefused:
        return _store_in_transaction(*args, batch=False)


@transaction.atomic
def _store_in_transaction(
    feed: Feed,
    started: datetime,
    result: FetchResult,
    parsed: ParsedFeed,
    records: list[EntryDraft],
    skipped: list[str],
    lock: FetchLock,
    rules_note: str,
    *,
    batch: bool,
) -> FeedFetchReport:
    if batch:
        try:
            counts = sources_upsert_entries(feed=feed, records=records)
        except DatabaseError as exc:
            raise _BatchRefused from exc
    else:
        counts = _store_each(feed, records, skipped)
    websub_subscribe = _note_hub(feed, parsed, feed_url=result.url)
    outcome = FetchOutcome.PARSED_LENIENTLY if parsed.bozo_reason else FetchOutcome.OK
    feed_changes: dict[str, Any] = {"format": parsed.format}
    if not feed.title and parsed.title:
        feed_changes["title"] = clean_text(parsed.title)[:500]
    note = "; ".join(_notes(parsed, records, skipped, rules_note))
    stored = counts.new + counts.updated + counts.unchanged
    log = record_success(
        feed,
        started,
        result,
        outcome,
        counts=counts,
        parser=parsed.parser,
        note=note,
        # A feed whose every entry is skipped gives nothing: not healthy, whatever HTTP said.
        degraded=f"no entry could be stored: {note}" if skipped and not stored else "",
        feed_changes=feed_changes,
    )
    commit_and_release(lock)
    return FeedFetchReport(log, counts.awaiting_page_ids, websub_subscribe)


def _note_hub(feed: Feed, parsed: ParsedFeed, *, feed_url: str) -> bool:
    """Keep the WebSub hub and topic FEED advertises (written only when they change: a new hub
    starts a new subscription); True if a subscription request is due."""
    hub, topic = hub_and_topic(parsed, feed_url=feed_url)
    if (hub, topic) != (feed.websub_hub, feed.websub_topic):
        changes = {
            "websub_hub": hub,
            "websub_topic": topic,
            "websub_state": WebSubState.NONE,
            "websub_renew_at": None,
        }
        for name, value in changes.items():
            setattr(feed, name, value)
        Feed.objects.filter(pk=feed.pk).update(**changes)
    return subscription_due(hub, feed.websub_state, feed.websub_renew_at, timezone.now())


# What an editor may change on a feed besides its fetch settings.
_EDITABLE = ("url", "title", "poll_interval", "is_active", "tags")


@transaction.atomic
def feed_update_settings(*, feed: Feed, changes: dict[str, Any]) -> Feed:
    """Change FEED's address (feed_url_set: normalised, unique), title, interval, tags or
    fetch settings (FEED_SETTINGS), validated."""
    unknown = set(changes) - set(FEED_SETTINGS) - set(_EDITABLE)
    if unknown:
        raise ValidationError(f"Not editable: {', '.join(sorted(unknown))}")
    changes = dict(changes)
    if "url" in changes:
        feed_url_set(feed=feed, url=changes.pop("url"))
    for name, value in changes.items():
        setattr(feed, name, value)
    return save_validated(feed)


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
