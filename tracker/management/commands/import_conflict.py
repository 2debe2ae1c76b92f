"""Set up conflicts from a file: sides, parties and the aliases enrichment recognises."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.services.conflicts import ConflictFileError, conflicts_import


class Command(BaseCommand):
    help = (
        "Import conflicts from a JSON file (shape: docs/enrichment.md). Idempotent: importing "
        "again updates and never duplicates; a bad file changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            data = json.loads(file.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{file}: not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from exc
        try:
            summary = conflicts_import(data=data)
        except ConflictFileError as exc:
            lines = "\n  ".join(exc.errors)
            raise CommandError(
                f"{file}: nothing imported, {len(exc.errors)} errors:\n  {lines}"
            ) from None
        self.stdout.write(f"{file.name}: {summary}")
