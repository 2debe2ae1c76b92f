"""The seed report and the labelled set the enrichment tests share, and the demo's party matcher."""

from datetime import UTC, datetime

import pytest

from tests.conftest import REPO
from tracker.demo.matcher import demo_matcher
from tracker.enrich.parties import PartyMatcher
from tracker.services.sources import source_create

ARTICLES = REPO / ".." / "shared" / "data" / "articles"
SEED = ARTICLES / "seed-rferl-armenia-azerbaijan-2022-09-23.txt"
EVAL = REPO / "tests" / "enrich" / "eval"
SEED_PUBLISHED = datetime(2022, 9, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def matcher() -> PartyMatcher:
    return demo_matcher()


@pytest.fixture
def seed_source(demo):
    """The seed report as a second, newly ingested source (the demo holds the first)."""
    return source_create(
        url="https://example.org/seed-report",
        title="Cease-fire falters as clashes break out",
        text=SEED.read_text(encoding="utf-8"),
        published_at=SEED_PUBLISHED,
        language="en",
    )
