"""Every feed file in ../shared/data/feeds is a test case."""

import time
from datetime import UTC, datetime

import feedparser
import pytest

from tests.plugins.feed_server import FEEDS
from tracker.enums import FeedFormat
from tracker.ingest.model import FeedParseError
from tracker.ingest.parse import parse_feed
from tracker.text.html import sanitise_html

# (file, format, parser that read it, entries, first entry's title)
GOOD = [
    ("atom/allthis.atom", FeedFormat.RSS, "lxml", 12, "Last thoughts on modifier keys"),
    (
        "atom/google-ads-dev-blog-feedburner.atom",
        FeedFormat.ATOM,
        "lxml",
        25,
        "AdWords and DFP Java client library will soon require Java 7+",
    ),
    (
        "atom/heise-developer.atom",
        FeedFormat.ATOM,
        "lxml",
        15,
        "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
    ),
    ("atom/sam-ruby-intertwingly.atom", FeedFormat.ATOM, "lxml", 20, "Inhibiting Suspend"),
    ("atom/xml-base.xml", FeedFormat.ATOM, "lxml", 1, "my cool entry title"),
    (
        "atom/youtube-pbs-space-time.xml",
        FeedFormat.ATOM,
        "lxml",
        1,
        "Navigating with Quantum Entanglement",
    ),
    (
        "jsonfeed/daringfireball-full.json",
        FeedFormat.JSON_FEED,
        "json",
        48,
        "The Talk Show: ‘I Do Like Throwing a Baby’",
    ),
    ("jsonfeed/elastic-1.1.json", FeedFormat.JSON_FEED, "json", 3, None),
    (
        "jsonfeed/example-1.json",
        FeedFormat.JSON_FEED,
        "json",
        2,
        "How Jeff Bezos’s iPhone X Was Hacked",
    ),
    ("jsonfeed/feedparser-example.json", FeedFormat.JSON_FEED, "json", 2, "post 2"),
    ("jsonfeed/gofeed-version-1.1.json", FeedFormat.JSON_FEED, "json", 1, "title"),
    ("jsonfeed/inessential.json", FeedFormat.JSON_FEED, "json", 20, None),
    ("jsonfeed/journal-3960-de-1.1.json", FeedFormat.JSON_FEED, "json", 20, "Lecker, lecker"),
    ("rss1/biorxiv-genomics.xml", FeedFormat.RDF, "lxml", 1, None),
    (
        "rss1/heise-newsticker-rdf.xml",
        FeedFormat.RDF,
        "lxml",
        60,
        "OLED-TVs: Vorsichtsmaßnahmen gegen Einbrennen",
    ),
    ("rss1/science-twis-rdf.rss", FeedFormat.RDF, "lxml", 69, "Food for fungi"),
    ("rss2/aktuality-sk.rss", FeedFormat.RSS, "lxml", 30, None),
    ("rss2/bbc-in-our-time.xml", FeedFormat.RSS, "lxml", 1, "Marcus Aurelius"),
    ("rss2/bbc-urdu-utf8.xml", FeedFormat.RSS, "lxml", 26, None),
    (
        "rss2/cloudflare-blog.xml",
        FeedFormat.RSS,
        "lxml",
        1,
        "Privacy-Preserving Compromised Credential Checking",
    ),
    ("rss2/golem-de-iso-8859-1.xml", FeedFormat.RSS, "lxml", 40, None),
    ("rss2/guardian-us.rss", FeedFormat.RSS, "lxml", 55, None),
    ("rss2/ilgiornale-cronache.xml", FeedFormat.RSS, "lxml", 1, None),
    (
        "rss2/jn-pt-iso-8859-1.rss",
        FeedFormat.RSS,
        "lxml",
        40,
        "Mãe de utente é a nova presidente da Raríssimas",
    ),
    ("rss2/livemint-news.xml", FeedFormat.RSS, "lxml", 25, None),
    ("rss2/medium-content-encoded.rss", FeedFormat.RSS, "lxml", 7, "THE CREATIVE FORAGER"),
    ("rss2/nbc-newyork.xml", FeedFormat.RSS, "lxml", 1, None),
    (
        "rss2/reddit-frontpage.rss",
        FeedFormat.RSS,
        "lxml",
        24,
        "The water is too deep, so he improvises",
    ),
    ("rss2/spiegel-update.xml", FeedFormat.RSS, "lxml", 1, None),
    ("rss2/washingtonpost-wellness.xml", FeedFormat.RSS, "lxml", 29, None),
    ("malformed/rsparser-phpxml.rss", FeedFormat.RSS, "lxml", 20, None),
    ("malformed/feedparser-always_strip_doctype.xml", FeedFormat.RSS, "lxml", 0, None),
    ("malformed/feedparser-http_high_bit_date.xml", FeedFormat.RSS, "lxml", 0, None),
    ("hostile/feedparser-doctype_contains_entity_decl.xml", FeedFormat.RDF, "lxml", 0, None),
]


@pytest.mark.parametrize(("name", "fmt", "parser", "count", "title"), GOOD)
def test_parse_good_feed_gives_its_entries(name, fmt, parser, count, title):
    parsed = parse_feed((FEEDS / name).read_bytes())
    assert (parsed.format, parsed.parser, len(parsed.entries)) == (fmt, parser, count)
    assert parsed.bozo_reason == ""
    if title is not None:
        assert parsed.entries[0].title == title
    for entry in parsed.entries:
        assert entry.guid
        assert entry.published_at is None or entry.published_at.tzinfo == UTC


@pytest.mark.parametrize("name", [g[0] for g in GOOD if g[2] == "lxml" and g[3]])
def test_parse_fast_path_agrees_with_feedparser(name):
    """The fast path must read what the field's standard reads: same entries, same links."""
    data = (FEEDS / name).read_bytes()
    ours = parse_feed(data).entries
    theirs = feedparser.parse(data).entries
    assert [e.link for e in ours] == [e.get("link", "") or e.get("id", "") for e in theirs] or [
        e.guid for e in ours
    ] == [e.get("id", "") for e in theirs]
    assert [" ".join(e.title.split()) for e in ours][:5] == [
        " ".join((e.get("title") or "").split()) for e in theirs
    ][:5]


def test_parse_rss_entry_fields_exact():
    entry = parse_feed((FEEDS / "rss2/guardian-us.rss").read_bytes()).entries[0]
    assert entry.title == "Trump State of the Union address promised unity but emphasized discord"
    assert entry.link == (
        "https://www.theguardian.com/us-news/2018/jan/31/"
        "donald-trump-state-of-the-union-address-unity-discord"
    )
    assert entry.guid == entry.link
    assert entry.published_at == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert entry.published_offset_minutes == 0
    assert entry.author == "David Smith in Washington"
    assert entry.language == "en-gb"
    assert entry.summary_html.startswith("<p>")


def test_parse_atom_keeps_publisher_offset():
    entry = parse_feed((FEEDS / "atom/heise-developer.atom").read_bytes()).entries[0]
    assert entry.published_at == datetime(2016, 2, 1, 16, 22, tzinfo=UTC)
    assert entry.published_offset_minutes == 60
    assert entry.guid == "http://heise.de/-3088438"


def test_parse_atom_xml_base_resolves_relative_links():
    parsed = parse_feed(
        (FEEDS / "atom/sam-ruby-intertwingly.atom").read_bytes(),
        url="http://intertwingly.net/blog/index.atom",
    )
    assert parsed.entries[0].link == "http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend"


def test_parse_json_feed_entry_fields_exact():
    parsed = parse_feed((FEEDS / "jsonfeed/journal-3960-de-1.1.json").read_bytes())
    entry = parsed.entries[0]
    assert (parsed.version, entry.author, entry.language) == ("json11", "Frank Boës", "de-de")
    assert entry.link == "https://journal.3960.org/posts/2020-02-21-lecker-lecker/"
    assert entry.published_offset_minutes == 60


def test_parse_rdf_entry_language_and_author():
    entry = parse_feed((FEEDS / "rss1/science-twis-rdf.rss").read_bytes()).entries[0]
    assert entry.author == "Hines, P. J."
    assert entry.published_offset_minutes == -420


LENIENT = [
    ("malformed/feedparser-rss_incomplete_cdata.xml", 1),
    ("malformed/feedparser-rss_item_link_corrupted_ampersands.xml", 1),
    ("malformed/node-feedparser-saxerror.xml", 3),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # No declaration anywhere: detected, and read on the fast path.
        ("malformed/feedparser-chardet-koi8r.xml", "Как пережить новогоднюю ночь"),
        ("malformed/feedparser-chardet-windows1255.xml", "האם תדפיס נייר של אתר"),
    ],
)
def test_parse_undeclared_legacy_encoding_is_detected(name, expected):
    parsed = parse_feed((FEEDS / name).read_bytes())
    assert (parsed.parser, len(parsed.entries), parsed.bozo_reason) == ("lxml", 1, "")
    assert expected in parsed.entries[0].title + parsed.entries[0].summary_html


def test_parse_undeclared_big5_feed_title_is_read():
    parsed = parse_feed((FEEDS / "malformed/feedparser-chardet-big5.xml").read_bytes())
    assert (parsed.parser, parsed.entries) == ("lxml", [])
    assert parsed.title.startswith("我希望")


@pytest.mark.parametrize(
    ("name", "reason", "title"),
    [
        ("malformed/miniflux-invalid-prolog.xml", "declared encoding 'invalid' is wrong", "Café"),
        ("malformed/feedparser-bozo_linenoise.xml", "declared encoding 'utf-8' is wrong", ""),
    ],
)
def test_parse_wrong_declaration_is_read_and_noted(name, reason, title):
    parsed = parse_feed((FEEDS / name).read_bytes())
    assert parsed.bozo_reason.startswith(reason)
    assert parsed.entries[0].title == title


@pytest.mark.parametrize(("name", "count"), LENIENT)
def test_parse_malformed_feed_parses_leniently_with_reason(name, count):
    parsed = parse_feed((FEEDS / name).read_bytes())
    assert parsed.parser == "feedparser"
    assert len(parsed.entries) == count
    assert parsed.bozo_reason != ""


def test_parse_saxerror_keeps_good_items_before_the_error():
    parsed = parse_feed((FEEDS / "malformed/node-feedparser-saxerror.xml").read_bytes())
    assert parsed.entries[0].title == "Good Item"
    assert "not well-formed" in parsed.bozo_reason


FAILING = [
    ("malformed/feedparser-rss_empty_document.xml", "not a feed"),
    ("malformed/feedparser-undeclared_namespace.xml", "unbound prefix"),
    ("malformed/miniflux-iso88591-utf8-mismatch.xml", "not a feed"),
    ("malformed/node-feedparser-notafeed.html", "not a feed"),
    ("malformed/reuters-most-read-invalid.xml", "no entry could be read"),
    ("malformed/rss-parser-unrecognized.rss", "not a feed"),
    ("jsonfeed/scripting-news.json", "JSON without a jsonfeed.org version"),
    ("hostile/defusedxml-xmlbomb.xml", "undefined entity"),
    ("hostile/defusedxml-cyclic.xml", "undefined entity"),
    ("hostile/defusedxml-external.xml", "undefined entity"),
    ("hostile/defusedxml-dtd.xml", "not a feed"),
    ("hostile/defusedxml-quadratic.xml", "DOCTYPE never ends"),
]


@pytest.mark.parametrize(("name", "message"), FAILING)
def test_parse_unreadable_feed_fails_with_clear_error(name, message):
    started = time.monotonic()
    with pytest.raises(FeedParseError, match=message):
        parse_feed((FEEDS / name).read_bytes())
    assert time.monotonic() - started < 0.5  # hostile input never hangs


def test_parse_hostile_entities_are_never_expanded():
    """The billion-laughs entity would expand to gigabytes; the external one would fetch a URL.
    With the DOCTYPE gone neither exists: feedparser sees undefined names, not content."""
    for name in ["defusedxml-xmlbomb.xml", "defusedxml-external.xml", "defusedxml-quadratic.xml"]:
        with pytest.raises(FeedParseError) as info:
            parse_feed((FEEDS / "hostile" / name).read_bytes())
        assert "lol" not in str(info.value)
        assert "note" not in str(info.value)


def test_parse_external_entity_in_feed_does_not_read_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>&x;</title>'
        "<link>https://example.org/a</link></item></channel></rss>"
    ).encode()
    parsed = parse_feed(data)
    assert "TOP-SECRET" not in parsed.entries[0].title


SANITISE = [
    "entry_content_script.xml",
    "entry_content_script_base64.xml",
    "entry_content_onload.xml",
    "entry_content_iframe.xml",
    "entry_content_style.xml",
    "entry_content_crazy.xml",
]


@pytest.mark.parametrize("name", SANITISE)
def test_parse_hostile_entry_html_is_sanitised(name):
    entry = parse_feed((FEEDS / "hostile" / f"feedparser-sanitize-{name}").read_bytes()).entries[0]
    clean = sanitise_html(entry.content_html or entry.summary_html).lower()
    for bad in ["<script", "onload", "onmouseover", "<iframe", "style=", "javascript:"]:
        assert bad not in clean


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_document_far_over_the_cap_is_cut_before_parsing(kind):
    """130,000 entries: only the first ones are parsed (the rest is never turned into a
    tree), and the rest are counted."""
    if kind == "rss":
        items = "".join(f"<item><link>https://x.example/{i}</link></item>" for i in range(130_000))
        data = f'<rss version="2.0"><channel><title>Huge</title>{items}</channel></rss>'
    else:
        items = "".join(f'<entry><id>{i}</id><link href="/e/{i}"/></entry>' for i in range(130_000))
        data = f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.example/">{items}</feed>'
    started = time.monotonic()
    parsed = parse_feed(data.encode(), max_entries=1000)
    assert (parsed.parser, len(parsed.entries), parsed.entries_over_cap) == ("lxml", 1000, 129_000)
    assert parsed.entries[-1].link.endswith("/999")
    assert time.monotonic() - started < 2
