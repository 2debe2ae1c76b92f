"""The plain data each step hands to the next. Offsets are Unicode code points into the text, the
same unit Citation uses, so an accepted proposal cites exactly what was proposed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SideInfo:
    name: str
    country_code: str = ""
    belligerent: bool = True
    id: int | None = None
    conflict_id: int | None = None
    # Stems a reader names the side by ("azerbaijan" → "Azerbaijani units"), from the aliases of
    # its parties (parties.with_side_words); never from code.
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class PartyEntry:
    """A party as the matcher needs it; built from the Party/PartyAlias rows or a plain list."""

    name: str
    aliases: tuple[tuple[str, str, bool], ...]  # (text, language, is_metonym)
    side: SideInfo | None = None
    kind: str = ""
    id: int | None = None
    # A speaker the text names that is no configured party: proposed for the editor to map.
    new: bool = False
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Mention:
    party: PartyEntry
    start: int
    end: int
    text: str
    metonym: bool


@dataclass
class StatementProposal:
    party: PartyEntry
    start: int
    end: int
    excerpt: str
    kind: str  # "direct" (a quote is inside the span) or "reported"
    channel: str = ""
    issued_at: str | None = None  # ISO 8601, UTC
    issued_on: str | None = None  # the day, when the text gives only the day
    quote: tuple[int, int] | None = None
    cue: str = ""
    # Where the reported content starts: after "Утром премьер-министр … заявил", whose time is
    # when the words were said, not when the incident happened.
    content_start: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": None if self.party.new else self.party.name,
            "party_id": self.party.id,
            "speaker": self.party.name,
            "new_party": self.party.new,
            "speaker_span": list(self.party.span) if self.party.span else None,
            "side": self.party.side.name if self.party.side else None,
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "kind": self.kind,
            "channel": self.channel,
            "issued_at": self.issued_at,
            "quote": list(self.quote) if self.quote else None,
            "cue": self.cue,
            "issued_on": self.issued_on,
        }


@dataclass
class ClaimProposal:
    statement: int  # index into the statements list
    aspect: str
    start: int
    end: int
    excerpt: str
    text: str  # a short sentence an editor can keep as the claim
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CounterclaimProposal:
    aspect: str
    first: int  # index into the claims list
    second: int
    relation: str
    reason: str
    existing_claim_id: int | None = None  # SECOND is a stored claim of the proposed incident

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class IncidentCandidate:
    id: int
    title: str
    start: Any  # datetime (UTC)
    end: Any
    place: str
    party_names: frozenset[str]
    text: str
    claims: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class IncidentProposal:
    incident_id: int | None  # None: propose a new incident
    title: str
    score: float
    parts: dict[str, float]
    ranking: list[dict[str, Any]] = field(default_factory=list)
    new: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class EnrichmentResult:
    language: str = ""
    reason: str = ""  # empty when there are proposals
    detail: str = ""
    statements: list[StatementProposal] = field(default_factory=list)
    claims: list[ClaimProposal] = field(default_factory=list)
    incident: IncidentProposal | None = None
    counterclaims: list[CounterclaimProposal] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        parties = sorted({m.party.name for m in self.mentions})
        return {
            "language": self.language,
            "reason": self.reason,
            "detail": self.detail,
            "parties": parties,
            "statements": [s.to_dict() for s in self.statements],
            "claims": [c.to_dict() for c in self.claims],
            "incident": self.incident.to_dict() if self.incident else None,
            "counterclaims": [c.to_dict() for c in self.counterclaims],
            "timings_ms": {k: round(v * 1000, 3) for k, v in self.timings.items()},
        }
