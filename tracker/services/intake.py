"""Feed entries become Sources exactly once; article pages are archived into them.

Identity is enforced by PostgreSQL (unique canonical URL; unique feed + GUID), so two workers
ingesting the same story at once still leave one row: the loser's insert conflicts and its entry
counts as already present. Writes are batched: per feed fetch one SELECT of the rows already
known, one of the near-duplicate candidates, one INSERT … ON CONFLICT DO NOTHING of all new rows
(tracker.services.batchsql) and one UPDATE of the changed ones; history of every insert and update
is written by the pghistory triggers on Source, batched statements included."""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import Truncator

from tracker.enums import SourceKind
from tracker.ingest.entries import EntryDraft, EntryRecord
from tracker.ingest.extract import Article, canonical_for, extract_article
from tracker.ingest.fetch import FetchError, fetch
from tracker.ingest.netpolicy import BlockedAddressError
from tracker.ingest.simhash import MAX_DISTANCE, bands, distance
from tracker.ingest.transport import FetchOptions, feed_fetch_options
from tracker.models import Feed, Incident, Outlet, Source
from tracker.services.batchsql import array_literal, insert_from_json_sql, json_rows
from tracker.services.common import Actor
from tracker.services.sources import (
    incident_source_add,
    outlet_for_url,
    source_by_url,
    source_create,
)
from tracker.text.language import language_or_declared
from tracker.text.normalise import text_sha256

# Fields an upstream change of an entry rewrites. The text fields are rewritten only while the
# text is still the feed's own (no article page archived over it).
ENTRY_FIELDS = [
    "title",
    "author",
    "published_at",
    "published_offset_minutes",
    "summary",
    "tags",
    "enclosures",
    "entry_hash",
    "updated_at",
]
TEXT_FIELDS = ["text", "content_hash", "simhash", "simhash_bands", "language"]
NEAR_DUPLICATE_WINDOW = timedelta(days=30)
# The existing sources an upsert's entries may be: same feed and GUID, or same canonical URL.
_EXISTING_SQL = (
    "SELECT id, url, feed_id, guid, entry_hash, snapshot_retrieved_at FROM tracker_source "
    "WHERE (feed_id = %s AND guid = ANY(%s::varchar[])) OR url = ANY(%s::varchar[])"
)
# Near-duplicate candidates of the window, two halves. By fingerprint: the rows whose bands
# (stored only for a group's distinct fingerprints) share one with the batch, one per (text
# hash, fingerprint). By text hash: per hash, its first row, read from the (content_hash, id)
# index without visiting the story's other copies. The last column says whether the row's
# fingerprint is indexed (its bands stored).
_CANDIDATES_SQL = (
    "SELECT * FROM (SELECT DISTINCT ON (content_hash, simhash) id, content_hash, simhash, "
    "near_duplicate_of_id, cardinality(simhash_bands) > 0 FROM tracker_source "
    "WHERE created_at >= %(since)s AND simhash_bands && %(bands)s::integer[] "
    "ORDER BY content_hash, simhash, id) AS by_band UNION ALL "
    "SELECT s.* FROM unnest(%(hashes)s::varchar[]) AS h(content_hash) CROSS JOIN LATERAL "
    "(SELECT id, content_hash, simhash, near_duplicate_of_id, cardinality(simhash_bands) > 0 "
    "FROM tracker_source WHERE content_hash = h.content_hash AND created_at >= %(since)s "
    "ORDER BY id LIMIT 1) AS s"
)

# Another feed listing a story already stored: remembered once per (source, feed).
_APPEARANCES_SQL = (
    "INSERT INTO tracker_sourceappearance (source_id, feed_id, guid, first_seen_at) "
    "SELECT a.source_id, %s, a.guid, now() FROM unnest(%s::bigint[], %s::varchar[]) "
    "AS a(source_id, guid) ON CONFLICT DO NOTHING"
)


@dataclass
class UpsertCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    # New or changed sources whose article page is to be fetched.
    awaiting_page_ids: list[int] = field(default_factory=list)


# A complete entry, or a draft completed only if it is to be written.
Entry = EntryRecord | EntryDraft


def _unique(records: Sequence[Entry]) -> list[Entry]:
    """A feed listing the same entry twice (same GUID or URL) yields it once: the first."""
    seen: set[str] = set()
    result = []
    for record in records:
        keys = {f"g:{record.guid}", f"u:{record.url}"}
        if keys & seen:
            continue
        seen |= keys
        result.append(record)
    return result


def _row(record: EntryRecord, feed: Feed, now: datetime) -> dict[str, Any]:
    """The columns of a new Source for RECORD (the rest take their defaults)."""
    return {
        "url": record.url,
        "feed_id": feed.pk,
        "guid": record.guid,
        "outlet_id": feed.outlet_id,
        "title": record.title,
        "author": record.author,
        "published_at": record.published_at,
        "published_offset_minutes": record.published_offset_minutes,
        "language": record.language,
        "summary": record.summary,
        "text": record.text,
        "content_hash": record.content_hash,
        "simhash": record.simhash,
        "simhash_bands": list(bands(record.simhash)) if record.simhash is not None else [],
        "entry_hash": record.entry_hash,
        "tags": record.tags,
        "enclosures": record.enclosures,
        "retrieved_at": now,
        "awaiting_page": not record.has_full_text and feed.fetch_full_page,
        "near_duplicate_of_id": None,
        "created_at": now,
        "updated_at": now,
    }


def _group_roots(rows: list[dict[str, Any]]) -> None:
    """Point each new row at the first source of its near-duplicate group: an existing row
    with the same text hash or a SimHash within MAX_DISTANCE bits, found in one query. Only rows
    of the last NEAR_DUPLICATE_WINDOW are candidates: wire copies appear together, and the
    window keeps the candidate set small however large the archive grows. Then keep the bands
    only of rows whose fingerprint is not indexed yet (_index_distinct)."""
    hashes = {r["content_hash"] for r in rows if r["content_hash"]}
    all_bands = sorted({b for r in rows for b in r["simhash_bands"]})
    indexed: set[int] = set()
    if hashes or all_bands:
        with connection.cursor() as cursor:
            # Matching bands are common (a copy of a story matches all its copies), so the
            # planner prices a sequential scan lower than the indexes; evaluating && on every
            # row of the window is many times slower and grows with the archive. This
            # transaction only; one round trip for both statements. Raw SQL: the ORM spent
            # longer building this query than PostgreSQL running it.
            cursor.execute(
                f"SET LOCAL enable_seqscan = off; {_CANDIDATES_SQL}",
                {
                    "since": timezone.now() - NEAR_DUPLICATE_WINDOW,
                    "bands": array_literal(all_bands),
                    "hashes": array_literal(sorted(hashes)),
                },
            )
            cursor.nextset()  # from SET's result to the SELECT's
            # In the order of one query over both halves, each row once: which group a
            # fingerprint near two groups joins must not depend on which half found it.
            candidates = sorted(
                set(cursor.fetchall()), key=lambda c: (c[1], c[2] is None, c[2] or 0, c[0])
            )
        by_hash: dict[str, tuple[int, int]] = {}  # hash → (first id, its group root)
        for pk, content_hash, fingerprint, root, has_bands in candidates:
            if content_hash in hashes and pk < by_hash.get(content_hash, (pk + 1,))[0]:
                by_hash[content_hash] = (pk, root or pk)
            if fingerprint is not None and has_bands:
                indexed.add(fingerprint)
        unmatched = []
        for row in rows:
            if row["content_hash"] in by_hash:
                row["near_duplicate_of_id"] = by_hash[row["content_hash"]][1]
            elif row["simhash"] is not None:
                unmatched.append(row)
        if unmatched:  # the band map only when some row needs it (wire copies match by hash)
            by_band: dict[int, list[tuple[int, int]]] = {}
            for pk, _hash, fingerprint, root, _indexed in candidates:
                if fingerprint is not None:
                    for band in bands(fingerprint):
                        by_band.setdefault(band, []).append((fingerprint, root or pk))
            for row in unmatched:
                row["near_duplicate_of_id"] = _nearest(by_band, row)
    _index_distinct(rows, indexed)


def _index_distinct(rows: list[dict[str, Any]], indexed: set[int]) -> None:
    """Store a row's bands only if no candidate of the window, and no row before it in this
    batch (insert order: URL), already indexes its exact fingerprint. Every copy of a story
    would otherwise add the same six keys to the GIN index, and every later search would
    visit all of them; one indexed copy per fingerprint finds the group just as well."""
    for row in sorted(rows, key=lambda r: r["url"]):
        fingerprint = row["simhash"]
        if fingerprint is None:
            continue
        if fingerprint in indexed:
            row["simhash_bands"] = []
        else:
            indexed.add(fingerprint)


def _nearest(by_band: dict[int, list[tuple[int, int]]], row: dict[str, Any]) -> int | None:
    """The group root of the first fingerprint in BY_BAND within MAX_DISTANCE of ROW's."""
    if row["simhash"] is None:
        return None
    for band in bands(row["simhash"]):
        for fingerprint, root in by_band.get(band, []):
            if distance(fingerprint, row["simhash"]) <= MAX_DISTANCE:
                return root
    return None


def _group_within_batch(created: list[dict[str, Any]]) -> list[Source]:
    """Near-duplicates among the rows just inserted: later ones point at the first."""
    first_by_hash: dict[str, int] = {}
    first_by_band: dict[int, list[tuple[int, int]]] = {}
    changed = []
    for row in created:
        if row["near_duplicate_of_id"] is None:
            root = first_by_hash.get(row["content_hash"]) if row["content_hash"] else None
            root = root or _nearest(first_by_band, row)
            if root is not None:
                row["near_duplicate_of_id"] = root
                changed.append(Source(pk=row["id"], near_duplicate_of_id=root))
        anchor = row["near_duplicate_of_id"] or row["id"]
        if row["content_hash"]:
            first_by_hash.setdefault(row["content_hash"], anchor)
        if row["simhash"] is not None:
            for band in bands(row["simhash"]):
                first_by_band.setdefault(band, []).append((row["simhash"], anchor))
    return changed


def _insert(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert ROWS in one statement; the ones a concurrent writer stored first (same URL, or
    same feed and GUID) are skipped by PostgreSQL. Rows go in URL order, so two writers
    inserting overlapping batches take their index locks in the same order and cannot
    deadlock. Returns the rows inserted, each with its new "id"."""
    with connection.cursor() as cursor:
        cursor.execute(
            insert_from_json_sql(Source),
            [json_rows(Source, sorted(rows, key=lambda r: r["url"]))],
        )
        ids = {url: pk for pk, url in cursor.fetchall()}
    created = [row for row in rows if row["url"] in ids]
    for row in created:
        row["id"] = ids[row["url"]]
    return created


@transaction.atomic(savepoint=False)
def sources_upsert_entries(*, feed: Feed, records: Sequence[Entry]) -> UpsertCounts:
    """Store RECORDS (one feed fetch) as Sources: new entries inserted, changed ones updated,
    the rest left alone (a draft of an entry stored unchanged is never completed). Safe to run
    twice or concurrently: the database keeps one row each. (No savepoint: it runs inside the
    fetch's transaction, and any error aborts all of it.)"""
    counts = UpsertCounts()
    records = _unique(records)
    if not records:
        return counts
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            _EXISTING_SQL,
            [
                feed.pk,
                array_literal(r.guid for r in records),
                array_literal(r.url for r in records),
            ],
        )
        existing = [
            Source(
                id=pk,
                url=url,
                feed_id=feed_id,
                guid=guid,
                entry_hash=entry_hash,
                snapshot_retrieved_at=snapshot_at,
            )
            for pk, url, feed_id, guid, entry_hash, snapshot_at in cursor.fetchall()
        ]
    by_guid = {s.guid: s for s in existing if s.feed_id == feed.pk and s.guid}
    by_url = {s.url: s for s in existing}
    new, changed, elsewhere = [], [], []
    for record in records:
        source = by_guid.get(record.guid) or by_url.get(record.url)
        if source is None:
            new.append(_row(record.record(), feed, now))
        elif source.feed_id != feed.pk:
            elsewhere.append((source.pk, record.guid))
            counts.unchanged += 1
        elif source.entry_hash == record.entry_hash:
            counts.unchanged += 1
        else:
            changed.append(_apply_change(source, _row(record.record(), feed, now)))
    if elsewhere:
        with connection.cursor() as cursor:
            cursor.execute(
                _APPEARANCES_SQL,
                [
                    feed.pk,
                    array_literal(pk for pk, _ in elsewhere),
                    array_literal(guid for _, guid in elsewhere),
                ],
            )
    if changed:
        with_text = [s for s in changed if s.snapshot_retrieved_at is None]
        text_kept = [s for s in changed if s.snapshot_retrieved_at is not None]
        Source.objects.bulk_update(with_text, [*ENTRY_FIELDS, *TEXT_FIELDS, "awaiting_page"])
        # An archived page outlives a feed edit; it is fetched again to follow the change.
        Source.objects.bulk_update(text_kept, [*ENTRY_FIELDS, "awaiting_page"])
        counts.updated = len(changed)
        counts.awaiting_page_ids = [s.pk for s in changed if s.awaiting_page]
    if new:
        _group_roots(new)
        created = _insert(new)
        grouped = _group_within_batch(created)
        if grouped:
            Source.objects.bulk_update(grouped, ["near_duplicate_of"])
        counts.new = len(created)
        counts.unchanged += len(new) - len(created)
        counts.awaiting_page_ids += [row["id"] for row in created if row["awaiting_page"]]
    return counts


def _apply_change(source: Source, row: dict[str, Any]) -> Source:
    for name in [*ENTRY_FIELDS, *TEXT_FIELDS]:
        setattr(source, name, row[name])
    source.awaiting_page = row["awaiting_page"]
    return source


@transaction.atomic
def source_archive_page(
    *, source: Source, article: Article, retrieved_at: datetime, page_url: str = ""
) -> Source:
    """Keep the fetched article page as SOURCE's snapshot and, when extraction found more than
    the feed gave, its main text. A page that declares a canonical URL already held by another
    source makes this one a near-duplicate of it rather than a second copy. A canonical URL
    on another registrable domain than the page's (PAGE_URL, after redirects), relative or
    malformed is refused, and page_error says why."""
    source = Source.objects.select_for_update().get(pk=source.pk)
    source.snapshot = article.snapshot
    source.snapshot_sha256 = article.snapshot_sha256
    source.snapshot_retrieved_at = retrieved_at
    source.snapshot_content_type = "text/html"
    source.awaiting_page = False
    if len(article.text) > len(source.text):
        source.text = article.text
        source.content_hash = text_sha256(article.text)
        source.language = language_or_declared(article.text, source.language)
    canonical, refused = canonical_for(page_url or source.url, article.canonical_url)
    source.page_error = refused  # shown beside the source: why its URL was kept
    if canonical and canonical != source.url:
        _honour_canonical(source, canonical)
    if source.outlet_id is None:
        source.outlet = outlet_for_url(source.url)
    source.save()
    return source


def _known_canonical(page_url: str, declared: str) -> Source | None:
    """The source already held at the canonical address PAGE_URL's page declares (under the
    same rule as source_archive_page), if any."""
    canonical, _ = canonical_for(page_url, declared)
    return Source.objects.filter(url=canonical).first() if canonical else None


def _honour_canonical(source: Source, url: str) -> None:
    holder = Source.objects.filter(url=url).exclude(pk=source.pk).first()
    if holder is None:
        source.url = url
    elif source.near_duplicate_of_id is None:
        source.near_duplicate_of_id = holder.near_duplicate_of_id or holder.pk


@transaction.atomic
def source_record_page_error(*, source: Source, error: str) -> None:
    """The page could not be fetched: the feed's text stays; the reason is shown."""
    Source.objects.filter(pk=source.pk).update(
        awaiting_page=False, page_error=error[:2000], updated_at=timezone.now()
    )


ARTICLE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"


def page_host_wait(*, url: str) -> float:
    """0 if an article page of URL's host may be fetched now (and the host's slot is taken),
    else the seconds to wait. One slot per host per COUNTERCLAIM_PAGE_HOST_INTERVAL, shared by
    every worker through the cache: a feed of fifty new stories must not fetch fifty pages
    from one outlet at once."""
    interval = settings.COUNTERCLAIM_PAGE_HOST_INTERVAL
    host = (urlsplit(url).hostname or "").lower()
    if interval <= 0 or not host:
        return 0.0
    key = f"page-host:{host}"
    if cache.add(key, time.time() + interval, timeout=interval):
        return 0.0
    until = cache.get(key) or time.time() + interval
    return max(0.05, until - time.time())


class PageFetchError(Exception):
    """An article page that could not be fetched, or is not HTML; the message says which."""


def article_fetch(url: str, *, options: FetchOptions | None = None) -> tuple[Article, str]:
    """Fetch URL through the guarded fetcher (timeouts, size cap, no private addresses; a
    feed's OPTIONS: user agent, headers, proxy) and extract its article. Returns it with the
    page's final URL (after redirects)."""
    try:
        result = fetch(url, accept=ARTICLE_ACCEPT, options=options)
    except (FetchError, BlockedAddressError) as exc:
        raise PageFetchError(str(exc)) from exc
    if result.content_type not in {"text/html", "application/xhtml+xml", ""}:
        raise PageFetchError(f"not an HTML page: {result.content_type} from {result.url}")
    return extract_article(result.text(), result.body, url=result.url), result.url


def source_fetch_page(*, source: Source) -> Source | None:
    """Fetch SOURCE's article page, extract its text and archive it. A page that cannot be
    fetched or is not HTML leaves the feed's text in place and records why."""
    try:
        article, page_url = article_fetch(source.url, options=feed_fetch_options(source.feed))
    except PageFetchError as exc:
        source_record_page_error(source=source, error=str(exc))
        return None
    return source_archive_page(
        source=source, article=article, retrieved_at=timezone.now(), page_url=page_url
    )


def source_create_from_url(*, url: str, kind: SourceKind = SourceKind.NEWS_REPORT) -> Source:
    """A source added by its address alone: fetched, extracted and archived by the code ingest
    uses. The fetch comes first and outside any transaction, so a page that cannot be had
    stores nothing; a URL already known, or a page whose declared canonical address is, returns
    the existing source."""
    url, existing = source_by_url(url)
    if existing is not None:
        return existing
    try:
        article, page_url = article_fetch(url)
    except PageFetchError as exc:
        raise ValidationError({"url": f"The page could not be had: {exc}"}) from exc
    known = _known_canonical(page_url, article.canonical_url)
    if known is not None:  # the page names an address we already hold
        return known
    with transaction.atomic():
        source = source_create(
            url=url,
            title=article.title[:1000],
            text=article.text,
            kind=kind,
            language=language_or_declared(article.text, ""),
        )
        return source_archive_page(
            source=source, article=article, retrieved_at=timezone.now(), page_url=page_url
        )


def _first_line(text: str) -> str:
    """A pasted text's title when none is given: its first line, as a person would name it."""
    return Truncator(text.strip().splitlines()[0].strip()).chars(300)


def source_add_by_hand(
    *,
    url: str,
    fetch: bool,
    title: str = "",
    text: str = "",
    published_at: datetime | None = None,
    outlet: Outlet | None = None,
    incident: Incident | None = None,
    user: Actor = None,
) -> Source:
    """A source a person adds: by its address alone (FETCH: fetched, extracted and archived as
    ingest does, under the fetcher's guard), or by pasting its text with the address it was
    published at. Gathered for INCIDENT when given, so it is reachable from there."""
    if fetch:
        source = source_create_from_url(url=url)
    elif not text.strip():
        raise ValidationError({"text": "Paste the report's text (or give only its address)."})
    else:
        source = source_create(
            url=url,
            title=title or _first_line(text),
            text=text,
            published_at=published_at,
            outlet=outlet,
            language=language_or_declared(text, ""),
        )
    if incident is not None:
        incident_source_add(incident=incident, source=source, user=user)
    return source
