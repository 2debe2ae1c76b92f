"""Reads for enrichment: which sources need a run, and the inbox's sources with proposals."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from tracker.enrich.incidents import CANDIDATE_WINDOW
from tracker.enrich.types import IncidentCandidate
from tracker.enums import EnrichmentStatus, ProposalKind, ProposalState
from tracker.models import Claim, Conflict, EnrichmentRun, Incident, Proposal, Source, Statement
from tracker.selectors.parties import party_sides_by_id


def sources_to_enrich(*, limit: int = 200) -> QuerySet[Source]:
    """Sources never enriched, or whose text changed since their latest run."""
    latest_hash = Subquery(
        EnrichmentRun.objects.filter(source=OuterRef("pk"))
        .order_by("-started_at", "-id")
        .values("content_hash")[:1]
    )
    return (
        Source.objects.annotate(latest_hash=latest_hash)
        .filter(Q(latest_hash__isnull=True) | ~Q(latest_hash=F("content_hash")))
        .order_by("created_at", "id")[:limit]
    )


def inbox_sources(*, include_decided: bool = False) -> QuerySet[Source]:
    """Sources with undecided proposals (or any proposals), newest first, with everything the
    inbox shows prefetched so the page costs a fixed number of queries."""
    undecided = Proposal.objects.filter(source=OuterRef("pk"), state=ProposalState.PROPOSED)
    sources = Source.objects.all() if include_decided else Source.objects.filter(Exists(undecided))
    proposals = Proposal.objects.select_related(
        "party", "incident", "statement", "claim", "counterclaim", "decided_by"
    ).order_by("position", "id")
    return (
        sources.filter(Exists(Proposal.objects.filter(source=OuterRef("pk"))))
        .select_related("outlet")
        .prefetch_related(Prefetch("proposals", queryset=proposals))
        .order_by("-created_at", "-id")
    )


def latest_runs(*, sources: list[Source]) -> dict[int, EnrichmentRun]:
    runs: dict[int, EnrichmentRun] = {}
    for run in EnrichmentRun.objects.filter(source__in=sources).order_by(
        "source_id", "-started_at", "-id"
    ):
        runs.setdefault(run.source_id, run)
    return runs


def inbox_card(*, source: Source) -> dict:
    """One source's proposals arranged as the inbox shows them: the incident, each statement
    with its claims (their spans marked inside the statement's excerpt), the counterclaims."""
    proposals = list(source.proposals.all())
    by_parent: dict[int | None, list[Proposal]] = {}
    for proposal in proposals:
        by_parent.setdefault(proposal.parent_id, []).append(proposal)
    statements = []
    for proposal in proposals:
        if proposal.kind != ProposalKind.STATEMENT:
            continue
        claims = [c for c in by_parent.get(proposal.pk, []) if c.kind == ProposalKind.CLAIM]
        statements.append(
            {"proposal": proposal, "claims": claims, "segments": _segments(proposal, claims)}
        )
    return {
        "source": source,
        "incident": next((p for p in proposals if p.kind == ProposalKind.INCIDENT), None),
        "statements": statements,
        "counterclaims": [p for p in proposals if p.kind == ProposalKind.COUNTERCLAIM],
        "claims_by_id": {p.pk: p for p in proposals if p.kind == ProposalKind.CLAIM},
        "zone": incident_zone(
            next((p for p in proposals if p.kind == ProposalKind.INCIDENT), None)
        ),
        "open": sum(p.state == ProposalState.PROPOSED for p in proposals),
    }


def incident_zone(incident: Proposal | None) -> str:
    """The zone of the incident a report's proposals go to, given its INCIDENT proposal: the
    chosen incident's, or the one proposed for a new incident ("" for none: UTC). The inbox
    shows and takes a claim's times in it, as every form does."""
    if incident is None:
        return ""
    if incident.incident is not None:
        return incident.incident.local_timezone
    return str(incident.payload.get("new", {}).get("local_timezone") or "")


def proposal_zone(*, proposal: Proposal) -> str:
    """incident_zone of PROPOSAL's report."""
    return incident_zone(
        proposal.run.proposals.filter(kind=ProposalKind.INCIDENT).select_related("incident").first()
    )


def _segments(statement: Proposal, claims: list[Proposal]) -> list[tuple[str, str]]:
    """The statement's excerpt cut into (text, aspect) pieces; aspect is "" outside claims."""
    text, base = statement.excerpt, statement.start_offset or 0
    # Shortest spans first: a place inside the initiator's clause stays visible.
    chosen: list[tuple[int, int, str]] = []
    for claim in sorted(claims, key=lambda c: (c.end_offset or 0) - (c.start_offset or 0)):
        start, end = (claim.start_offset or 0) - base, (claim.end_offset or 0) - base
        if start < 0 or end > len(text) or any(s < end and start < e for s, e, _ in chosen):
            continue
        chosen.append((start, end, claim.payload.get("aspect", "")))
    pieces, cursor = [], 0
    for start, end, aspect in sorted(chosen):
        if start > cursor:
            pieces.append((text[cursor:start], ""))
        pieces.append((text[start:end], aspect))
        cursor = end
    if cursor < len(text):
        pieces.append((text[cursor:], ""))
    return pieces


def recent_empty_runs(*, limit: int = 10) -> QuerySet[EnrichmentRun]:
    """Latest runs that proposed nothing or failed, with their reasons, for the inbox's footer."""
    return (
        EnrichmentRun.objects.exclude(
            status__in=[EnrichmentStatus.PROPOSED, EnrichmentStatus.RUNNING]
        )
        .select_related("source")
        .order_by("-started_at", "-id")[:limit]
    )


def incident_candidates(
    *, conflict_id: int, start: datetime | None, end: datetime | None, limit: int = 50
) -> list[IncidentCandidate]:
    """Live incidents of the conflict whose time is near the report's, with what ranking reads."""
    conflict = Conflict.objects.get(pk=conflict_id)
    sides = party_sides_by_id(conflict=conflict)

    incidents = Incident.objects.live().filter(conflict_id=conflict_id)
    if start is not None:
        incidents = incidents.filter(
            occurred_start__gte=start - CANDIDATE_WINDOW,
            occurred_start__lte=(end or start) + CANDIDATE_WINDOW,
        )
    incidents = incidents.prefetch_related(
        Prefetch(
            "statements",
            queryset=Statement.objects.select_related("party").prefetch_related(
                Prefetch(
                    "claims", queryset=Claim.objects.select_related("accused_side", "casualty_side")
                )
            ),
        )
    ).order_by("-occurred_start")[:limit]
    result = []
    for incident in incidents:
        statements = list(incident.statements.all())
        claims = [
            {
                "id": claim.pk,
                "aspect": claim.aspect,
                "party": statement.party.name,
                "party_id": statement.party_id,
                "place": claim.place,
                "side": sides[statement.party_id].name if statement.party_id in sides else None,
                "accused_side": claim.accused_side.name if claim.accused_side else None,
                "casualty_side": claim.casualty_side.name if claim.casualty_side else None,
                "killed_min": claim.killed_min,
                "killed_max": claim.killed_max,
                "wounded_min": claim.wounded_min,
                "wounded_max": claim.wounded_max,
                "time_start": claim.time_start,
                "time_end": claim.time_end,
            }
            for statement in statements
            for claim in statement.claims.all()
        ]
        text = " ".join([incident.title, incident.summary, *(s.text for s in statements)])
        result.append(
            IncidentCandidate(
                id=incident.pk,
                title=incident.title,
                start=incident.occurred_start,
                end=incident.occurred_end,
                place=incident.place,
                party_names=frozenset(s.party.name for s in statements),
                text=text,
                claims=claims,
            )
        )
    return result
