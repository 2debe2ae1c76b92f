"""Reads for enrichment: which sources need a run, and the inbox's sources with proposals."""

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from tracker.enums import EnrichmentStatus, ProposalKind, ProposalState
from tracker.models import EnrichmentRun, Proposal, Source


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
        "open": sum(p.state == ProposalState.PROPOSED for p in proposals),
    }


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
