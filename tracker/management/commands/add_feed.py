import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.services.feeds import feed_create

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_interval(raw: str) -> timedelta:
    """'15m', '2h', '1d', '90s' → timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", raw)
    if not match:
        raise CommandError(f"--interval must look like 15m, 2h or 1d, not {raw!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = "Register a feed (RSS, Atom, JSON Feed) to be polled. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url")
        parser.add_argument("--interval", default="15m", help="poll interval: 15m, 2h, 1d")
        parser.add_argument("--title", default="")
        parser.add_argument("--tag", action="append", default=[], dest="tags")

    def handle(self, *args: object, **options: object) -> None:
        try:
            feed, created = feed_create(
                url=str(options["url"]),
                title=str(options["title"]),
                poll_interval=parse_interval(str(options["interval"])),
                tags=list(options["tags"]),  # type: ignore[call-overload]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        verb = "Added" if created else "Already present:"
        self.stdout.write(f"{verb} feed #{feed.pk} {feed.url} (every {feed.poll_interval})")
