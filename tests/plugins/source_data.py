"""Sources and claims the source-page, history and uncited tests share."""

from dataclasses import dataclass

import pytest

from tests import factories
from tracker.enums import Aspect
from tracker.models import Claim, Incident, Source

# Armenian, an astral-plane emoji and a CJK Extension B character before the sentence to cite:
# UTF-16 offsets would be off by two from the code-point offsets the database keeps.
ASTRAL_PREFIX = "Հայաստան 🇦🇲 — 𠀋 report.\n\n"
ASTRAL_SENTENCE = "The ministry said two soldiers were wounded near Jermuk."
ASTRAL_TEXT = ASTRAL_PREFIX + ASTRAL_SENTENCE + "\nՆախարարությունը հայտնել է։\n"


@pytest.fixture
def astral_source(demo) -> Source:
    return factories.source(
        ASTRAL_TEXT,
        url="https://news.example.am/2022/09/23/jermuk",
        title="Հայաստանի ՊՆ. երկու զինծառայող է վիրավորվել",
        language="hy",
    )


@pytest.fixture
def uncited_claim(demo):
    """A claim of the demo incident with no citation."""
    return factories.claim(
        demo.statements["Azerbaijan"], Aspect.DAMAGE, "No Azerbaijani positions were damaged."
    )


@pytest.fixture
def make_incident(demo):
    """Another incident of the demo conflict with a statement by Armenia's ministry."""

    def make(title: str, day: int = 1):
        incident = factories.incident(demo.conflict, title, factories.utc(2023, 1, day, 12))
        statement = factories.statement(
            incident, demo.statements["Armenia"].party, f"Statement: {title}"
        )
        return incident, statement

    return make


@dataclass
class Desk:
    """A draft incident of two sides: each side's casualties claim and North's timing claim."""

    incident: Incident
    north: Claim
    south: Claim
    timing: Claim
    source: Source


@pytest.fixture
def desk(belligerents) -> Desk:
    incident = factories.incident(belligerents.conflict, local_timezone="Asia/Yerevan")
    north_says = factories.statement(incident, belligerents.parties[0], "They shelled us.")
    south_says = factories.statement(incident, belligerents.parties[1], "We lost nobody.")
    north = factories.claim(
        north_says, Aspect.CASUALTIES, "Two of ours were killed.", killed_min=2, killed_max=2
    )
    south = factories.claim(south_says, Aspect.CASUALTIES, "Nobody was killed.", killed_min=0)
    timing = factories.claim(
        north_says,
        Aspect.TIMING,
        "It began at midnight.",
        time_start=factories.utc(2022, 9, 12, 20),
    )
    source = factories.source(text="They shelled us. Two of ours were killed. Nobody else.")
    return Desk(incident, north, south, timing, source)
