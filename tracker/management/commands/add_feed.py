import re
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.services.feed_discovery import FeedChoiceNeeded, feed_add

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_interval(raw: str) -> timedelta:
    """'15m', '2h', '1d', '90s' → timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", raw)
    if not match:
        raise CommandError(f"--interval must look like 15m, 2h or 1d, not {raw!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def parse_headers(raw: list[str]) -> dict[str, str]:
    """['Name: value', ...] → {'Name': 'value'}."""
    headers = {}
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise CommandError(f"--header must look like 'Name: value', not {item!r}")
        headers[name.strip()] = value.strip()
    return headers


class Command(BaseCommand):
    help = (
        "Register a feed (RSS, Atom, JSON Feed) to be polled. Given a web page (an outlet's "
        "homepage, an article), adds the feed it advertises, or lists them when there are "
        "several. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--interval", default="15m", help="poll interval: 15m, 2h, 1d")
        parser.add_argument("--title", default="")
        parser.add_argument("--tag", action="append", default=[], dest="tags")
        parser.add_argument("--pick", type=int, help="of several advertised feeds, the Nth")
        parser.add_argument("--user-agent", default="", help="sent instead of the default")
        parser.add_argument(
            "--header", action="append", default=[], help="'Name: value', repeatable"
        )
        parser.add_argument("--proxy", default="", help="http://, socks5://host:port ...")
        parser.add_argument(
            "--selector", default="", help="a page without a feed: CSS selector of its links"
        )
        parser.add_argument("--keep", default="", help="keep only entries matching this regex")
        parser.add_argument("--block", default="", help="drop entries matching this regex")
        parser.add_argument("--no-pages", action="store_true", help="never fetch the article pages")
        parser.add_argument(
            "--ignore-cache", action="store_true", help="never send ETag / Last-Modified"
        )

    def handle(self, *args: object, **options: Any) -> None:
        settings = {
            "user_agent": options["user_agent"],
            "extra_headers": parse_headers(options["header"]),
            "proxy_url": options["proxy"],
            "scrape_selector": options["selector"],
            "keep_rule": options["keep"],
            "block_rule": options["block"],
            "fetch_full_page": not options["no_pages"],
            "ignore_cache": options["ignore_cache"],
        }
        url = options["url"]
        interval = parse_interval(options["interval"])
        try:
            try:
                added = feed_add(
                    url=url,
                    title=options["title"],
                    poll_interval=interval,
                    tags=options["tags"],
                    settings=settings,
                )
            except FeedChoiceNeeded as exc:
                candidates = exc.discovery.candidates
                if options["pick"] is None or not 1 <= options["pick"] <= len(candidates):
                    raise CommandError(self._choices(url, candidates)) from exc
                added = feed_add(
                    url=candidates[options["pick"] - 1].url,
                    title=options["title"],
                    poll_interval=interval,
                    tags=options["tags"],
                    settings=settings,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if added.note:
            self.stderr.write(added.note)
        feed = added.feed
        verb = "Added" if added.created else "Already present:"
        self.stdout.write(f"{verb} feed #{feed.pk} {feed.url} (every {feed.poll_interval})")

    @staticmethod
    def _choices(url: str, candidates: list) -> str:
        lines = [f"{url} is a web page that advertises {len(candidates)} feeds:"]
        lines += [
            f"  {n}. {c.url}  ({c.kind or 'feed'}{': ' + c.title if c.title else ''})"
            for n, c in enumerate(candidates, 1)
        ]
        lines.append("Run again with one of these URLs, or with --pick N.")
        return "\n".join(lines)
