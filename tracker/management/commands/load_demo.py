from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandParser

from tracker.demo.feeds import demo_feeds_register
from tracker.demo.history import GENERATED_PREFIX, history_generate
from tracker.demo.load import demo_load

HISTORY_INCIDENTS = 400
HISTORY_START = datetime(2021, 9, 23, tzinfo=UTC)  # the year up to the demo incident


class Command(BaseCommand):
    help = (
        "Load the running example (Armenia/Azerbaijan, 23 September 2022) and register a few real "
        "South Caucasus news feeds. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-feeds",
            action="store_true",
            help="Do not register the demo feeds (offline demos, tests, CI).",
        )
        parser.add_argument(
            "--history",
            action="store_true",
            help=f"Also generate a year of {HISTORY_INCIDENTS} example incidents for the conflict "
            f"page, titled '{GENERATED_PREFIX}…' (once: a second run adds none).",
        )

    def handle(
        self, *args: object, no_feeds: bool = False, history: bool = False, **options: object
    ) -> None:
        demo = demo_load()
        claims = sum(statement.claims.count() for statement in demo.statements.values())
        self.stdout.write(
            f"Demo incident #{demo.incident.pk}: {demo.incident.title}\n"
            f"  {len(demo.statements)} statements, {claims} claims, source: {demo.source.url}"
        )
        if history:
            generated = demo.conflict.incidents.filter(title__startswith=GENERATED_PREFIX)
            if generated.exists():
                self.stdout.write(
                    f"  generated history already there ({generated.count()} incidents)"
                )
            else:
                claims = history_generate(
                    conflict=demo.conflict, incidents=HISTORY_INCIDENTS, start=HISTORY_START
                )
                self.stdout.write(
                    f"  generated history: {HISTORY_INCIDENTS} incidents, {claims} claims "
                    f"(titles start with '{GENERATED_PREFIX.strip()}')"
                )
        if not no_feeds:
            feeds = demo_feeds_register()
            self.stdout.write(
                f"  {len(feeds)} demo feeds registered: {', '.join(f.title for f in feeds)} "
                "(fetched every 15 minutes by the worker; without internet each shows its error "
                "in the admin and backs off)"
            )
