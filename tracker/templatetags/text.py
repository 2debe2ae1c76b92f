"""Text that cannot break the page: one date format for every page, coordinates at the
precision a place is known to, and bidirectional isolation where markup cannot reach."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime

from django import template
from django.utils import dateformat
from django.utils.text import Truncator

from tracker.services.common import local_from_utc
from tracker.text.bidi import isolate

register = template.Library()

# Day, short month, year, then the time when there is one: "13 Sep 2022, 00:05". UTC unless a
# zone is given by the caller (the incident's local time is converted before it comes here).
DATE = "j M Y"
DATE_TIME = "j M Y, H:i"
# Four decimals is about 11 m: finer than any reported place, so more digits only mislead.
COORDINATE_DECIMALS = 4


@register.filter(expects_localtime=True)
def when(value: datetime | date | None, part: str = "") -> str:
    """VALUE in the site's one date format: "j M Y, H:i" for a moment, "j M Y" for a day (or
    for a moment with part="date")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Already in the page's zone (expects_localtime), or in the one the |timezone filter set.
        return dateformat.format(value, DATE if part == "date" else DATE_TIME)
    return dateformat.format(value, DATE)


@register.filter
def instant(value: str | None) -> datetime | None:
    """An ISO 8601 time as a stored JSON value holds it (a proposal's), as a moment; one
    without an offset is UTC, as the database keeps times; anything else is no time."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@register.filter
def local_input(value: datetime | None, zone: str) -> str:
    """VALUE as a datetime-local input holds it, wall-clock in ZONE (UTC when ""): the form
    takes it back through services.common.utc_from_local."""
    return f"{local_from_utc(value, zone):%Y-%m-%dT%H:%M}" if value else ""


@register.filter
def coordinate(value: float | None) -> str:
    """A latitude or longitude at four decimals ("40.2912"), trailing zeros dropped."""
    if value is None:
        return ""
    return f"{value:.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")


def truncated(text: str, length: int) -> str:
    """`Truncator(text).chars(length)` (the truncatechars filter), without its cost for a text
    that fits, as most do: it too returns such a text whole, NFC-normalised."""
    text = unicodedata.normalize("NFC", text)
    return text if len(text) <= length else Truncator(text).chars(length)


# The FSI…PDI wrap of tracker.text.bidi, for templates.
register.filter("isolate", isolate)
