"""Sources and claims the source-page, history and uncited tests share."""

from datetime import UTC, datetime

import pytest

from tracker.enums import Aspect, IncidentType
from tracker.models import Source
from tracker.services.claims import claim_create
from tracker.services.incidents import incident_create
from tracker.services.sources import source_create
from tracker.services.statements import statement_create

# Armenian, an astral-plane emoji and a CJK Extension B character before the sentence to cite:
# UTF-16 offsets would be off by two from the code-point offsets the database keeps.
ASTRAL_PREFIX = "Հայաստան 🇦🇲 — 𠀋 report.\n\n"
ASTRAL_SENTENCE = "The ministry said two soldiers were wounded near Jermuk."
ASTRAL_TEXT = ASTRAL_PREFIX + ASTRAL_SENTENCE + "\nՆախարարությունը հայտնել է։\n"


@pytest.fixture
def astral_source(demo) -> Source:
    return source_create(
        url="https://news.example.am/2022/09/23/jermuk",
        title="Հայաստանի ՊՆ. երկու զինծառայող է վիրավորվել",
        text=ASTRAL_TEXT,
        language="hy",
    )


@pytest.fixture
def uncited_claim(demo):
    """A claim of the demo incident with no citation."""
    return claim_create(
        statement=demo.statements["Azerbaijan"],
        aspect=Aspect.DAMAGE,
        text="No Azerbaijani positions were damaged.",
    )


@pytest.fixture
def make_incident(demo):
    """Another incident of the demo conflict with a statement by Armenia's ministry."""

    def make(title: str, day: int = 1):
        incident = incident_create(
            conflict=demo.conflict,
            title=title,
            incident_type=IncidentType.SHELLING,
            occurred_start=datetime(2023, 1, day, 12, tzinfo=UTC),
        )
        statement = statement_create(
            incident=incident, party=demo.statements["Armenia"].party, text=f"Statement: {title}"
        )
        return incident, statement

    return make
