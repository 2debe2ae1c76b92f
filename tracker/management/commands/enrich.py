"""Enrich sources now, in this process: one by id, or every source never enriched or changed."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tracker.enums import EnrichmentStatus
from tracker.models import Source
from tracker.selectors.enrichment import sources_to_enrich
from tracker.services.enrichment import source_enrich


class Command(BaseCommand):
    help = "Propose statements, claims, incidents and counterclaims for sources."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--source", type=int, help="Only this source id.")
        parser.add_argument(
            "--force", action="store_true", help="Run even if the text is unchanged."
        )
        parser.add_argument("--limit", type=int, default=1000)

    def handle(
        self, *args: Any, source: int | None, force: bool, limit: int, **options: Any
    ) -> None:
        if source is not None:
            found = Source.objects.filter(pk=source).first()
            if found is None:
                raise CommandError(f"No source #{source}.")
            sources = [found]
        else:
            sources = list(sources_to_enrich(limit=limit))
        counts = {status: 0 for status in EnrichmentStatus}
        proposals = 0
        total = len(sources)
        for number, item in enumerate(sources, start=1):
            run = source_enrich(source=item, force=force)
            counts[EnrichmentStatus(run.status)] += 1
            made = run.proposals.count()
            proposals += made
            outcome = run.reason or run.status
            self.stdout.write(
                f"[{number}/{total}] source #{item.pk} {item.title[:60]!r}: {outcome}"
                f"{f' ({made} proposals)' if made else ''}"
            )
        summary = ", ".join(f"{counts[s]} {s.label.lower()}" for s in EnrichmentStatus if counts[s])
        self.stdout.write(
            self.style.SUCCESS(
                f"Enriched {total} source(s): {summary or 'nothing to do'}; {proposals} proposals."
            )
        )
