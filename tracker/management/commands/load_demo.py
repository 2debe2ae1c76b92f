from django.core.management.base import BaseCommand, CommandParser

from tracker.demo.feeds import demo_feeds_register
from tracker.demo.load import demo_load


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

    def handle(self, *args: object, no_feeds: bool = False, **options: object) -> None:
        demo = demo_load()
        claims = sum(statement.claims.count() for statement in demo.statements.values())
        self.stdout.write(
            f"Demo incident #{demo.incident.pk}: {demo.incident.title}\n"
            f"  {len(demo.statements)} statements, {claims} claims, source: {demo.source.url}"
        )
        if not no_feeds:
            feeds = demo_feeds_register()
            self.stdout.write(
                f"  {len(feeds)} demo feeds registered: {', '.join(f.title for f in feeds)} "
                "(fetched every 15 minutes by the worker; without internet each shows its error "
                "in the admin and backs off)"
            )
