"""Near-duplicate grouping with SimHash bands stored only for a group's distinct fingerprints:
which rows index their bands, that grouping still finds every copy and light edit, and the one
case the window's edge now treats differently."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.plugins.feed_server import DATA
from tracker.ingest.simhash import bands
from tracker.models import Feed, Source
from tracker.services.feeds import feed_create, feed_fetch

pytestmark = pytest.mark.usefixtures("no_article_pages")

TEXT = (DATA / "articles/seed-rferl-armenia-azerbaijan-2022-09-23.txt").read_text()
EDITED = TEXT.replace("said", "stated", 2)
ITEM = "<item><title>Clashes</title><link>https://{host}/story</link><description>{text}</description></item>"


def _fetch(server, name: str, *items: tuple[str, str]) -> Feed:
    """Serve a feed NAME whose items are (host, text) and fetch it once."""
    body = '<rss version="2.0"><channel><title>x</title>'
    body += "".join(ITEM.format(host=host, text=text) for host, text in items)
    server.overrides[f"/{name}"] = ((body + "</channel></rss>").encode(), "application/rss+xml")
    feed = feed_create(url=server.url(name))[0]
    feed_fetch(feed=feed)
    return feed


def _story(host: str) -> Source:
    return Source.objects.get(url=f"https://{host}/story")


@pytest.mark.django_db
def test_copy_of_indexed_fingerprint_stores_no_bands(server):
    _fetch(server, "one.xml", ("one.example", TEXT))
    _fetch(server, "two.xml", ("two.example", TEXT), ("three.example", EDITED))
    one, two, three = _story("one.example"), _story("two.example"), _story("three.example")
    assert one.simhash_bands == list(bands(one.simhash))
    # Same text, same fingerprint: grouped, and its bands would only repeat one's.
    assert (two.simhash, two.simhash_bands, two.near_duplicate_of) == (one.simhash, [], one)
    # A light edit is another fingerprint: indexed, and grouped through one's bands.
    assert three.simhash != one.simhash
    assert (three.simhash_bands, three.near_duplicate_of) == (list(bands(three.simhash)), one)


@pytest.mark.django_db
def test_copies_within_one_fetch_index_the_first_by_url(server):
    _fetch(server, "pair.xml", ("b.example", TEXT), ("a.example", TEXT))
    a, b = _story("a.example"), _story("b.example")
    # Rows are inserted in URL order: a is stored first and holds the bands.
    assert (a.simhash_bands, b.simhash_bands) == (list(bands(a.simhash)), [])
    # Grouping within the fetch follows the feed's order: b came first and is the root.
    assert (a.near_duplicate_of, b.near_duplicate_of) == (b, None)


@pytest.mark.django_db
def test_later_copy_is_found_through_the_indexed_one(server):
    _fetch(server, "one.xml", ("one.example", TEXT))
    _fetch(server, "two.xml", ("two.example", TEXT))
    _fetch(server, "three.xml", ("three.example", EDITED))
    one = _story("one.example")
    assert Source.objects.exclude(simhash_bands=[]).count() == 2  # one and the edit
    assert _story("three.example").near_duplicate_of == one


def _holder_left_window(server) -> Source:
    """one (indexed) and two (its unindexed copy), then one ages out of the 30-day window."""
    _fetch(server, "one.xml", ("one.example", TEXT))
    _fetch(server, "two.xml", ("two.example", TEXT))
    Source.objects.filter(url="https://one.example/story").update(
        created_at=timezone.now() - timedelta(days=31)
    )
    return _story("one.example")


@pytest.mark.django_db
def test_fingerprint_indexed_again_once_its_holder_left_the_window(server):
    one = _holder_left_window(server)
    _fetch(server, "three.xml", ("three.example", TEXT))
    three = _story("three.example")
    # Found by its text hash (two, in the window, whose group is one's); no row of the
    # window indexes the fingerprint any more, so this copy stores the bands again.
    assert (three.simhash_bands, three.near_duplicate_of) == (list(bands(one.simhash)), one)


@pytest.mark.django_db
def test_edit_not_grouped_when_only_unindexed_copies_remain_in_window(server):
    """The documented difference at the window's edge: a light edit finds a group through
    indexed bands only, and the group's indexed copy is older than the window."""
    _holder_left_window(server)
    _fetch(server, "three.xml", ("three.example", EDITED))
    three = _story("three.example")
    assert (three.simhash_bands, three.near_duplicate_of) == (list(bands(three.simhash)), None)
