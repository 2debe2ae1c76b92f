"""Times in a statement → a UTC interval with a precision.

Reads clock times ("0740", "07:40", "saat 23.45"), their zone ("(0340 GMT)", "GMT +4",
"local time", else the speaker's country), parts of the day ("around midnight", "the morning
hours", "в ночь"), ranges ("from … until …", "…'ten … 'a kadar") and durations ("for nine hours").
Dates come from the span, else the anchor date the caller gives (the source's day)."""

from __future__ import annotations

import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from datetime import timezone as fixed_offset
from functools import lru_cache

from tracker.enrich import lexicon
from tracker.enrich.languages import merged
from tracker.enums import TimePrecision
from tracker.text.normalise import lower_same_length

MONTHS = merged("months")
NUMBERS = merged("numbers")
_MONTH = "|".join(sorted(map(re.escape, MONTHS), key=len, reverse=True))
DATE_RX = [
    re.compile(rf"(?<!\w)({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?(?!\d)"),
    re.compile(
        rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})(?:\s+(\d{{4}}))?(?!\w)"
    ),
]
WEEKDAY_RX = re.compile(
    r"(?<!\w)(?:on\s+)?(" + "|".join(map(re.escape, lexicon.WEEKDAYS)) + r")(?!\w)"
)
CLOCK_RX = re.compile(
    r"(?<![\d:.,])(?:(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)|(?P<hh>[01]\d|2[0-3])(?P<mm>[0-5]\d))"
    r"(?![\d:.,]\d)"
)
CLOCK_BEFORE = re.compile(
    r"(?:\bat|\bas of|\bsince|\bfrom|\buntil|\btill|\bsaat|около|\bс|\bдо|\bв|\[)\s*$"
)
CLOCK_AFTER = re.compile(
    r"^\s*(?:\(|\[|local|gmt|utc|hours\b|h\b|a\.?m|p\.?m|утра|вечера|часов|['’](?:te|ta|de|da|"
    r"ten|tan|den|dan|e|a)\b|[’']?[a-zı]*\s+kadar)"
)
ZONE_RX = re.compile(r"^[\s\[(,]*(?:local time[\s,]*)?(gmt|utc)\s*(?:([+-])\s*(\d{1,2}))?")
LOCAL_RX = re.compile(r"^[\s\[(]*local time")
OFFSET_AFTER = re.compile(r"^[^.;]{0,20}?\(?\s*(?:gmt|utc)\s*([+-])\s*(\d{1,2})")
RANGE_RX = re.compile(r"\b(?:until|till|to|through)\b|\bдо\b|kadar|qədər|-ին մինչև")
DURATION_RX = re.compile(
    rf"(?:for|в течение|boyunca)?\s*(\d+|[a-zа-яё]+)\s+(?:{lexicon.HOURS_WORDS})(?:\s+boyunca)?"
)
APPROX_RX = re.compile(lexicon.APPROXIMATE)
DAYPART_RX = [(re.compile(rx), hours) for rx, hours in lexicon.DAYPARTS]
TODAY_RX = re.compile(rf"\b(?:{lexicon.TODAY})\b")


@dataclass
class TimeFinding:
    start: int  # span in the text
    end: int
    utc_start: datetime | None
    utc_end: datetime | None
    precision: str
    local: str  # what the text said, as local wall time ("2022-09-23 07:40 Asia/Yerevan")


@dataclass
class _Point:
    start: int
    end: int
    day: date | None
    hour: int
    minute: int
    end_hour: int | None  # a part of the day spans hours
    utc: bool
    offset: int | None
    approximate: bool


def find_dates(
    lowered: str, start: int, end: int, reference: date | None
) -> list[tuple[int, date]]:
    found = []
    for rx in DATE_RX:
        for match in rx.finditer(lowered, start, end):
            groups = match.groups()
            month_word = groups[0] if not groups[0].isdigit() else groups[1]
            day_text = groups[1] if not groups[0].isdigit() else groups[0]
            year = int(groups[2]) if groups[2] else None
            made = _make_date(year, MONTHS[month_word], int(day_text), reference)
            if made:
                found.append((match.start(), made))
    if reference is not None:
        for match in WEEKDAY_RX.finditer(lowered, start, end):
            back = (reference.weekday() - lexicon.WEEKDAYS[match.group(1)]) % 7
            found.append((match.start(), reference - timedelta(days=back)))
        for match in TODAY_RX.finditer(lowered, start, end):
            found.append((match.start(), reference))
    return sorted(found)


def _make_date(year: int | None, month: int, day: int, reference: date | None) -> date | None:
    if year is None:
        if reference is None:
            return None
        year = reference.year
        try:
            made = date(year, month, day)
        except ValueError:
            return None
        # A date well after the report refers to the year before ("2 February" in January).
        return made if made <= reference + timedelta(days=2) else made.replace(year=year - 1)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return NUMBERS.get(word)


@lru_cache(maxsize=1)
def _zone_table() -> dict[str, str]:
    """Country code → its time zone, from the IANA table the tzdata package ships: the zone
    marked "most" (most of the country) or "+00" (the zone a multi-zone country counts from),
    else the first listed. No country is named in code."""
    table = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    first: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for line in table.splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3:
            continue
        first.setdefault(fields[0], fields[2])
        comment = fields[3] if len(fields) > 3 else ""
        if "most" in comment or "+00" in comment:
            chosen.setdefault(fields[0], fields[2])
    return {**first, **chosen}


def country_zone(country_code: str) -> str:
    """The speaker's local zone when the text gives none ("" if the country is unknown)."""
    return _zone_table().get(country_code.upper(), "")


def find_time(
    text: str,
    start: int,
    end: int,
    *,
    timezone: str,
    anchor: date | None,
    lowered: str | None = None,
) -> TimeFinding | None:
    """The interval the span [START, END) gives, or None if it names no time of day. LOWERED
    is the text lower-cased once by the caller, so each statement costs its own length."""
    lowered = lowered if lowered is not None else lower_same_length(text)
    dates = find_dates(lowered, start, end, anchor)
    points = _clock_points(lowered, start, end) + _daypart_points(lowered, start, end)
    points.sort(key=lambda p: p.start)
    # A GMT reading in brackets right after a local one is the same moment: keep the GMT one.
    merged: list[_Point] = []
    for point in points:
        if merged and point.utc and not merged[-1].utc and point.start - merged[-1].end <= 4:
            point.start = merged[-1].start
            merged[-1] = point
            continue
        if any(p.start <= point.start < p.end for p in merged):
            continue
        merged.append(point)
    if not merged:
        return None
    for point in merged:
        before = [d for pos, d in dates if pos <= point.start]
        point.day = before[-1] if before else (dates[0][1] if dates else anchor)
    first = merged[0]
    span_start, span_end = first.start, first.end
    start_local = _wall(first, first.hour, first.minute)
    end_local = _wall(first, first.end_hour, 0) if first.end_hour is not None else None
    if len(merged) > 1 and RANGE_RX.search(lowered, merged[0].end, min(end, merged[1].end + 15)):
        second = merged[1]
        end_local = _wall(
            second,
            second.end_hour if second.end_hour is not None else second.hour,
            0 if second.end_hour is not None else second.minute,
        )
        span_end = second.end
    duration = DURATION_RX.search(lowered, first.end if len(merged) == 1 else span_end, end)
    hours = _number(duration.group(1)) if duration else None
    if duration is None:
        duration = DURATION_RX.search(lowered, start, first.start)
        hours = _number(duration.group(1)) if duration else None
    if hours and duration is not None:
        end_local = (start_local + timedelta(hours=hours)) if start_local else None
        span_start = min(span_start, duration.start())
        span_end = max(span_end, duration.end())
    while span_start < span_end and text[span_start].isspace():
        span_start += 1
    opened = text[span_start:span_end].count("(") + text[span_start:span_end].count("[")
    if opened and span_end < len(text) and text[span_end] in ")]":
        span_end += 1
    approximate = any(p.approximate or p.end_hour is not None for p in merged) or bool(
        APPROX_RX.search(lowered, max(start, first.start - 12), first.start)
    )
    precision = TimePrecision.APPROXIMATE if approximate else TimePrecision.EXACT
    if start_local is not None and end_local is not None and end_local < start_local:
        end_local += timedelta(days=1)
    zone = _zone(first, timezone)
    utc_start = start_local.replace(tzinfo=zone).astimezone(UTC) if start_local else None
    utc_end = end_local.replace(tzinfo=zone).astimezone(UTC) if end_local else None
    label = (
        start_local.strftime("%Y-%m-%d %H:%M")
        if start_local
        else f"{first.hour:02d}:{first.minute:02d}"
    )
    return TimeFinding(
        start=span_start,
        end=span_end,
        utc_start=utc_start,
        utc_end=utc_end,
        precision=str(precision),
        local=f"{label} {'UTC' if first.utc else getattr(zone, 'key', str(zone))}",
    )


def _wall(point: _Point, hour: int | None, minute: int) -> datetime | None:
    if point.day is None or hour is None:
        return None
    return datetime(point.day.year, point.day.month, point.day.day, hour % 24, minute)


def _zone(point: _Point, timezone: str) -> tzinfo:
    if point.utc:
        return fixed_offset(timedelta(hours=point.offset or 0)) if point.offset else UTC
    if point.offset is not None:
        return fixed_offset(timedelta(hours=point.offset))
    return zoneinfo.ZoneInfo(timezone) if timezone else UTC


def _clock_points(lowered: str, start: int, end: int) -> list[_Point]:
    points = []
    for match in CLOCK_RX.finditer(lowered, start, end):
        before = lowered[max(start, match.start() - 12) : match.start()]
        after = lowered[match.end() : min(end, match.end() + 30)]
        if not (CLOCK_BEFORE.search(before) or CLOCK_AFTER.match(after)):
            continue
        if match.group("hh") and not (
            CLOCK_BEFORE.search(before)
            or ZONE_RX.match(after)
            or LOCAL_RX.match(after)
            or after.lstrip().startswith("(")
        ):
            continue  # four bare digits are a year or a count unless a time cue is at hand
        hour = int(match.group("h") or match.group("hh"))
        minute = int(match.group("m") or match.group("mm"))
        zone = ZONE_RX.match(after)
        offset_match = OFFSET_AFTER.match(after)
        utc = bool(zone and not zone.group(2))
        offset = None
        if zone and zone.group(2):
            offset = int(zone.group(3)) * (1 if zone.group(2) == "+" else -1)
        elif offset_match:
            offset = int(offset_match.group(2)) * (1 if offset_match.group(1) == "+" else -1)
        if zone and not zone.group(2) and LOCAL_RX.match(after):
            utc = False  # "[local time, 03:40 GMT]": the local reading; the GMT one follows
        points.append(
            _Point(
                start=match.start(),
                end=match.end() + (zone.end() if utc and zone else 0),
                day=None,
                hour=hour,
                minute=minute,
                end_hour=None,
                utc=utc,
                offset=offset,
                approximate=bool(APPROX_RX.search(before)),
            )
        )
    return points


def _daypart_points(lowered: str, start: int, end: int) -> list[_Point]:
    points = []
    for rx, (first_hour, last_hour) in DAYPART_RX:
        for match in rx.finditer(lowered, start, end):
            points.append(
                _Point(
                    start=match.start(),
                    end=match.end(),
                    day=None,
                    hour=first_hour,
                    minute=0,
                    end_hour=last_hour if last_hour != first_hour else None,
                    utc=False,
                    offset=None,
                    approximate=True,
                )
            )
    return points
