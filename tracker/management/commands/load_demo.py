from django.core.management.base import BaseCommand

from tracker.demo.load import demo_load


class Command(BaseCommand):
    help = "Load the running example (Armenia/Azerbaijan, 23 September 2022). Idempotent."

    def handle(self, *args: object, **options: object) -> None:
        demo = demo_load()
        claims = sum(statement.claims.count() for statement in demo.statements.values())
        self.stdout.write(
            f"Demo incident #{demo.incident.pk}: {demo.incident.title}\n"
            f"  {len(demo.statements)} statements, {claims} claims, "
            f"source: {demo.source.url}"
        )
