"""Strict per-instance scores: every labelled statement, claim, casualty figure and
counterclaim must be matched one-to-one by a proposal whose span overlaps its anchor, on the same
side (the key-set scores of evaluation.py only ask whether a kind of thing was found).

Steps: statement (span overlaps the attribution clause, same side: a new-party proposal on
the right side counts, since the editor maps it to the party in one step); claim (overlap, same
aspect and side; same accused side for initiator); timing (the claims of aspect timing alone);
casualty figure (a figure of an overlapping casualties claim: same kind, minimum and victims'
side; "more than N" is labelled N–N and proposed N–open, so the maximum is not compared);
counterclaim (same aspect, relation and pair of sides). Micro-averaged, and per language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tracker.enrich.types import EnrichmentResult, StatementProposal

STRICT_STEPS = ("statement", "claim", "timing", "casualty_figure", "counterclaim")


def statement_side(statement: StatementProposal) -> str | None:
    """The side a statement speaks for, as labels write it: None for third parties."""
    side = statement.party.side
    return side.name if side and side.belligerent else None


def _span(text: str, anchor: str | None) -> tuple[int, int]:
    if anchor is None:  # first-set claims carry no anchor: anywhere in the text
        return 0, len(text)
    start = text.find(anchor)
    if start < 0:
        raise ValueError(f"anchor not in the article: {anchor!r}")
    return start, start + len(anchor)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _match(
    gold: Sequence[Any], predicted: Sequence[Any], same: Callable[[Any, Any], bool]
) -> tuple[int, list[Any], list[Any]]:
    """Greedy one-to-one matching in text order: (matched, missed gold, extra predicted)."""
    used: set[int] = set()
    missed = []
    for item in gold:
        hit = next((i for i, p in enumerate(predicted) if i not in used and same(item, p)), None)
        if hit is None:
            missed.append(item)
        else:
            used.add(hit)
    extra = [p for i, p in enumerate(predicted) if i not in used]
    return len(gold) - len(missed), missed, extra


def strict_scores(
    text: str, label: dict[str, Any], result: EnrichmentResult
) -> dict[str, tuple[int, int, int, list[str]]]:
    """Per step: (true positives, false positives, false negatives, misses in words)."""
    out: dict[str, tuple[int, int, int, list[str]]] = {}
    statements = result.statements
    gold_statements = [
        (_span(text, s["anchor"]), s.get("party"), s.get("side"), s) for s in label["statements"]
    ]
    predicted = [((s.start, s.end), s, statement_side(s)) for s in statements]

    def same_statement(g: Any, p: Any) -> bool:
        (span, _party, side, _), (p_span, _statement, p_side) = g, p
        return _overlaps(span, p_span) and side == p_side

    out["statement"] = _scored(
        *_match(gold_statements, predicted, same_statement),
        lambda g: (
            f"statement missed: {g[1] or g[3].get('speaker')} ({g[2]}): {g[3]['anchor'][:60]}"
        ),
        lambda p: f"statement extra: {p[1].party.name} ({p[2]}): {p[1].excerpt[:60]}",
    )
    gold_claims = [(_span(text, c.get("anchor")), c) for c in label["claims"]]
    claims = [((c.start, c.end), c, statement_side(statements[c.statement])) for c in result.claims]

    def same_claim(g: Any, p: Any) -> bool:
        (span, claim), (p_span, p_claim, p_side) = g, p
        if not _overlaps(span, p_span) or claim["aspect"] != p_claim.aspect:
            return False
        if claim.get("side") != p_side:
            return False
        if claim["aspect"] == "initiator":
            return claim.get("accused_side") == p_claim.values.get("accused_side")
        return True

    out["claim"] = _scored(
        *_match(gold_claims, claims, same_claim),
        lambda g: (
            f"claim missed: {g[1]['aspect']} ({g[1].get('side')}): {g[1].get('anchor', '')[:60]}"
        ),
        lambda p: f"claim extra: {p[1].aspect} ({p[2]}): {p[1].excerpt[:60]}",
    )
    out["timing"] = _scored(
        *_match(
            [g for g in gold_claims if g[1]["aspect"] == "timing"],
            [p for p in claims if p[1].aspect == "timing"],
            same_claim,
        ),
        lambda g: f"timing missed: {g[1].get('anchor', '')[:60]}",
        lambda p: f"timing extra: {p[1].excerpt[:60]} = {p[1].values.get('time_start')}",
    )
    out["casualty_figure"] = _figures(gold_claims, claims)
    out["counterclaim"] = _counterclaims(label, result)
    return out


def _scored(
    tp: int, missed: list, extra: list, say_missed: Callable, say_extra: Callable
) -> tuple[int, int, int, list[str]]:
    return tp, len(extra), len(missed), [*map(say_missed, missed), *map(say_extra, extra)]


def _figures(gold_claims: list, claims: list) -> tuple[int, int, int, list[str]]:
    gold = [
        (span, figure)
        for span, claim in gold_claims
        if claim["aspect"] == "casualties"
        for figure in claim.get("figures", [])
    ]
    predicted = [
        (
            span,
            {"kind": kind, "min": c.values[f"{kind}_min"], "side": c.values.get("casualty_side")},
        )
        for span, c, _side in claims
        if c.aspect == "casualties"
        for kind in ("killed", "wounded")
        if c.values.get(f"{kind}_min") is not None
    ]

    def same(g: Any, p: Any) -> bool:
        return _overlaps(g[0], p[0]) and all(
            g[1].get(k) == p[1][k] for k in ("kind", "min", "side")
        )

    return _scored(
        *_match(gold, predicted, same),
        lambda g: f"figure missed: {g[1]}",
        lambda p: f"figure extra: {p[1]}",
    )


def _counterclaims(label: dict, result: EnrichmentResult) -> tuple[int, int, int, list[str]]:
    sides = {s.get("party") or s.get("speaker"): s.get("side") for s in label["statements"]}
    gold = [
        (
            c["aspect"],
            c["relation"],
            # First-set labels give no parties: any pair of sides.
            frozenset({sides.get(c["a_party"]), sides.get(c["b_party"])})
            if "a_party" in c
            else None,
        )
        for c in label["counterclaims"]
    ]
    predicted = []
    for pair in result.counterclaims:
        if pair.existing_claim_id is not None:
            continue
        a, b = result.claims[pair.first], result.claims[pair.second]
        pair_sides = frozenset(statement_side(result.statements[c.statement]) for c in (a, b))
        predicted.append((pair.aspect, pair.relation, pair_sides))
    return _scored(
        *_match(gold, predicted, lambda g, p: g[:2] == p[:2] and g[2] in (None, p[2])),
        lambda g: f"counterclaim missed: {g[0]} {g[1]} {sorted(map(str, g[2] or ()))}",
        lambda p: f"counterclaim extra: {p[0]} {p[1]} {sorted(map(str, p[2]))}",
    )
