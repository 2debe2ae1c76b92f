"""Entries are matched as drafts (canonical URL, GUID, raw hash): one already stored unchanged
is never completed (no text, sanitising, SimHash or language work); new and changed ones are."""

import dataclasses

import pytest

from tests.plugins.feed_server import FEEDS
from tracker.ingest.entries import EntryDraft, entry_draft
from tracker.ingest.parse import parse_feed
from tracker.models import Source
from tracker.services.feeds import feed_create, feed_entry_drafts
from tracker.services.intake import sources_upsert_entries

GUARDIAN = (FEEDS / "rss2/guardian-us.rss").read_bytes()


class _CountingDraft(EntryDraft):
    """A draft that counts how often it is completed."""

    completed = 0

    def record(self):  # type: ignore[no-untyped-def]
        type(self).completed += 1
        return super().record()


def _drafts(parsed) -> list[_CountingDraft]:  # type: ignore[no-untyped-def]
    drafts = feed_entry_drafts(parsed, feed_url="")[0]
    return [
        _CountingDraft(**{f.name: getattr(d, f.name) for f in dataclasses.fields(d)})
        for d in drafts
    ]


@pytest.mark.django_db
def test_refetch_completes_only_new_or_changed_entries(server):
    feed = feed_create(url=server.url("data/feeds/rss2/guardian-us.rss"))[0]
    _CountingDraft.completed = 0
    first = sources_upsert_entries(feed=feed, records=_drafts(parse_feed(GUARDIAN)))
    assert (first.new, _CountingDraft.completed) == (55, 55)

    parsed = parse_feed(GUARDIAN)
    parsed.entries[0].title = "Corrected headline"
    _CountingDraft.completed = 0
    again = sources_upsert_entries(feed=feed, records=_drafts(parsed))
    assert (again.new, again.updated, again.unchanged) == (0, 1, 54)
    assert _CountingDraft.completed == 1
    assert Source.objects.filter(feed=feed, title="Corrected headline").count() == 1


def test_draft_completes_to_the_same_record_as_entry_record():
    parsed = parse_feed(GUARDIAN)
    records = [draft.record() for draft in feed_entry_drafts(parsed, feed_url="")[0]]
    assert records == [entry_draft(entry).record() for entry in parsed.entries]
    assert [r.record() for r in records] == records  # a complete record is its own completion
    drafts = feed_entry_drafts(parsed, feed_url="")[0]
    assert [(d.url, d.guid, d.entry_hash) for d in drafts] == [
        (r.url, r.guid, r.entry_hash) for r in records
    ]
