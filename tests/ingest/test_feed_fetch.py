"""A feed fetched end to end (fetch → parse → sources → log → health) against the real server
and the real database."""

import threading
import time
from datetime import timedelta

import pghistory
import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.plugins.feed_server import DATA, FEEDS
from tracker.enums import FeedFormat, FeedHealth, FetchOutcome
from tracker.ingest.parse import parse_feed
from tracker.models import (
    Feed,
    FetchLog,
    Source,
    SourceEvent,  # written by the pghistory triggers
)
from tracker.services.feeds import feed_create, feed_entry_drafts, feed_fetch, feed_lock
from tracker.services.intake import sources_upsert_entries

GUARDIAN = (FEEDS / "rss2/guardian-us.rss").read_bytes()

pytestmark = pytest.mark.usefixtures("no_article_pages")


def _feed(server, path="data/feeds/rss2/guardian-us.rss", **kwargs) -> Feed:
    return feed_create(url=server.url(path), **kwargs)[0]


@pytest.mark.django_db
def test_feed_fetch_stores_each_entry_once_and_logs(server):
    feed = _feed(server)
    report = feed_fetch(feed=feed)
    log = report.log
    assert (log.outcome, log.status_code, log.parser) == (FetchOutcome.OK, 200, "lxml")
    assert (log.entries_new, log.entries_updated, log.entries_unchanged) == (55, 0, 0)
    assert log.bytes_received == len(GUARDIAN)
    assert Source.objects.filter(feed=feed).count() == 55
    feed.refresh_from_db()
    assert feed.format == FeedFormat.RSS
    assert feed.etag.startswith('"')
    assert feed.last_modified
    assert feed.health == FeedHealth.OK
    assert feed.title == "The Guardian"
    assert abs((feed.next_fetch_at - timezone.now()) - timedelta(minutes=15)) < timedelta(seconds=5)


@pytest.mark.django_db
def test_feed_fetch_source_fields_exact(server):
    feed_fetch(feed=_feed(server))
    source = Source.objects.get(
        url="https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord"
    )
    assert source.title == "Trump State of the Union address promised unity but emphasized discord"
    assert source.author == "David Smith in Washington"
    assert source.published_at.isoformat() == "2018-01-31T07:26:05+00:00"
    assert source.published_offset_minutes == 0
    assert source.language == "en"
    assert source.guid == source.url
    assert len(source.content_hash) == 64
    assert source.awaiting_page is True  # the feed carries only a teaser
    assert "<script" not in source.summary


@pytest.mark.django_db
def test_feed_fetch_second_time_is_304_and_parses_nothing(server):
    feed = _feed(server)
    feed_fetch(feed=feed)
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.status_code, log.parser, log.entries_new) == (
        FetchOutcome.NOT_MODIFIED,
        304,
        "",
        0,
    )
    assert server.requests[-1][1]["if-none-match"] == Feed.objects.get().etag
    assert Source.objects.count() == 55
    assert FetchLog.objects.filter(feed=feed).count() == 2


@pytest.mark.django_db
def test_feed_fetch_same_bytes_without_validators_creates_nothing(server):
    feed = _feed(server)
    feed_fetch(feed=feed)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.entries_new, log.entries_updated, log.entries_unchanged) == (
        FetchOutcome.OK,
        0,
        0,
        55,
    )
    assert Source.objects.count() == 55


@pytest.mark.django_db
def test_feed_fetch_changed_entry_updates_source_and_history(server):
    server.overrides["/feed.xml"] = (GUARDIAN, "application/rss+xml")
    feed = _feed(server, "feed.xml")
    feed_fetch(feed=feed)
    first = parse_feed(GUARDIAN).entries[0]
    edited = GUARDIAN.replace(first.title.encode(), b"Corrected headline", 1)
    server.overrides["/feed.xml"] = (edited, "application/rss+xml")
    log = feed_fetch(feed=feed).log
    assert (log.entries_new, log.entries_updated, log.entries_unchanged) == (0, 1, 54)
    source = Source.objects.get(guid=first.guid)
    assert source.title == "Corrected headline"
    assert source.updated_at > source.created_at
    titles = list(
        SourceEvent.objects.filter(pgh_obj=source)
        .order_by("pgh_id")
        .values_list("title", flat=True)
    )
    assert titles == [first.title, "Corrected headline"]


@pytest.mark.django_db
def test_feed_fetch_failure_keeps_data_and_backs_off(server):
    server.overrides["/feed.xml"] = (GUARDIAN, "application/rss+xml")
    feed = _feed(server, "feed.xml")
    feed_fetch(feed=feed)
    del server.overrides["/feed.xml"]  # now a 404
    before = timezone.now()
    log = feed_fetch(feed=feed).log
    feed.refresh_from_db()
    assert (log.outcome, log.status_code) == (FetchOutcome.ERROR, 404)
    assert log.error == f"HTTP 404 from {feed.url}"
    assert feed.last_error == log.error
    assert (feed.health, feed.consecutive_failures) == (FeedHealth.DEGRADED, 1)
    # 2 × 15 minutes, ±20 % jitter
    assert timedelta(minutes=24) <= feed.next_fetch_at - before <= timedelta(minutes=36, seconds=5)
    assert Source.objects.filter(feed=feed).count() == 55


@pytest.mark.django_db
def test_feed_fetch_third_failure_is_failing_and_recovery_restores_interval(server):
    feed = _feed(server, "status/500")
    for _ in range(3):
        feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert (feed.health, feed.consecutive_failures) == (FeedHealth.FAILING, 3)
    assert feed.next_fetch_at - timezone.now() >= timedelta(minutes=15 * 8 * 0.8) - timedelta(
        seconds=5
    )
    Feed.objects.filter(pk=feed.pk).update(url=server.url("data/feeds/rss2/guardian-us.rss"))
    feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert (feed.health, feed.consecutive_failures, feed.last_error) == (FeedHealth.OK, 0, "")
    assert abs((feed.next_fetch_at - timezone.now()) - timedelta(minutes=15)) < timedelta(seconds=5)


@pytest.mark.django_db
def test_feed_fetch_malformed_feed_is_lenient_with_reason(server):
    feed = _feed(server, "data/feeds/malformed/node-feedparser-saxerror.xml")
    log = feed_fetch(feed=feed).log
    assert (log.outcome, log.parser, log.entries_new) == (
        FetchOutcome.PARSED_LENIENTLY,
        "feedparser",
        3,
    )
    assert log.error.startswith("parsed leniently: <unknown>:15:44: not well-formed")


@pytest.mark.django_db
def test_feed_fetch_hostile_feed_records_error_and_stores_nothing(server):
    feed = _feed(server, "data/feeds/hostile/defusedxml-xmlbomb.xml")
    log = feed_fetch(feed=feed).log
    assert log.outcome == FetchOutcome.ERROR
    assert log.error == "not a feed: <unknown>:3:6: undefined entity"
    assert Source.objects.count() == 0


@pytest.mark.django_db
def test_feed_fetch_wrong_content_type_fails_clearly(server):
    log = feed_fetch(feed=_feed(server, "wrong-type")).log
    assert log.outcome == FetchOutcome.ERROR
    assert log.error.startswith("not a feed")


@pytest.mark.django_db
def test_feed_fetch_redirect_to_private_address_is_logged(server):
    log = feed_fetch(feed=_feed(server, "redirect-private")).log
    assert log.outcome == FetchOutcome.ERROR
    assert "127.0.0.2" in log.error


@pytest.mark.django_db
def test_feed_fetch_entries_without_link_are_skipped_and_counted(server):
    log = feed_fetch(
        feed=_feed(server, "data/feeds/hostile/feedparser-sanitize-entry_content_script.xml")
    ).log
    assert log.entries_new == 0
    assert log.error == "1 entries skipped (entry '?' has no link)"


@pytest.mark.django_db
def test_near_duplicates_from_another_feed_are_grouped(server):
    first = _feed(server)
    feed_fetch(feed=first)
    # The same stories at other addresses (a syndicating outlet): new rows, grouped.
    copy = GUARDIAN.replace(b"https://www.theguardian.com/", b"https://syndicated.example/")
    server.overrides["/copy.xml"] = (copy, "application/rss+xml")
    log = feed_fetch(feed=_feed(server, "copy.xml")).log
    assert log.entries_new == 55
    copies = Source.objects.filter(url__startswith="https://syndicated.example/")
    grouped = copies.exclude(near_duplicate_of=None)
    assert grouped.count() == 55
    original = grouped.first().near_duplicate_of
    assert original.feed == first
    assert original.near_duplicate_of is None


@pytest.mark.django_db
def test_lightly_edited_story_is_grouped_by_simhash(server):
    text = (DATA / "articles/seed-rferl-armenia-azerbaijan-2022-09-23.txt").read_text()
    item = "<item><title>{t}</title><link>https://{h}/story</link><description>{d}</description></item>"
    edited = text.replace("said", "stated", 2)
    body = (
        '<rss version="2.0"><channel><title>x</title>'
        + item.format(t="Clashes", h="one.example", d=text)
        + item.format(t="Clashes", h="two.example", d=edited)
        + "</channel></rss>"
    ).encode()
    server.overrides["/pair.xml"] = (body, "application/rss+xml")
    feed_fetch(feed=_feed(server, "pair.xml"))
    one = Source.objects.get(url="https://one.example/story")
    two = Source.objects.get(url="https://two.example/story")
    assert one.content_hash != two.content_hash
    assert (one.near_duplicate_of, two.near_duplicate_of) == (None, one)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_make_one_row_each(server):
    """Two feeds carrying the same stories, stored concurrently: the unique canonical URL
    lets only one insert win per story; the other counts it as present."""
    records = [d.record() for d in feed_entry_drafts(parse_feed(GUARDIAN), feed_url="")[0]]
    feeds = [_feed(server, f"a{i}.xml") for i in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def work(feed):
        barrier.wait()
        try:
            results.append(sources_upsert_entries(feed=feed, records=records))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f,)) for f in feeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Source.objects.count() == 55
    assert sum(r.new for r in results) == 55
    assert sum(r.new + r.unchanged for r in results) == 110


@pytest.mark.django_db(transaction=True)
def test_a_fetch_never_writes_back_what_it_read(server):
    """An editor renames the feed and changes its interval while a fetch waits for the server:
    the fetch's write (a 304: its times and the next poll) leaves both edits alone, and a 200
    after it stores the feed's format without touching them either."""
    feed = _feed(server)
    feed_fetch(feed=feed)

    def edit(path: str) -> None:
        Feed.objects.filter(pk=feed.pk).update(title="Renamed", poll_interval=timedelta(hours=2))
        connection.close()  # this thread's own connection

    server.on_request = edit
    with CaptureQueriesContext(connection) as queries:
        report = feed_fetch(feed=feed)
    assert report.log.status_code == 304
    write = queries[-1]["sql"]
    assert '"last_fetched_at"' in write
    assert '"title"' not in write
    assert '"etag"' not in write
    stored = Feed.objects.get(pk=feed.pk)
    assert (stored.title, stored.poll_interval) == ("Renamed", timedelta(hours=2))
    server.on_request = None
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")
    assert feed_fetch(feed=feed).log.status_code == 200
    stored = Feed.objects.get(pk=feed.pk)
    assert (stored.title, stored.format) == ("Renamed", FeedFormat.RSS)


@pytest.mark.django_db(transaction=True)
def test_feed_fetch_skips_a_feed_another_worker_holds(server):
    feed = _feed(server)
    held, release = threading.Event(), threading.Event()

    def holder():
        with feed_lock(feed.pk) as acquired:
            assert acquired
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(10)
    try:
        assert feed_fetch(feed=feed) is None
        assert server.requests == []
    finally:
        release.set()
        thread.join()
    assert feed_fetch(feed=feed).log.entries_new == 55


@pytest.mark.django_db(transaction=True)
def test_batched_insert_skips_rows_a_concurrent_transaction_committed(server):
    """The second writer reads no known rows (the first has not committed), so its one
    INSERT … ON CONFLICT carries all 55 entries; it waits on the first writer's keys and,
    once they are committed, skips every row: still 55 rows, all counted as present."""
    records = [d.record() for d in feed_entry_drafts(parse_feed(GUARDIAN), feed_url="")[0]]
    feeds = [_feed(server, f"b{i}.xml") for i in range(2)]
    inserted, release = threading.Event(), threading.Event()
    results = []

    def first():
        with transaction.atomic():
            sources_upsert_entries(feed=feeds[0], records=records)
            inserted.set()
            release.wait(10)
        connection.close()

    def second():
        results.append(sources_upsert_entries(feed=feeds[1], records=records))
        connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    inserted.wait(10)
    threads[1].start()
    for _ in range(200):  # until the second writer's INSERT waits on the first's row locks
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.05)
    else:
        pytest.fail("the second writer never waited on the first")
    release.set()
    for t in threads:
        t.join()
    assert Source.objects.count() == 55
    assert (results[0].new, results[0].unchanged) == (0, 55)


@pytest.mark.django_db
def test_feed_fetch_restores_synchronous_commit(server):
    """Fetch writes commit without waiting for the WAL flush; the connection's setting is
    back to the default afterwards, for a 200 and for a 304."""
    feed = _feed(server)
    for _ in range(2):
        feed_fetch(feed=feed)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"


def _session_state() -> tuple[int, str]:
    """(advisory locks this connection holds, its synchronous_commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid(); SHOW synchronous_commit"
        )
        locks = cursor.fetchone()[0]
        cursor.nextset()
        return locks, cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_feed_fetch_304_outside_a_transaction_commits_then_unlocks(server):
    """A 304 (and a failure) writes feed state and log, commits and unlocks in one round trip:
    afterwards both are committed, the lock is free and the session is back to normal."""
    feed = _feed(server)
    feed_fetch(feed=feed)
    with CaptureQueriesContext(connection) as queries:
        report = feed_fetch(feed=feed)
    assert (report.log.outcome, report.log.status_code) == (FetchOutcome.NOT_MODIFIED, 304)
    assert [q["sql"].split(" ", 2)[:2] for q in queries] == [["SELECT", "id,"], ["BEGIN;", "WITH"]]
    assert connection.connection.info.transaction_status.name == "IDLE"
    assert _session_state() == (0, "on")
    assert FetchLog.objects.filter(pk=report.log.pk, status_code=304).exists()
    stored = Feed.objects.get(pk=feed.pk)
    assert stored.last_success_at == feed.last_success_at
    assert Source.objects.count() == 55

    missing = _feed(server, "data/feeds/rss2/no-such-feed.rss")
    log = feed_fetch(feed=missing).log
    assert (log.outcome, log.status_code) == (FetchOutcome.ERROR, 404)
    assert _session_state() == (0, "on")
    assert Feed.objects.get(pk=missing.pk).consecutive_failures == 1
    assert FetchLog.objects.get(pk=log.pk).error == f"HTTP 404 from {missing.url}"


@pytest.mark.django_db(transaction=True)
def test_feed_fetch_200_outside_a_transaction_unlocks_and_resets(server, tmp_path):
    """A fetch that stores entries takes seven round trips (libpq's trace of what is sent):
    lock and reload; BEGIN; known rows; candidates; INSERT; feed state and log; then COMMIT,
    the unlock and the reset in one message, sent after the last write has answered (a worker
    killed during that write never sent COMMIT: tests/system/test_processes.py). Django's own
    commit then finds no transaction open and sends nothing."""
    feed = _feed(server)
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with open(tmp_path / "trace", "w") as trace:
        pgconn.trace(trace.fileno())
        assert feed_fetch(feed=feed).log.entries_new == 55
        pgconn.untrace()
    lines = (tmp_path / "trace").read_text().splitlines()
    sent = [  # libpq's trace: time, F(rontend), length, message type, contents
        fields[4].strip(' "').split(" ")[0]
        for fields in (line.split("\t") for line in lines)
        if fields[1:2] == ["F"] and fields[3:4] == ["Query"]
    ]
    assert sent == ["SELECT", "BEGIN", "SELECT", "SET", "INSERT", "WITH", "COMMIT;"]
    assert _session_state() == (0, "on")
    assert connection.connection.info.transaction_status.name == "IDLE"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["data/feeds/rss2/guardian-us.rss", "status/500"])
def test_fetch_outcome_returned_is_what_was_stored(server, path):
    """The feed state and log travel as JSON and the log comes back from RETURNING: what the
    caller gets is exactly the committed rows (304 and failure: the one-round-trip path)."""
    feed = _feed(server, path)
    feed_fetch(feed=feed)
    log = feed_fetch(feed=feed).log
    assert log.outcome == (FetchOutcome.NOT_MODIFIED if "rss" in path else FetchOutcome.ERROR)
    stored = FetchLog.objects.get(pk=log.pk)
    columns = [f.attname for f in FetchLog._meta.concrete_fields]
    assert [getattr(log, c) for c in columns] == [getattr(stored, c) for c in columns]
    assert log.feed is feed
    columns = [f.attname for f in Feed._meta.concrete_fields]
    assert [getattr(feed, c) for c in columns] == [
        getattr(Feed.objects.get(pk=feed.pk), c) for c in columns
    ]


@pytest.mark.django_db
def test_history_of_a_batch_has_one_event_per_row(server):
    """Source's history triggers run once per statement: every row of a batch still gets its own
    event with its values, a write that changes nothing gets none, and the context is kept."""
    feed_fetch(feed=_feed(server))
    inserted = SourceEvent.objects.filter(pgh_label="insert")
    assert sorted(inserted.values_list("pgh_obj_id", "url", "title")) == sorted(
        Source.objects.values_list("id", "url", "title")
    )
    Source.objects.update(title=F("title"))
    assert SourceEvent.objects.count() == 55
    source = Source.objects.order_by("id").first()
    with pghistory.context(note="corrected by hand"):
        Source.objects.filter(pk=source.pk).update(title="Corrected")
    updated = SourceEvent.objects.get(pgh_label="update")
    assert (updated.pgh_obj_id, updated.title) == (source.pk, "Corrected")
    assert updated.pgh_context.metadata == {"note": "corrected by hand"}
    Source.objects.filter(feed__isnull=False).delete()
    assert SourceEvent.objects.filter(pgh_label="delete").count() == 55


@pytest.fixture
def database_refusing_one_story(transactional_db):
    """PostgreSQL refuses one of the Guardian's stories, as it would a value no check foresaw."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_story() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.title LIKE 'Trump State of the Union%' THEN RAISE 'refused for the test'; "
            "END IF; RETURN NEW; END $$; CREATE TRIGGER test_refuse_story BEFORE INSERT ON "
            "tracker_source FOR EACH ROW EXECUTE FUNCTION test_refuse_story()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER test_refuse_story ON tracker_source; DROP FUNCTION test_refuse_story()"
        )


@pytest.mark.django_db(transaction=True)
def test_an_entry_the_database_refuses_costs_that_entry_only(server, database_refusing_one_story):
    """The refused batch is rolled back whole (no rows, no history) and a new transaction
    stores the entries one by one: the refused one is skipped with the database's reason."""
    log = feed_fetch(feed=_feed(server)).log
    assert (log.outcome, log.entries_new) == (FetchOutcome.OK, 54)
    assert log.error == (
        "1 entries skipped (entry 'https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord' refused: refused for the test)"
    )
    assert Source.objects.count() == SourceEvent.objects.count() == 54
    assert _session_state() == (0, "on")
    assert connection.connection.info.transaction_status.name == "IDLE"
