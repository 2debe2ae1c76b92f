"""A generated history for a conflict: incidents in which its two belligerent sides' parties
accuse each other, give (and revise) casualty figures, answer each other late or never, and get
verdicts from editors. For the demo (`manage.py load_demo --history`) and the benchmark
(bench/conflict.py). Every generated incident says so in its title and summary.

Deterministic for a seed, so two runs make the same data. Rows are written with bulk inserts
(the database's own triggers, history included, still run)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from tracker.enums import (
    Aspect,
    Channel,
    EditorialState,
    IncidentType,
    PartyKind,
    SideRole,
    TimePrecision,
    Verdict,
)
from tracker.models import Claim, Conflict, Incident, Party, Side, Statement

GENERATED_PREFIX = "[Generated] "
GENERATED_NOTE = "Generated example data (manage.py load_demo --history), not a real incident."
BATCH = 2000
PLACES = ["northern sector", "eastern sector", "southern sector", "border village", "highway"]
VERDICTS = [
    (Verdict.UNVERIFIED, 50),
    (Verdict.CONTESTED, 20),
    (Verdict.CORROBORATED, 12),
    (Verdict.PARTLY_TRUE, 8),
    (Verdict.MISLEADING, 5),
    (Verdict.FALSE, 5),
]


@dataclass
class Speaker:
    side: Side
    party: Party


def _speakers(conflict: Conflict) -> tuple[Speaker, Speaker]:
    """The first two belligerent sides, each with one of its parties (a ministry if any)."""
    speakers = []
    for side in conflict.sides.filter(role=SideRole.BELLIGERENT).order_by("name")[:2]:
        parties = Party.objects.filter(alignments__side=side).order_by("name")
        party = parties.filter(kind=PartyKind.MINISTRY).first() or parties.first()
        if party is None:
            raise ValueError(f"side {side.name} has no party to speak for it")
        speakers.append(Speaker(side, party))
    if len(speakers) < 2:
        raise ValueError(f"{conflict} needs two belligerent sides for a generated history")
    return speakers[0], speakers[1]


def _verdict(rng: random.Random) -> str:
    return rng.choices([v for v, _ in VERDICTS], weights=[w for _, w in VERDICTS])[0].value


def history_generate(
    *,
    conflict: Conflict,
    incidents: int,
    start: datetime,
    days: int = 365,
    seed: int = 2022,
    padding_claims: int = 0,
) -> int:
    """Generate INCIDENTS incidents spread over DAYS from START; PADDING_CLAIMS extra claims per
    statement (location, means, other) let the benchmark reach its claim count. Returns the
    number of claims written."""
    rng = random.Random(seed)  # noqa: S311 - example data, not secrets
    a, b = _speakers(conflict)
    written = 0
    for first in range(0, incidents, BATCH):
        with transaction.atomic():
            written += _batch(
                conflict,
                a,
                b,
                rng,
                range(first, min(first + BATCH, incidents)),
                start,
                days,
                padding_claims,
            )
    return written


def _batch(
    conflict: Conflict,
    a: Speaker,
    b: Speaker,
    rng: random.Random,
    numbers: range,
    start: datetime,
    days: int,
    padding_claims: int,
) -> int:
    types = list(IncidentType)
    plans = []
    for number in numbers:
        occurred = start + timedelta(seconds=rng.uniform(0, days * 86400))
        place = rng.choice(PLACES)
        state = rng.choices(
            [EditorialState.PUBLISHED, EditorialState.IN_REVIEW, EditorialState.DRAFT],
            weights=[85, 10, 5],
        )[0]
        incident = Incident(
            conflict=conflict,
            title=f"{GENERATED_PREFIX}Exchange of fire in the {place}, report {number + 1}",
            summary=GENERATED_NOTE,
            incident_type=rng.choice(types).value,
            occurred_start=occurred,
            time_precision=TimePrecision.HOUR,
            place=place.capitalize(),
            state=state,
        )
        plans.append((incident, occurred))
    Incident.objects.bulk_create([incident for incident, _ in plans])
    statements: list[tuple[Statement, Speaker, Speaker, bool]] = []
    for incident, occurred in plans:
        order = [a, b] if rng.random() < 0.5 else [b, a]
        first_at = occurred + timedelta(minutes=rng.uniform(20, 720))
        speaking = [order[0]] + ([order[1]] if rng.random() < 0.8 else [])
        for turn, speaker in enumerate(speaking):
            other = b if speaker is a else a
            issued = (
                first_at if turn == 0 else first_at + timedelta(hours=rng.lognormvariate(1.5, 1.2))
            )
            statements.append((_statement(incident, speaker, issued), speaker, other, False))
            if rng.random() < 0.1:  # a later statement revising the casualty figures
                later = issued + timedelta(hours=rng.uniform(12, 96))
                statements.append((_statement(incident, speaker, later), speaker, other, True))
    Statement.objects.bulk_create([statement for statement, *_ in statements])
    claims = []
    # (incident, party, victim side) → the figure given first, which a revision raises.
    figures: dict[tuple[int, int, int], tuple[int, int | None, bool]] = {}
    for statement, speaker, other, revision in statements:
        if not revision and rng.random() < 0.85:
            claims.append(
                Claim(
                    statement=statement,
                    aspect=Aspect.INITIATOR,
                    text=f"{other.side.name} opened fire first.",
                    accused_side=other.side,
                    verdict=_verdict(rng),
                )
            )
        for victim in (speaker.side, other.side):
            key = (statement.incident_id, speaker.party.pk, victim.pk)
            if revision and key in figures:
                low, high, killed = figures[key]
                low = low + rng.randint(1, 5)
                high = None if high is None else max(high, low) + rng.randint(0, 3)
            elif not revision and rng.random() < 0.35:
                own = victim == speaker.side
                low = rng.randint(0, 2) if own else rng.randint(1, 15)
                high = None if not own and rng.random() < 0.3 else low + rng.randint(0, 3)
                killed = rng.random() < 0.4
            else:
                continue
            figures[key] = (low, high, killed)
            claims.append(
                Claim(
                    statement=statement,
                    aspect=Aspect.CASUALTIES,
                    text=f"{victim.name}'s losses: {'at least ' if high is None else ''}{low}"
                    f"{'' if high in (None, low) else f'–{high}'} "
                    f"{'killed' if killed else 'wounded'}.",
                    casualty_side=victim,
                    killed_min=low if killed else None,
                    killed_max=high if killed else None,
                    wounded_min=None if killed else low,
                    wounded_max=None if killed else high,
                    verdict=_verdict(rng),
                )
            )
        for extra in range(padding_claims):
            aspect = [Aspect.LOCATION, Aspect.MEANS, Aspect.RETALIATION, Aspect.OTHER][extra % 4]
            claims.append(
                Claim(
                    statement=statement,
                    aspect=aspect,
                    text=f"Generated {aspect.label.lower()} claim {extra + 1}.",
                    verdict=_verdict(rng),
                )
            )
    Claim.objects.bulk_create(claims, batch_size=BATCH)
    return len(claims)


def _statement(incident: Incident, speaker: Speaker, issued: datetime) -> Statement:
    return Statement(
        incident=incident,
        party=speaker.party,
        issued_at=issued,
        channel=Channel.WEBSITE,
        text=f"{GENERATED_NOTE} {speaker.party.name} statement.",
        language="en",
    )
