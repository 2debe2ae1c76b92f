"""The SimHash fingerprints stored in the database must not change when their computation does:
simhash_reference.json holds the fingerprints of every entry of the shared feeds and of every
shared article text as the first (pure-Python) implementation computed them. (The two
undeclared legacy-encoding feeds were re-read when their text stopped being mojibake: the
input changed, not the computation.)"""

import json
from pathlib import Path

import pytest

from tests.plugins.feed_server import DATA, FEEDS
from tracker.ingest.parse import parse_feed
from tracker.ingest.simhash import MIN_SHINGLES, simhash
from tracker.text.html import html_to_text

REFERENCE = json.loads((Path(__file__).parent / "simhash_reference.json").read_text())


def _fingerprints(name: str) -> list[int | None]:
    if name.startswith("articles/"):
        return [simhash((DATA / name).read_text())]
    parsed = parse_feed((FEEDS / name).read_bytes())
    return [
        simhash(f"{e.title[:1000]}\n{html_to_text(e.content_html or e.summary_html)}")
        for e in parsed.entries
    ]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_simhash_matches_reference_fingerprints(name):
    assert _fingerprints(name) == REFERENCE[name]


def test_simhash_reference_covers_feeds_and_articles():
    fingerprints = [f for values in REFERENCE.values() for f in values if f is not None]
    assert len(REFERENCE) == 61
    assert len(fingerprints) == 522
    assert any(f < 0 for f in fingerprints)
    assert any(f > 0 for f in fingerprints)


def test_simhash_too_few_shingles_is_none():
    words = " ".join(f"w{i}" for i in range(MIN_SHINGLES + 1))  # MIN_SHINGLES - 1 shingles
    assert simhash(words) is None
    assert simhash(f"{words} w{MIN_SHINGLES + 1}") is not None
