"""Feed dates as aware UTC datetimes, keeping the offset the publisher wrote.

Read in order of cost: ISO 8601 / RFC 3339, RFC 822, the forms feedparser knows, and last
localised dates ("Seg, 24 Set 2018", "23 сентября 2022") with dateparser, in the feed's language
when it declares one. A date outside 1900–2100 or one that names a year the reading does not
give back ("0001" read as 2001) is out of range: the entry is kept without a date, with a note."""

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

import dateparser
from feedparser.datetimes import _parse_date as feedparser_parse_date

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
# dateparser costs 1–100 ms a date (seconds on its first use without a language): a document
# of unreadable dates gets this much of it, then its remaining dates are noted, not tried.
LOCALISED_BUDGET_SECONDS = 2.0
# Four- and five-digit numbers: the year a date names (not a basic-format date or a fraction).
_YEARS = re.compile(r"(?<!\d)(\d{4,5})(?!\d)")
_DATEPARSER_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "REQUIRE_PARTS": ["day", "month", "year"],
}


@dataclass(slots=True)
class DateReading:
    at: datetime | None
    offset_minutes: int | None  # None when the text carried no offset
    note: str = ""  # why a date that was given is not kept


def _aware(parsed: datetime, raw: str) -> DateReading:
    years = _YEARS.findall(raw)
    if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR or (years and str(parsed.year) not in years):
        return DateReading(None, None, f"date {raw[:60]!r} out of range")
    if parsed.tzinfo is None:
        return DateReading(parsed.replace(tzinfo=UTC), None)
    offset = parsed.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else None
    return DateReading(parsed.astimezone(UTC), minutes)


@lru_cache(maxsize=4096)
def _localised(raw: str, language: str) -> datetime | None:
    languages = [language.split("-")[0]] if language else None
    try:
        return dateparser.parse(raw, languages=languages, settings=_DATEPARSER_SETTINGS)
    except (ValueError, OverflowError, KeyError):
        return None


def warm_localised_dates() -> None:
    """Load dateparser's data for every language now (≈ 1.5 s of CPU once per process) instead
    of in the first fetch that meets a localised date without a language: there it would
    spend the document's budget, and in a thread pool hold the interpreter from every other
    feed for that long. Worker processes call it at start (tracker.tasks.ingest)."""
    _localised("Seg, 24 Set 2018", "")


class DateReader:
    """Reads one document's dates; its LANGUAGE guides localised names, and its budget bounds
    the time spent on them."""

    def __init__(self, language: str = "") -> None:
        self.language = language
        self.budget = LOCALISED_BUDGET_SECONDS

    def read(self, raw: str | None) -> DateReading:
        raw = (raw or "").strip()
        if not raw:
            return DateReading(None, None)
        for reader in (datetime.fromisoformat, parsedate_to_datetime):
            try:
                return _aware(reader(raw), raw)
            except (TypeError, ValueError, IndexError, OverflowError):
                continue
        try:
            struct = feedparser_parse_date(raw)
        except (ValueError, OverflowError):
            struct = None
        if struct is not None:
            try:
                return _aware(datetime(*struct[:6]), raw)
            except (ValueError, OverflowError):
                pass
        return self._read_localised(raw)

    def _read_localised(self, raw: str) -> DateReading:
        unreadable = DateReading(None, None, f"date {raw[:60]!r} not understood")
        if self.budget <= 0 or len(raw) > 100:
            return unreadable
        started = time.monotonic()
        parsed = _localised(raw, self.language)
        self.budget -= time.monotonic() - started
        if parsed is None:
            return unreadable
        try:
            return _aware(parsed, raw)
        except OverflowError:
            return unreadable
