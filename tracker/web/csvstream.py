"""CSV streamed line by line, safe to open in a spreadsheet: UTF-8 with a byte-order mark by
default, instants as ISO 8601 UTC with `Z`, and a leading apostrophe on any cell a spreadsheet
would run as a formula (OWASP's CSV injection advice). Used by the exports and the ledger
downloads (tracker.exports.tables says why each choice)."""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """csv.writer writes into this and gets the line back, to yield it at once."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: list[str], rows: Iterable[Sequence[object]], *, bom: bool = True
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield (BOM if bom else "") + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])
