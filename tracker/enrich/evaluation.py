"""Scores the pipeline against labelled sets: precision, recall and F1 per step, overall and per
language, two ways. Key-set scores (the first measure, kept for comparison): party (the set of
speaking parties), statement, aspect (party, aspect, accused side), casualty figure,
counterclaim relation, each as a set per article. Strict scores (strict.py): every labelled
instance matched one-to-one by span overlap and side.

Label format (one JSON file per article): `article` (path relative to the repository),
`published_at`, and the `statements` (party + an `anchor` substring of the statement),
`claims` (party, aspect, `accused_side` for initiator, `figures` for casualties) and
`counterclaims` (aspect + relation) a careful editor marks. Corpus labels add `conflict`,
`language`, `side` on statements and claims, `speaker` for a speaker no configured party covers
(`party` null), and anchor into the text from its line 3 (line 1 is the collector's label)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tracker.enrich.parties import PartyMatcher
from tracker.enrich.pipeline import enrich_document
from tracker.enrich.strict import STRICT_STEPS, strict_scores
from tracker.enrich.types import EnrichmentResult
from tracker.text.documents import load_document

STEPS = ("party", "statement", "aspect", "casualty_figure", "counterclaim")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class ArticleReport:
    name: str
    scores: dict[str, Score]
    misses: list[str] = field(default_factory=list)
    result: EnrichmentResult | None = None
    strict: dict[str, Score] = field(default_factory=dict)
    language: str = ""


def _sets(gold: set, predicted: set, misses: list[str], step: str) -> Score:
    for item in sorted(map(str, gold - predicted)):
        misses.append(f"{step} missed: {item}")
    for item in sorted(map(str, predicted - gold)):
        misses.append(f"{step} extra: {item}")
    return Score(len(gold & predicted), len(predicted - gold), len(gold - predicted))


def _claim_keys(claims: Iterable[dict[str, Any]]) -> tuple[set, set]:
    aspects, figures = set(), set()
    for claim in claims:
        side = claim.get("accused_side") if claim["aspect"] == "initiator" else None
        aspects.add((claim["party"], claim["aspect"], side))
        for figure in claim.get("figures", []):
            figures.add(
                (claim["party"], figure["kind"], figure["min"], figure["max"], figure["side"])
            )
    return aspects, figures


def predicted_claims(result: EnrichmentResult) -> list[dict[str, Any]]:
    claims = []
    for claim in result.claims:
        values = claim.values
        figures = [
            {
                "kind": kind,
                "min": values[f"{kind}_min"],
                "max": values.get(f"{kind}_max"),
                "side": values.get("casualty_side"),
            }
            for kind in ("killed", "wounded")
            if values.get(f"{kind}_min") is not None
        ]
        party = result.statements[claim.statement].party
        claims.append(
            {
                "party": None if party.new else party.name,
                "aspect": claim.aspect,
                "accused_side": values.get("accused_side"),
                "figures": figures,
            }
        )
    return claims


def _published(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def evaluate_article(label_path: Path, root: Path, matcher: PartyMatcher) -> ArticleReport:
    label = json.loads(label_path.read_text(encoding="utf-8"))
    text = load_document((root / label["article"]).read_text(encoding="utf-8", errors="replace"))
    if "conflict" in label:  # a corpus text: lines 1-2 are the collector's label
        text = text.split("\n", 2)[2] if text.count("\n") >= 2 else ""
    result = enrich_document(
        text, matcher=matcher, published_at=_published(label.get("published_at"))
    )
    misses: list[str] = []
    scores = {
        "party": _sets(
            {s["party"] for s in label["statements"]},
            {None if s.party.new else s.party.name for s in result.statements},
            misses,
            "party",
        ),
        "statement": _statements(text, label["statements"], result, misses),
    }
    gold_aspects, gold_figures = _claim_keys(label["claims"])
    pred_aspects, pred_figures = _claim_keys(predicted_claims(result))
    scores["aspect"] = _sets(gold_aspects, pred_aspects, misses, "aspect")
    scores["casualty_figure"] = _sets(gold_figures, pred_figures, misses, "figure")
    scores["counterclaim"] = _sets(
        {(c["aspect"], c["relation"]) for c in label["counterclaims"]},
        {(c.aspect, c.relation) for c in result.counterclaims if c.existing_claim_id is None},
        misses,
        "counterclaim",
    )
    _fill_sides(label, matcher)
    strict = {}
    for step, (tp, fp, fn, said) in strict_scores(text, label, result).items():
        strict[step] = Score(tp, fp, fn)
        misses.extend(f"strict {line}" for line in said)
    language = label.get("language") or result.language
    return ArticleReport(label_path.stem, scores, misses, result, strict, language)


def _fill_sides(label: dict[str, Any], matcher: PartyMatcher) -> None:
    """First-set labels name the party only: its side comes from the parties' data."""
    for item in [*label["statements"], *label["claims"]]:
        if "side" not in item:
            party = matcher.by_name(item.get("party") or "")
            side = party.side if party else None
            item["side"] = side.name if side and side.belligerent else None


def _statements(text: str, gold: list[dict], result: EnrichmentResult, misses: list[str]) -> Score:
    used: set[int] = set()
    score = Score()
    for item in gold:
        start = text.find(item["anchor"])
        if start < 0:
            raise ValueError(f"anchor not in the article: {item['anchor']!r}")
        end = start + len(item["anchor"])
        match = next(
            (
                i
                for i, s in enumerate(result.statements)
                if i not in used
                and (None if s.party.new else s.party.name) == item["party"]
                and s.start < end
                and start < s.end
            ),
            None,
        )
        if match is None:
            score.fn += 1
            misses.append(f"statement missed: {item['party']}: {item['anchor'][:60]}")
        else:
            used.add(match)
            score.tp += 1
    for i, statement in enumerate(result.statements):
        if i not in used:
            score.fp += 1
            misses.append(f"statement extra: {statement.party.name}: {statement.excerpt[:60]}")
    return score


def label_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.json")) if path.is_dir() else [path]


def evaluate(
    path: Path, root: Path, matcher: PartyMatcher
) -> tuple[list[ArticleReport], dict[str, Score]]:
    reports = [evaluate_article(p, root, matcher) for p in label_files(path)]
    return reports, totals(reports, "scores", STEPS)


def totals(reports: list[ArticleReport], kind: str, steps: tuple[str, ...]) -> dict[str, Score]:
    """Micro-averaged scores per step and overall, of KIND ("scores": key sets; "strict")."""
    summed = {step: Score() for step in (*steps, "overall")}
    for report in reports:
        for step, score in getattr(report, kind).items():
            summed[step].add(score)
            summed["overall"].add(score)
    return summed


def by_language(reports: list[ArticleReport]) -> dict[str, dict[str, Score]]:
    """Strict scores per language."""
    languages = sorted({r.language for r in reports})
    return {
        language: totals([r for r in reports if r.language == language], "strict", STRICT_STEPS)
        for language in languages
    }


def seed_check(report: ArticleReport) -> dict[str, bool]:
    """The issue's bar on the running example: both ministries' statements with the right party,
    and the four disputed aspects with the right side."""
    result = report.result
    assert result is not None
    parties = {s.party.name for s in result.statements}
    claims = predicted_claims(result)

    def has(party: str, aspect: str, **want: Any) -> bool:
        return any(
            c["party"] == party
            and c["aspect"] == aspect
            and all(c.get(k) == v for k, v in want.items())
            for c in claims
        )

    am, az = "Ministry of Defence of Armenia", "Ministry of Defence of Azerbaijan"
    casualty_armenia = any(
        c["party"] == am
        and c["aspect"] == "casualties"
        and any(f["side"] == "Armenia" for f in c["figures"])
        for c in claims
    )
    return {
        "Armenian ministry's statement": am in parties,
        "Azerbaijani ministry's statement": az in parties,
        "initiator: each blames the other": has(am, "initiator", accused_side="Azerbaijan")
        and has(az, "initiator", accused_side="Armenia"),
        "timing from both": has(am, "timing") and has(az, "timing"),
        "location from both": has(am, "location") and has(az, "location"),
        "casualties: one Armenian wounded": casualty_armenia,
    }
