from datetime import UTC, date, datetime

from tracker.enrich.timing import find_time
from tracker.enums import TimePrecision


def at(text: str, zone: str, anchor: date):
    return find_time(text, 0, len(text), timezone=zone, anchor=anchor)


def test_local_time_with_gmt_in_brackets_uses_the_gmt_reading():
    text = "On September 23, at 0740 (0340 GMT), units opened fire"
    found = at(text, "Asia/Yerevan", date(2022, 9, 23))
    assert found.utc_start == datetime(2022, 9, 23, 3, 40, tzinfo=UTC)
    assert found.utc_end is None
    assert found.precision == TimePrecision.EXACT
    assert text[found.start : found.end] == "0740 (0340 GMT)"


def test_around_midnight_for_nine_hours_is_an_approximate_interval():
    found = at("shelling for nine hours starting around midnight.", "Asia/Baku", date(2022, 9, 23))
    assert (found.utc_start, found.utc_end) == (
        datetime(2022, 9, 22, 20, 0, tzinfo=UTC),
        datetime(2022, 9, 23, 5, 0, tzinfo=UTC),
    )
    assert found.precision == TimePrecision.APPROXIMATE


def test_gmt_offset_after_local_time():
    found = at("first reported at 0005 local time (GMT +4) on September 13", "", date(2022, 9, 13))
    assert found.utc_start == datetime(2022, 9, 12, 20, 5, tzinfo=UTC)


def test_turkish_range_until_today():
    text = "22 Eylül saat 23.45'ten bugün saat 08.30'a kadar"
    found = at(text, "Asia/Baku", date(2022, 9, 23))
    assert (found.utc_start, found.utc_end) == (
        datetime(2022, 9, 22, 19, 45, tzinfo=UTC),
        datetime(2022, 9, 23, 4, 30, tzinfo=UTC),
    )


def test_russian_approximate_clock_time_with_date():
    found = at("2 февраля около 05:00 утра открыли огонь", "Asia/Baku", date(2021, 2, 3))
    assert found.utc_start == datetime(2021, 2, 2, 1, 0, tzinfo=UTC)
    assert found.precision == TimePrecision.APPROXIMATE


def test_evening_until_morning_spans_the_night():
    text = "From the evening of September 22 until the morning of September 23, units fired"
    found = at(text, "Asia/Baku", date(2022, 9, 23))
    assert (found.utc_start, found.utc_end) == (
        datetime(2022, 9, 22, 14, 0, tzinfo=UTC),
        datetime(2022, 9, 23, 8, 0, tzinfo=UTC),
    )


def test_year_and_counts_are_not_clock_times():
    assert at("killed 2000 soldiers in 2022", "Asia/Baku", date(2022, 9, 23)) is None
