"""The operator's commands: add_feed, import_opml, fetch_feeds, and the demo feeds."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.plugins.feed_server import FEEDS
from tracker.demo.feeds import DEMO_FEEDS, demo_feeds_register
from tracker.models import Feed, Source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_article_pages")]


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_feed_registers_with_interval():
    out = _run("add_feed", "https://oc-media.org/feed/", "--interval", "2h")
    feed = Feed.objects.get()
    assert feed.poll_interval == timedelta(hours=2)
    assert out == f"Added feed #{feed.pk} https://oc-media.org/feed/ (every 2:00:00)\n"


def test_add_feed_twice_reports_present():
    _run("add_feed", "https://oc-media.org/feed/")
    assert "Already present" in _run("add_feed", "https://oc-media.org/feed/")
    assert Feed.objects.count() == 1


def test_add_feed_rejects_bad_interval_and_url():
    with pytest.raises(CommandError, match="must look like 15m"):
        _run("add_feed", "https://oc-media.org/feed/", "--interval", "soon")
    with pytest.raises(CommandError, match="Not an http"):
        _run("add_feed", "ftp://example.org/feed")
    with pytest.raises(CommandError, match="at most once a minute"):
        _run("add_feed", "https://oc-media.org/feed/", "--interval", "30s")
    assert Feed.objects.count() == 0


def test_import_opml_summary_and_nested_folders_as_tags():
    out = _run("import_opml", str(FEEDS / "opml/inoreader-infosec-export.opml"))
    # The export lists 151 feeds twice (in two folders) and one mail address as a feed.
    assert out.endswith("340 added, 151 already present, 1 rejected\n")
    assert "rejected incoming-dragonnewsbytes@inoreader.com: Not an http(s) feed" in out
    feed = Feed.objects.get(url="https://kill-the-newsletter.com/feeds/5d2hpqojechtu12i.xml")
    assert (feed.title, feed.tags) == ("Return on Security", ["📩 Infosec | Newsletter"])
    again = _run("import_opml", str(FEEDS / "opml/inoreader-infosec-export.opml"))
    assert again.endswith("0 added, 491 already present, 1 rejected\n")


def test_import_opml_categories_become_tags(tmp_path):
    opml = tmp_path / "c.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Caucasus">'
        '<outline text="OC" xmlUrl="https://oc-media.org/feed/" category="/News/Georgia"/>'
        '<outline text="bad" xmlUrl="gopher://x/"/></outline></body></opml>'
    )
    out = _run("import_opml", str(opml))
    assert Feed.objects.get().tags == ["Caucasus", "News", "Georgia"]
    assert "rejected gopher://x/: Not an http(s) feed address: 'gopher://x/'" in out
    assert out.endswith("1 added, 0 already present, 1 rejected\n")


def test_import_opml_malformed_is_read_leniently():
    out = _run("import_opml", str(FEEDS / "malformed/opml-malformed.opml"))
    assert "not well-formed, read leniently" in out
    assert out.endswith("14 added, 0 already present, 0 rejected\n")


def test_import_opml_not_opml_fails_clearly():
    with pytest.raises(CommandError, match="not an OPML document"):
        _run("import_opml", str(FEEDS / "rss2/guardian-us.rss"))


def test_fetch_feeds_shows_progress_and_summary(server):
    good = Feed.objects.create(url=server.url("data/feeds/rss2/guardian-us.rss"))
    Feed.objects.create(url=server.url("status/404"))
    out = _run("fetch_feeds", "--all")
    assert "[##############################] 2/2 done" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:-1]}
    assert rows[str(good.pk)][-5:] == ["ok", "200", "55", "0", "0"]
    assert out.splitlines()[-1] == "2 feeds: 1 fetched, 1 failed; 55 new, 0 updated sources"
    assert Source.objects.count() == 55


def test_fetch_feeds_only_due_by_default(server):
    Feed.objects.create(url=server.url("data/feeds/rss2/guardian-us.rss"), next_fetch_at=None)
    out = _run("fetch_feeds")
    assert out.splitlines()[-1] == "0 feeds: 0 fetched, 0 failed; 0 new, 0 updated sources"


def test_demo_feeds_register_is_idempotent():
    first = demo_feeds_register()
    second = demo_feeds_register()
    assert [f.pk for f in first] == [f.pk for f in second]
    assert sorted(Feed.objects.values_list("url", flat=True)) == sorted(u for u, _, _ in DEMO_FEEDS)
