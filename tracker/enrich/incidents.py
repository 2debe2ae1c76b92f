"""Step 4: which incident the report is about — an existing one, ranked by time overlap, place,
parties and wording, or a new one. Every score keeps its parts so an editor sees why."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from tracker.enrich.timing import country_zone
from tracker.enrich.types import (
    ClaimProposal,
    IncidentCandidate,
    IncidentProposal,
    StatementProposal,
)
from tracker.enums import Aspect, TimePrecision

WEIGHTS = {"time": 0.35, "text": 0.3, "parties": 0.2, "place": 0.15}
THRESHOLD = 0.5
SLACK = timedelta(hours=12)
WORD = re.compile(r"\w{4,}")
CANDIDATE_WINDOW = timedelta(days=7)


def tokens(text: str) -> Counter[str]:
    return Counter(w.lower() for w in WORD.findall(text) if not w.isdigit())


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[word] for word, count in a.items() if word in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def document_window(
    claims: Sequence[ClaimProposal], published: datetime | None
) -> tuple[datetime | None, datetime | None, str]:
    starts, ends = [], []
    for claim in claims:
        if claim.aspect == Aspect.TIMING and claim.values.get("time_start"):
            starts.append(datetime.fromisoformat(claim.values["time_start"]))
            end = claim.values.get("time_end") or claim.values["time_start"]
            ends.append(datetime.fromisoformat(end))
    if starts:
        exact = all(
            c.values.get("time_precision") == TimePrecision.EXACT
            for c in claims
            if c.aspect == Aspect.TIMING
        )
        precision = TimePrecision.EXACT if exact and len(starts) == 1 else TimePrecision.APPROXIMATE
        return min(starts), max(ends), str(precision)
    if published is not None:
        return published - timedelta(days=1), published, str(TimePrecision.DAY)
    return None, None, str(TimePrecision.DAY)


def _time_score(
    start: datetime | None, end: datetime | None, candidate: IncidentCandidate
) -> float:
    if start is None or end is None or candidate.start is None:
        return 0.0
    c_end = candidate.end or candidate.start + timedelta(days=1)
    gap = max(
        (candidate.start - (end + SLACK)).total_seconds(),
        ((start - SLACK) - c_end).total_seconds(),
        0,
    )
    return round(math.exp(-gap / 3600 / 24), 3)


def rank_incidents(
    *,
    text: str,
    title: str,
    statements: Sequence[StatementProposal],
    claims: Sequence[ClaimProposal],
    candidates: Sequence[IncidentCandidate],
    published: datetime | None,
) -> IncidentProposal:
    start, end, precision = document_window(claims, published)
    parties = {s.party.name for s in statements}
    places = " ".join(c.values.get("place", "") for c in claims if c.aspect == Aspect.LOCATION)
    doc_tokens = tokens(text)
    place_tokens = set(tokens(places))
    ranking: list[dict[str, Any]] = []
    for candidate in candidates:
        cand_places = set(
            tokens(candidate.place + " " + " ".join(c.get("place", "") for c in candidate.claims))
        )
        union = parties | candidate.party_names
        parts = {
            "time": _time_score(start, end, candidate),
            "text": round(cosine(doc_tokens, tokens(candidate.text)), 3),
            "parties": round(len(parties & candidate.party_names) / len(union), 3)
            if union
            else 0.0,
            "place": round(len(place_tokens & cand_places) / len(place_tokens | cand_places), 3)
            if place_tokens | cand_places
            else 0.0,
        }
        score = round(sum(WEIGHTS[k] * v for k, v in parts.items()), 3)
        ranking.append(
            {"incident_id": candidate.id, "title": candidate.title, "score": score, "parts": parts}
        )
    ranking.sort(key=lambda r: (-r["score"], r["incident_id"]))
    first_location = next((c for c in claims if c.aspect == Aspect.LOCATION), None)
    side = statements[0].party.side if statements else None
    new: dict[str, Any] = {
        "title": (title or (statements[0].excerpt if statements else ""))[:300],
        "occurred_start": start.isoformat() if start else None,
        "occurred_end": end.isoformat() if end and end != start else None,
        "time_precision": precision,
        "place": first_location.values.get("place", "") if first_location else "",
        "local_timezone": country_zone(side.country_code) if side else "",
    }
    if ranking and ranking[0]["score"] >= THRESHOLD:
        best = ranking[0]
        return IncidentProposal(
            best["incident_id"], best["title"], best["score"], best["parts"], ranking[:5], new
        )
    top = ranking[0] if ranking else None
    return IncidentProposal(
        None,
        new["title"],
        top["score"] if top else 0.0,
        top["parts"] if top else {},
        ranking[:5],
        new,
    )
