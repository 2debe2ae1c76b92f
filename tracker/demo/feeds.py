"""Real public feeds of outlets that cover the South Caucasus, registered for the demo so a user
with internet access sees sources arrive within minutes (without it, each shows its error and
backs off; nothing else is affected).

All three are the outlets' standard site feeds (WordPress-style /feed/ and Eurasianet's /rss),
published for exactly this use:
- OC Media (Tbilisi; Armenia, Azerbaijan, Georgia, the North Caucasus): https://oc-media.org/feed/
- JAMnews (Tbilisi/Yerevan/Baku newsroom, English edition): https://jam-news.net/feed/
- Eurasianet (Caucasus and Central Asia): https://eurasianet.org/rss
"""

from datetime import timedelta

from tracker.models import Feed
from tracker.services.feeds import feed_create

DEMO_FEEDS = [
    ("https://oc-media.org/feed/", "OC Media", ["caucasus", "armenia", "azerbaijan", "georgia"]),
    ("https://jam-news.net/feed/", "JAMnews", ["caucasus", "armenia", "azerbaijan", "georgia"]),
    ("https://eurasianet.org/rss", "Eurasianet", ["caucasus", "central-asia"]),
]


def demo_feeds_register() -> list[Feed]:
    """Register the demo feeds (polled every 15 minutes). Running it again changes nothing."""
    return [
        feed_create(url=url, title=title, tags=tags, poll_interval=timedelta(minutes=15))[0]
        for url, title, tags in DEMO_FEEDS
    ]
