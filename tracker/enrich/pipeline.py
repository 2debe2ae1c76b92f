"""Runs the steps in order on one text and says why when it proposes nothing.

Pure: the caller passes the party matcher and, optionally, a loader of incident candidates, so
the same function serves the Celery task, `manage.py enrich_text` and the evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime

from tracker.enrich.claims import find_claims
from tracker.enrich.counterclaims import propose_counterclaims, relate
from tracker.enrich.incidents import document_window, rank_incidents
from tracker.enrich.languages import pack
from tracker.enrich.parties import PartyMatcher
from tracker.enrich.sentences import sentences
from tracker.enrich.statements import find_statements
from tracker.enrich.timing import find_dates
from tracker.enrich.types import (
    CounterclaimProposal,
    EnrichmentResult,
    IncidentCandidate,
    SideInfo,
    StatementProposal,
)
from tracker.enums import NoProposalReason
from tracker.text.documents import binary_or_misencoded, mixed_scripts
from tracker.text.language import detect_language
from tracker.text.normalise import lower_same_length

MAX_BYTES = 5 * 1024 * 1024
STEPS = ("checks", "parties", "statements", "claims", "incidents", "counterclaims")
# (start, end, conflict id) → the stored incidents worth ranking.
CandidateLoader = Callable[[datetime | None, datetime | None, int | None], list[IncidentCandidate]]


class _Clock:
    def __init__(self, result: EnrichmentResult) -> None:
        self.result = result
        self.mark = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.result.timings[step] = self.result.timings.get(step, 0.0) + now - self.mark
        self.mark = now


def enrich_document(
    text: str,
    *,
    matcher: PartyMatcher,
    title: str = "",
    published_at: datetime | None = None,
    candidates: CandidateLoader | None = None,
) -> EnrichmentResult:
    result = EnrichmentResult()
    clock = _Clock(result)
    reason = _check(text, result)
    clock.lap("checks")
    if reason:
        return result
    result.mentions = matcher.find(text)
    conflicts = matcher.conflicts(result.mentions)
    if len(matcher.conflict_ids) > 1 and conflicts:
        matcher = matcher.for_conflict(conflicts.most_common(1)[0][0])
        result.mentions = matcher.find(text)
    clock.lap("parties")
    if not any(m.party.side and m.party.side.belligerent for m in result.mentions):
        return _stop(
            result, NoProposalReason.NO_PARTY, "No alias of a party on a side of a conflict occurs."
        )
    sides = list({p.side for p in matcher.parties if p.side is not None})
    result.statements = find_statements(
        text, sentences(text), result.mentions, result.language, sides
    )
    clock.lap("statements")
    if not result.statements:
        names = ", ".join(sorted({m.party.name for m in result.mentions}))
        return _stop(result, NoProposalReason.NO_STATEMENT, f"Named but not quoted: {names}.")
    reference = published_at.date() if published_at else None
    lowered = lower_same_length(text)
    for statement in result.statements:
        statement.issued_on = _issued_on(text, lowered, statement, reference)
    result.claims = find_claims(
        text,
        result.statements,
        sides,
        reference=reference,
        language=result.language,
        lowered=lowered,
        mentions=result.mentions,
    )
    clock.lap("claims")
    found: list[IncidentCandidate] = []
    if candidates is not None:
        start, end, _precision = document_window(result.claims, published_at)
        side = next((s.party.side for s in result.statements if s.party.side), None)
        found = candidates(start, end, side.conflict_id if side else None)
    result.incident = rank_incidents(
        text=text,
        title=title,
        statements=result.statements,
        claims=result.claims,
        candidates=found,
        published=published_at,
    )
    clock.lap("incidents")
    result.counterclaims = propose_counterclaims(result.statements, result.claims)
    if result.incident.incident_id is not None:
        chosen = next(c for c in found if c.id == result.incident.incident_id)
        result.counterclaims += _against_stored(result, chosen, sides)
    clock.lap("counterclaims")
    return result


def _issued_on(
    text: str, lowered: str, statement: StatementProposal, reference: date | None
) -> str | None:
    """A date after the reporting verb and outside the quote is when the words were issued
    ("… said in a post on Facebook on September 23")."""
    cue_at = text.find(statement.cue, statement.content_start or statement.start, statement.end)
    if cue_at < 0:
        return None
    quote = statement.quote or (0, 0)
    for position, day in find_dates(lowered, cue_at, statement.end, reference):
        if not quote[0] <= position < quote[1]:
            return day.isoformat()
    return None


def _check(text: str, result: EnrichmentResult) -> str:
    """Input the rules cannot read gets its own reason in words. A language without a pack is
    no refusal: the language-independent rules still run (languages/__init__.py)."""
    if len(text) > MAX_BYTES // 4 and len(text.encode("utf-8")) > MAX_BYTES:
        size = len(text.encode("utf-8"))
        detail = f"{size:,} bytes of UTF-8; the limit is {MAX_BYTES:,}."
        return _stop(result, NoProposalReason.TOO_LARGE, detail).reason
    if not text.strip():
        return _stop(result, NoProposalReason.EMPTY_TEXT, "The text is blank.").reason
    reason, detail = binary_or_misencoded(text)
    if reason:
        return _stop(result, NoProposalReason(reason), detail).reason
    mixed = mixed_scripts(text)
    if mixed:
        return _stop(result, NoProposalReason.MIXED_SCRIPTS, mixed).reason
    language, score = detect_language(text)
    result.language = language
    if pack(language) is None:
        result.detail = (
            f"Detected {language or 'nothing'} ({score:.0%}), which has no language pack: "
            "only quotation marks, party names and numbers were read."
        )
    return ""


def _stop(result: EnrichmentResult, reason: NoProposalReason, detail: str) -> EnrichmentResult:
    result.reason = str(reason)
    result.detail = detail
    return result


def _against_stored(
    result: EnrichmentResult, incident: IncidentCandidate, sides: list[SideInfo]
) -> list[CounterclaimProposal]:
    """This report's claims against claims already stored on the proposed incident: one pair
    per aspect and pair of sides, as within the report."""
    belligerent = {s.name for s in sides if s.belligerent}
    proposals = []
    seen: set[tuple[str, str, str | None]] = set()
    for index, claim in enumerate(result.claims):
        party = result.statements[claim.statement].party
        mine = party.side.name if party.side else None
        if mine not in belligerent:
            continue
        for stored in incident.claims:
            side = stored.get("side")
            key = (claim.aspect, mine, side)
            if stored["aspect"] != claim.aspect or side in (None, mine) or key in seen:
                continue
            if side not in belligerent:
                continue
            seen.add(key)
            relation, reason = relate(claim, stored, (party.name, stored["party"]))
            proposals.append(
                CounterclaimProposal(claim.aspect, index, -1, str(relation), reason, stored["id"])
            )
    return proposals
