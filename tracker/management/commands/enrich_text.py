"""Runs enrichment on a file and prints the proposals as JSON; stores nothing."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from tracker.demo.matcher import demo_matcher
from tracker.enrich.parties import PartyMatcher
from tracker.enrich.pipeline import enrich_document
from tracker.selectors.parties import database_matcher
from tracker.text.documents import decode_document, load_document


class Command(BaseCommand):
    help = (
        "Propose statements, claims, an incident and counterclaims for a plain-text or HTML file "
        "and print them as JSON (format: docs/enrichment.md). Nothing is stored."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--published",
            help="When the text was published (ISO 8601); dates "
            "without a year and times of day are read against it.",
        )
        parser.add_argument(
            "--parties",
            choices=["db", "demo"],
            default="db",
            help="Aliases from the database (default; the demo set if it has none) "
            "or the demo conflict's list.",
        )
        parser.add_argument("--title", default="")

    def handle(
        self,
        *args: Any,
        file: Path,
        published: str | None,
        parties: str,
        title: str,
        **options: Any,
    ) -> None:
        if not file.is_file():
            raise CommandError(f"{file} is not a file")
        try:
            published_at = datetime.fromisoformat(published) if published else None
        except ValueError as exc:
            raise CommandError(f"--published: {exc}") from exc
        if published_at is not None and published_at.tzinfo is None:
            raise CommandError("--published needs a UTC offset, e.g. 2022-09-23T12:00:00+00:00")
        text = load_document(decode_document(file.read_bytes()))
        result = enrich_document(
            text, matcher=self._matcher(parties), title=title, published_at=published_at
        )
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2, default=str))

    def _matcher(self, source: str) -> PartyMatcher:
        if source == "db":
            try:
                matcher = database_matcher()
            except DatabaseError:
                matcher = None
            if matcher is not None and matcher.parties:
                return matcher
            self.stderr.write("No parties in the database: using the demo conflict's aliases.")
        return demo_matcher()
