"""Step 5: how claims by opposing sides on the same aspect relate, with the reason in words.

contradicts: each blames the other; start times hours apart; different figures for the same
side's losses. corroborates: the same accused side, time, place, figure or means; both say they
retaliated. qualifies: about the same thing without being incompatible (different places,
different weapons, one side's losses against the other's)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tracker.enrich.types import ClaimProposal, CounterclaimProposal, PartyEntry, StatementProposal
from tracker.enums import Aspect, CounterclaimRelation

TIME_TOLERANCE_HOURS = 1.0


def _side(party: PartyEntry) -> str | None:
    return party.side.name if party.side and party.side.belligerent else None


def propose_counterclaims(
    statements: Sequence[StatementProposal], claims: Sequence[ClaimProposal]
) -> list[CounterclaimProposal]:
    """One proposal per aspect and pair of opposing sides: the first claim of each side on that
    aspect stands for it (later ones in the same report repeat it)."""
    first: dict[tuple[str, str], int] = {}
    for index, claim in enumerate(claims):
        side = _side(statements[claim.statement].party)
        if side is not None:
            first.setdefault((claim.aspect, side), index)
    proposals = []
    keys = sorted(first)
    for i, (aspect, side_a) in enumerate(keys):
        for aspect_b, side_b in keys[i + 1 :]:
            if aspect_b != aspect or side_b == side_a:
                continue
            a, b = first[(aspect, side_a)], first[(aspect, side_b)]
            names = (
                statements[claims[a].statement].party.name,
                statements[claims[b].statement].party.name,
            )
            if aspect == Aspect.CASUALTIES and not _same_casualty_side(claims[a], claims[b]):
                continue  # one side's losses against the other's: not the same point
            relation, reason = relate(claims[a], claims[b], names)
            proposals.append(CounterclaimProposal(aspect, a, b, str(relation), reason))
    return proposals


def _same_casualty_side(a: ClaimProposal, b: ClaimProposal) -> bool:
    return a.values.get("casualty_side") == b.values.get("casualty_side")


def relate(
    a: ClaimProposal | dict, b: ClaimProposal | dict, names: tuple[str, str]
) -> tuple[CounterclaimRelation, str]:
    """The relation between two claims (proposals, or stored claims as value dicts)."""
    aspect = _get(a, "aspect")
    va, vb = _values(a), _values(b)
    first, second = names
    if aspect == Aspect.INITIATOR:
        if va.get("accused_side") == vb.get("accused_side"):
            return CounterclaimRelation.CORROBORATES, (
                f"Both {first} and {second} say {va.get('accused_side')} started it."
            )
        return CounterclaimRelation.CONTRADICTS, (
            f"{first} blames {va.get('accused_side')}; {second} blames {vb.get('accused_side')}: "
            "each says the other side started it."
        )
    if aspect == Aspect.TIMING:
        return _relate_times(va, vb, first, second)
    if aspect == Aspect.LOCATION:
        pa, pb = (va.get("place") or "").lower(), (vb.get("place") or "").lower()
        if pa and pa == pb:
            return (
                CounterclaimRelation.CORROBORATES,
                f"Both name the same place: {va.get('place')}.",
            )
        return CounterclaimRelation.QUALIFIES, (
            f"{first} names “{va.get('place')}”; {second} names “{vb.get('place')}”. "
            "Different descriptions, not incompatible."
        )
    if aspect == Aspect.CASUALTIES:
        return _relate_casualties(va, vb, first, second)
    if aspect == Aspect.MEANS:
        ma = {m.strip() for m in (va.get("means") or "").split(",") if m.strip()}
        mb = {m.strip() for m in (vb.get("means") or "").split(",") if m.strip()}
        if ma & mb:
            return CounterclaimRelation.CORROBORATES, f"Both mention {', '.join(sorted(ma & mb))}."
        return CounterclaimRelation.QUALIFIES, (
            f"{first} mentions {', '.join(sorted(ma)) or 'no weapon'}; {second} mentions "
            f"{', '.join(sorted(mb)) or 'no weapon'}."
        )
    if aspect == Aspect.RETALIATION:
        return CounterclaimRelation.CORROBORATES, (
            "Both say their own forces returned fire: an exchange of fire is not in dispute."
        )
    return CounterclaimRelation.QUALIFIES, "Both speak to this aspect; compare the wording."


def _get(claim: ClaimProposal | dict[str, Any], key: str) -> Any:
    return claim.get(key) if isinstance(claim, dict) else getattr(claim, key)


def _values(claim: ClaimProposal | dict) -> dict:
    return claim.get("values", claim) if isinstance(claim, dict) else claim.values


def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _relate_times(va: dict, vb: dict, first: str, second: str) -> tuple[CounterclaimRelation, str]:
    sa, sb = _parse(va.get("time_start")), _parse(vb.get("time_start"))
    if sa is None or sb is None:
        return CounterclaimRelation.QUALIFIES, "Only one account gives a time that can be placed."
    hours = abs((sa - sb).total_seconds()) / 3600
    if hours <= TIME_TOLERANCE_HOURS:
        return CounterclaimRelation.CORROBORATES, (
            f"Both put the start at about {min(sa, sb):%H:%M} UTC."
        )
    earlier, later = (first, second) if sa < sb else (second, first)
    return CounterclaimRelation.CONTRADICTS, (
        f"{earlier} puts the start at {min(sa, sb):%d %b %H:%M} UTC, {later} at "
        f"{max(sa, sb):%d %b %H:%M} UTC: {hours:.1f} hours apart."
    )


def _figures(values: dict) -> dict[str, tuple[int | None, int | None]]:
    return {
        kind: (values.get(f"{kind}_min"), values.get(f"{kind}_max"))
        for kind in ("killed", "wounded")
        if values.get(f"{kind}_min") is not None
    }


def _relate_casualties(
    va: dict, vb: dict, first: str, second: str
) -> tuple[CounterclaimRelation, str]:
    if va.get("casualty_side") != vb.get("casualty_side"):
        return CounterclaimRelation.QUALIFIES, (
            f"{first} speaks of {va.get('casualty_side')} losses, {second} of "
            f"{vb.get('casualty_side')} losses."
        )
    fa, fb = _figures(va), _figures(vb)
    shared = set(fa) & set(fb)
    if not shared:
        return CounterclaimRelation.QUALIFIES, "The accounts give no comparable figures."
    kind = sorted(shared)[0]
    if fa[kind] == fb[kind]:
        return CounterclaimRelation.CORROBORATES, f"Both give {fa[kind][0]} {kind}."
    return CounterclaimRelation.CONTRADICTS, (
        f"{first} gives {fa[kind][0]} {kind}, {second} gives {fb[kind][0]} "
        f"({va.get('casualty_side')} side)."
    )
