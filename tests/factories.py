"""Test data built through the services, the way the app itself writes it: a test that needs
some incident, claim or source gets one here instead of loading the demo or writing rows with
the ORM (which would skip the validation, history and publish gate the services apply)."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracker.enums import Aspect, CounterclaimRelation, IncidentType
from tracker.models import (
    Citation,
    Claim,
    Conflict,
    Counterclaim,
    Incident,
    Party,
    Side,
    Source,
    Statement,
)
from tracker.services.claims import claim_create, counterclaim_propose
from tracker.services.conflicts import conflicts_import
from tracker.services.incidents import incident_create
from tracker.services.sources import citation_create, source_create
from tracker.services.statements import statement_create


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class Belligerents:
    """A conflict of two sides, each with one speaking party (its defence ministry)."""

    conflict: Conflict
    sides: tuple[Side, Side]
    parties: tuple[Party, Party]


def conflict(
    slug: str = "north-south", names: tuple[str, str] = ("North", "South")
) -> Belligerents:
    """A conflict of two sides NAMES, through the conflict import (as operators add them)."""
    conflicts_import(
        data={
            "slug": slug,
            "name": f"{names[0]}–{names[1]} conflict",
            "sides": [
                {"name": name, "parties": [{"name": f"Ministry of Defence of {name}"}]}
                for name in names
            ],
        }
    )
    made = Conflict.objects.get(slug=slug)
    first, second = (made.sides.get(name=name) for name in names)
    one, other = (Party.objects.get(name=f"Ministry of Defence of {name}") for name in names)
    return Belligerents(made, (first, second), (one, other))


def incident(
    of: Conflict,
    title: str = "Shelling near the border",
    when: datetime | None = None,
    kind: IncidentType = IncidentType.SHELLING,
    **values: Any,
) -> Incident:
    """A draft incident of OF (additions to a draft apply at once, with no editor's approval)."""
    return incident_create(
        conflict=of,
        title=title,
        incident_type=kind,
        occurred_start=when or utc(2022, 9, 13, 0),
        **values,
    )


def statement(
    of: Incident, party: Party, text: str = "They fired first.", **values: Any
) -> Statement:
    return statement_create(incident=of, party=party, text=text, **values)


def claim(
    of: Statement, aspect: Aspect = Aspect.OTHER, text: str = "A claim.", **values: Any
) -> Claim:
    return claim_create(statement=of, aspect=aspect, text=text, **values)


def said(
    of: Incident, party: Party, text: str, issued_at: datetime, *claims: dict[str, Any]
) -> tuple[Statement, list[Claim]]:
    """PARTY's statement on OF and its CLAIMS (each the keyword arguments of claim_create)."""
    made = statement(of, party, text, issued_at=issued_at)
    return made, [claim_create(statement=made, **values) for values in claims]


def source(
    text: str = "The ministry said the other side fired first.",
    url: str = "https://news.example.org/report",
    **values: Any,
) -> Source:
    return source_create(url=url, text=text, **values)


def citation(of: Source, cited: Claim, excerpt: str, **values: Any) -> Citation:
    """A citation of CITED quoting EXCERPT where it first stands in OF's text."""
    return citation_create(source=of, excerpt=excerpt, claim=cited, **values)


def counterclaim(
    first: Claim,
    second: Claim,
    relation: CounterclaimRelation = CounterclaimRelation.CONTRADICTS,
    **values: Any,
) -> Counterclaim:
    return counterclaim_propose(first=first, second=second, relation=relation, **values)
