import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.enums import FetchOutcome
from tracker.models import Source
from tracker.selectors.feeds import feeds_to_fetch
from tracker.services.feeds import feed_fetch
from tracker.services.intake import page_host_wait, source_fetch_page
from tracker.services.websub import websub_subscribe

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Fetch feeds now, in the foreground, with the code the scheduled jobs run: the due "
        "feeds by default, --feed ID for some, --all for every active one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--feed", type=int, action="append", dest="feed_ids", default=[])
        parser.add_argument("--all", action="store_true", help="every active feed, due or not")
        parser.add_argument(
            "--pages", action="store_true", help="also fetch the article pages of new sources"
        )

    def _progress(self, done: int, total: int, label: str) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        line = f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {label[:40]:<40}"
        self.stdout.write(line, ending="")
        self.stdout.flush()

    def handle(self, *args: object, **options: object) -> None:
        feeds = list(
            feeds_to_fetch(feed_ids=options["feed_ids"], due_only=not options["all"])  # type: ignore[arg-type]
        )
        rows: list[tuple[Any, ...]] = []
        pages = []
        for index, feed in enumerate(feeds):
            self._progress(index, len(feeds), str(feed))
            report = feed_fetch(feed=feed)
            if report is None:
                rows.append((feed.pk, str(feed), "busy", "", 0, 0, 0, "another worker holds it"))
                continue
            log = report.log
            pages += report.awaiting_page_ids
            if report.websub_subscribe:
                websub_subscribe(feed=feed)
            rows.append(
                (
                    feed.pk,
                    str(feed),
                    log.outcome,
                    log.status_code or "",
                    log.entries_new,
                    log.entries_updated,
                    log.entries_unchanged,
                    log.error[:60],
                )
            )
        self._progress(len(feeds), len(feeds), "done")
        self.stdout.write("")
        if options["pages"]:
            for index, source in enumerate(Source.objects.filter(pk__in=pages)):
                self._progress(index, len(pages), f"page: {source.url}")
                while wait := page_host_wait(url=source.url):
                    time.sleep(wait)
                source_fetch_page(source=source)
            self.stdout.write("")
        self._table(rows)
        failed = sum(1 for row in rows if row[2] == FetchOutcome.ERROR)
        self.stdout.write(
            f"{len(rows)} feeds: {len(rows) - failed} fetched, {failed} failed; "
            f"{sum(r[4] for r in rows)} new, {sum(r[5] for r in rows)} updated sources"
        )
        if failed and failed == len(rows):
            raise CommandError("every feed failed: see the error column")

    def _table(self, rows: list[tuple]) -> None:
        header = ("id", "feed", "outcome", "status", "new", "upd", "same", "error")
        widths = [max(len(str(r[i])[:40]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            self.stdout.write(
                "  ".join(str(v)[:40].ljust(w) for v, w in zip(row, widths, strict=True))
            )
