from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.ingest.model import FeedParseError
from tracker.management.commands.add_feed import parse_interval
from tracker.services.feeds import feeds_import_opml


class Command(BaseCommand):
    help = "Register every feed of an OPML file; folders and categories become tags."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--interval", default="15m", help="poll interval: 15m, 2h, 1d")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]  # type: ignore[assignment]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            summary = feeds_import_opml(
                data=path.read_bytes(), poll_interval=parse_interval(str(options["interval"]))
            )
        except FeedParseError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        if summary.note:
            self.stdout.write(self.style.WARNING(f"{path.name}: {summary.note}"))
        for url, reason in summary.rejected:
            self.stdout.write(self.style.ERROR(f"rejected {url}: {reason}"))
        self.stdout.write(
            f"{len(summary.added)} added, {len(summary.present)} already present, "
            f"{len(summary.rejected)} rejected"
        )
