"""Feed dates as aware UTC datetimes, keeping the offset the publisher wrote."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as feedparser_parse_date


def parse_date(raw: str | None) -> tuple[datetime | None, int | None]:
    """(UTC datetime, original offset in minutes) from RFC 822 (RSS), ISO 8601 / RFC 3339
    (Atom, JSON Feed) or any of the forms feedparser knows; (None, None) when unreadable.
    The offset is None when the text carried none."""
    raw = (raw or "").strip()
    if not raw:
        return None, None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is not None and not 1 <= parsed.year <= 9998:
        parsed = None
    if parsed is not None:
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC), None
        offset = parsed.utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else None
        return parsed.astimezone(UTC), minutes
    struct = feedparser_parse_date(raw)
    if struct is None:
        return None, None
    return datetime(*struct[:6], tzinfo=UTC), None
