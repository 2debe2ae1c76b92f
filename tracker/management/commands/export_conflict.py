"""Write conflicts as the JSON file import_conflict reads."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.selectors.conflicts import conflict_export


class Command(BaseCommand):
    help = "Export conflicts (all, or --slug ones) as JSON for import_conflict."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", action="append", default=[], help="repeatable")
        parser.add_argument("--output", type=Path, help="a file (default: standard output)")

    def handle(self, *args: Any, slug: list[str], output: Path | None, **options: Any) -> None:
        data = conflict_export(slugs=slug or None)
        missing = sorted(set(slug) - {c["slug"] for c in data})
        if missing:
            raise CommandError(f"no conflict with slug {', '.join(missing)}")
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{len(data)} conflicts written to {output}")
