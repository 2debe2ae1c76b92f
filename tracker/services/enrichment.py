"""Enrichment of sources, and editors' decisions on what it proposed.

`source_enrich` is idempotent: a source whose text has not changed since its last finished run
is not enriched again (unless forced), and a new run replaces the undecided proposals of older
ones while decided ones stay as the record. Accepting a proposal creates the real rows through
the existing services (statement_create, claim_create, citation_create, counterclaim_propose and
counterclaim_decide), inside pghistory.context(user=...) so history says who accepted them. Those
services hold what is added to a published incident until an editor approves it."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tracker.enrich.pipeline import enrich_document
from tracker.enrich.types import EnrichmentResult
from tracker.enums import (
    Aspect,
    Channel,
    CounterclaimRelation,
    EnrichmentStatus,
    IncidentType,
    ProposalKind,
    ProposalState,
    TimePrecision,
)
from tracker.models import Claim, Conflict, EnrichmentRun, Incident, Party, Proposal, Side, Source
from tracker.selectors.enrichment import incident_candidates
from tracker.selectors.parties import database_matcher
from tracker.services.claims import (
    claim_create,
    counterclaim_decide,
    counterclaim_may_decide,
    counterclaim_propose,
)
from tracker.services.common import Actor, person, utc_from_local
from tracker.services.incidents import incident_create
from tracker.services.sources import citation_create
from tracker.services.statements import statement_create

logger = logging.getLogger(__name__)
DONE = (EnrichmentStatus.PROPOSED, EnrichmentStatus.NO_PROPOSALS)


def source_enrich(*, source: Source, force: bool = False) -> EnrichmentRun:
    """Run the pipeline on SOURCE and store its proposals (or the reason there are none)."""
    try:
        with transaction.atomic():
            locked = Source.objects.select_for_update().get(pk=source.pk)
            latest = locked.enrichment_runs.first()
            if (
                latest is not None
                and not force
                and latest.status in DONE
                and latest.content_hash == locked.content_hash
            ):
                return latest
            return _run(locked)
    except Exception as exc:
        # A bug must not leave the source looking enriched, nor crash the caller's loop: the
        # failure is recorded and the next scan retries the source.
        logger.exception("enrichment of source %s failed", source.pk)
        return EnrichmentRun.objects.create(
            source=source,
            status=EnrichmentStatus.FAILED,
            detail=f"{type(exc).__name__}: {exc}",
            content_hash=source.content_hash,
            started_at=timezone.now(),
            finished_at=timezone.now(),
        )


def _run(source: Source) -> EnrichmentRun:
    started = timezone.now()
    conflict_id = source.feed.conflict_id if source.feed_id and source.feed else None
    result = enrich_document(
        source.text,
        matcher=database_matcher(conflict_id),
        title=source.title,
        published_at=source.published_at,
        candidates=lambda start, end, conflict: (
            incident_candidates(conflict_id=conflict, start=start, end=end) if conflict else []
        ),
    )
    Proposal.objects.filter(source=source, state=ProposalState.PROPOSED).delete()
    run = EnrichmentRun.objects.create(
        source=source,
        status=EnrichmentStatus.NO_PROPOSALS if result.reason else EnrichmentStatus.PROPOSED,
        reason=result.reason,
        detail=result.detail,
        language=result.language,
        content_hash=source.content_hash,
        timings=result.timings,
        started_at=started,
        finished_at=timezone.now(),
    )
    if not result.reason:
        _store(run, result)
    return run


def _store(run: EnrichmentRun, result: EnrichmentResult) -> None:
    position = 0

    def add(kind: ProposalKind, **fields: Any) -> Proposal:
        nonlocal position
        position += 1
        return Proposal.objects.create(
            run=run, source=run.source, kind=kind, position=position, **fields
        )

    incident = result.incident
    if incident is not None:
        add(ProposalKind.INCIDENT, payload=incident.to_dict(), incident_id=incident.incident_id)
    statements = [
        add(
            ProposalKind.STATEMENT,
            start_offset=s.start,
            end_offset=s.end,
            excerpt=s.excerpt,
            payload=s.to_dict(),
            party_id=s.party.id,
        )
        for s in result.statements
    ]
    claims = [
        add(
            ProposalKind.CLAIM,
            parent=statements[c.statement],
            start_offset=c.start,
            end_offset=c.end,
            excerpt=c.excerpt,
            payload=c.to_dict(),
        )
        for c in result.claims
    ]
    for counterclaim in result.counterclaims:
        other = claims[counterclaim.second] if counterclaim.existing_claim_id is None else None
        add(
            ProposalKind.COUNTERCLAIM,
            parent=claims[counterclaim.first],
            other=other,
            payload=counterclaim.to_dict(),
        )


def _check_open(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.state != ProposalState.PROPOSED:
        raise ValidationError(f"This proposal was already {locked.get_state_display().lower()}.")
    return locked


def _decide(proposal: Proposal, state: ProposalState, user: Actor, **made: Any) -> Proposal:
    for name, value in made.items():
        setattr(proposal, name, value)
    proposal.state = state
    proposal.decided_by = person(user)
    proposal.decided_at = timezone.now()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_dismiss(*, proposal: Proposal, user: Actor, reason: str = "") -> Proposal:
    """Dismissing a statement dismisses its undecided claims and their counterclaims too, for
    the same REASON."""
    with pghistory.context(user=getattr(user, "pk", None), action="dismiss proposal"):
        proposal = _check_open(proposal)
        _decide(proposal, ProposalState.DISMISSED, user, dismissal_reason=reason.strip()[:500])
        for child in Proposal.objects.filter(parent=proposal, state=ProposalState.PROPOSED):
            proposal_dismiss(proposal=child, user=user, reason=reason)
        for pair in Proposal.objects.filter(other=proposal, state=ProposalState.PROPOSED):
            proposal_dismiss(proposal=pair, user=user, reason=reason)
        return proposal


@transaction.atomic
def proposals_dismiss(*, proposal_ids: list[int], user: Actor, reason: str) -> int:
    """The inbox's bulk dismiss: every proposal of PROPOSAL_IDS for one REASON (required), or
    none of them (one already decided by someone else stops the lot). Returns how many were
    dismissed, those dismissed along with a statement included."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why these proposals are dismissed."})
    if not proposal_ids:
        raise ValidationError({"proposal": "Select at least one proposal to dismiss."})
    rows = list(Proposal.objects.filter(pk__in=proposal_ids).order_by("pk"))
    missing = sorted(set(proposal_ids) - {row.pk for row in rows})
    if missing:
        raise ValidationError(
            {"proposal": f"No proposal #{', #'.join(str(pk) for pk in missing)}."}
        )
    decided = [row for row in rows if row.state != ProposalState.PROPOSED]
    if decided:
        raise ValidationError(
            {
                "proposal": " ".join(
                    f"{row.get_kind_display()} proposal #{row.pk} was already "
                    f"{row.get_state_display().lower()}."
                    for row in decided
                )
            }
        )
    before = Proposal.objects.filter(state=ProposalState.DISMISSED).count()
    for row in rows:
        row.refresh_from_db(fields=["state"])
        if row.state == ProposalState.PROPOSED:  # else dismissed above along with its statement
            proposal_dismiss(proposal=row, user=user, reason=reason)
    return Proposal.objects.filter(state=ProposalState.DISMISSED).count() - before


@transaction.atomic
def proposal_accept(
    *, proposal: Proposal, user: Actor, corrections: dict[str, Any] | None = None
) -> Proposal:
    """Accept PROPOSAL as proposed, or as corrected by CORRECTIONS (see docs/enrichment.md)."""
    corrections = corrections or {}
    with pghistory.context(
        user=getattr(user, "pk", None), action="accept proposal", proposal=proposal.pk
    ):
        proposal = _check_open(proposal)
        accept = {
            ProposalKind.INCIDENT: _accept_incident,
            ProposalKind.STATEMENT: _accept_statement,
            ProposalKind.CLAIM: _accept_claim,
            ProposalKind.COUNTERCLAIM: _accept_counterclaim,
        }[ProposalKind(proposal.kind)]
        return accept(proposal, user, corrections)


def _accepted(proposal: Proposal | None, user: Actor) -> Proposal:
    """PROPOSAL, accepted as proposed first if nobody decided it yet (accepting a claim accepts
    its statement, which accepts the report's incident)."""
    if proposal is None:
        raise ValidationError("The proposal this one builds on is gone.")
    proposal.refresh_from_db()
    if proposal.state == ProposalState.PROPOSED:
        return proposal_accept(proposal=proposal, user=user)
    if proposal.state == ProposalState.DISMISSED:
        raise ValidationError(
            f"{proposal.get_kind_display()} proposal #{proposal.pk} was dismissed."
        )
    return proposal


def _accept_incident(proposal: Proposal, user: Actor, corrections: dict[str, Any]) -> Proposal:
    chosen_id = corrections.get(
        "incident_id", proposal.incident_id if "new" not in corrections else None
    )
    if chosen_id:
        incident = Incident.objects.live().filter(pk=chosen_id).first()
        if incident is None:
            raise ValidationError({"incident_id": f"No live incident #{chosen_id}."})
        return _decide(proposal, ProposalState.CONFIRMED, user, incident=incident)
    new = {
        **proposal.payload.get("new", {}),
        **{k: v for k, v in corrections.items() if k != "new"},
    }
    conflict = _conflict(proposal)
    start = (
        new.get("occurred_start") or (proposal.source.published_at or timezone.now()).isoformat()
    )
    end = new.get("occurred_end")
    incident = incident_create(
        conflict=conflict,
        title=(new.get("title") or proposal.source.title or "Untitled incident")[:300],
        incident_type=_incident_type(proposal.source.text),
        occurred_start=_dt(start),
        occurred_end=_dt(end) if end else None,
        time_precision=TimePrecision(new.get("time_precision") or TimePrecision.DAY),
        local_timezone=new.get("local_timezone", ""),
        place=new.get("place", "")[:300],
    )
    return _decide(proposal, ProposalState.CONFIRMED, user, incident=incident)


def _conflict(proposal: Proposal) -> Conflict:
    source = proposal.source
    if source.feed is not None and source.feed.conflict is not None:
        return source.feed.conflict
    party_ids = proposal.run.proposals.exclude(party=None).values_list("party_id", flat=True)
    conflict = Conflict.objects.filter(sides__alignments__party_id__in=party_ids).first()
    if conflict is None:
        raise ValidationError("None of the proposed parties has a side in a conflict.")
    return conflict


def _incident_type(text: str) -> IncidentType:
    lowered = text.lower()
    if any(
        w in lowered for w in ("cease-fire", "ceasefire", "truce", "прекращения огня", "ateşkes")
    ):
        return IncidentType.CEASEFIRE_VIOLATION
    if any(w in lowered for w in ("shelling", "shelled", "обстрел")):
        return IncidentType.SHELLING
    return IncidentType.ARMED_CLASH


def _dt(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _accept_statement(proposal: Proposal, user: Actor, corrections: dict[str, Any]) -> Proposal:
    incident_proposal = proposal.run.proposals.filter(kind=ProposalKind.INCIDENT).first()
    if incident_proposal is None:
        raise ValidationError("This report has no incident proposal to attach the statement to.")
    incident = _accepted(incident_proposal, user).incident
    if incident is None:
        raise ValidationError("The report's incident proposal was accepted without an incident.")
    party = proposal.party
    if corrections.get("party_id"):
        party = Party.objects.filter(pk=corrections["party_id"]).first()
    if party is None:
        raise ValidationError({"party_id": "Choose the party that made this statement."})
    start, end = _span(proposal, corrections)
    source = proposal.source
    payload = proposal.payload
    quote = payload.get("quote")
    text = corrections.get("text") or (
        source.text[quote[0] + 1 : quote[1] - 1].strip(' ,."“”«»')
        if quote
        else source.text[start:end]
    )
    channel = corrections.get("channel") or payload.get("channel") or Channel.OTHER
    statement = statement_create(
        incident=incident,
        party=party,
        text=text,
        channel=Channel(channel),
        original_url=source.url,
        language=proposal.run.language,
        reported_by=source.outlet,
        user=user,
    )
    citation_create(
        source=source,
        excerpt=source.text[start:end],
        start_offset=start,
        statement=statement,
        added_by=user,
    )
    return _decide(
        proposal,
        ProposalState.CONFIRMED,
        user,
        statement=statement,
        party=party,
        start_offset=start,
        end_offset=end,
        excerpt=source.text[start:end],
    )


def _span(proposal: Proposal, corrections: dict[str, Any]) -> tuple[int, int]:
    start = int(corrections.get("start_offset", proposal.start_offset or 0))
    end = int(corrections.get("end_offset", proposal.end_offset or 0))
    if not 0 <= start < end <= len(proposal.source.text):
        raise ValidationError(
            {"start_offset": f"{start}–{end} is not a span of the source's text."}
        )
    return start, end


STRUCTURED = {
    Aspect.INITIATOR: ("accused_side",),
    Aspect.TIMING: ("time_start", "time_end", "time_precision"),
    Aspect.LOCATION: ("place",),
    Aspect.CASUALTIES: ("killed_min", "killed_max", "wounded_min", "wounded_max", "casualty_side"),
}


def _accept_claim(proposal: Proposal, user: Actor, corrections: dict[str, Any]) -> Proposal:
    statement = _accepted(proposal.parent, user).statement
    if statement is None:
        raise ValidationError("The claim's statement proposal was accepted without a statement.")
    aspect = Aspect(corrections.get("aspect", proposal.payload["aspect"]))
    corrected = corrections.get("values", {})
    zone = statement.incident.local_timezone
    values: dict[str, Any] = {
        **proposal.payload.get("values", {}),
        **corrected,
        # A person types times as wall-clock in the incident's zone, as on every form.
        **{
            name: utc_from_local(local=corrected[name], zone=zone, field=name)
            for name in ("time_start", "time_end")
            if corrected.get(name)
        },
    }
    fields: dict[str, Any] = {}
    for name in STRUCTURED.get(aspect, ()):
        value: Any = values.get(name)
        if value in (None, ""):
            continue
        if name in ("accused_side", "casualty_side"):
            value = Side.objects.filter(conflict=statement.incident.conflict, name=value).first()
        elif name in ("time_start", "time_end"):
            value = _dt(value)
        fields[name] = value
    start, end = _span(proposal, corrections)
    text = (
        corrections.get("text") or proposal.payload.get("text") or proposal.source.text[start:end]
    )
    claim = claim_create(statement=statement, aspect=aspect, text=text, user=user, **fields)
    citation_create(
        source=proposal.source,
        excerpt=proposal.source.text[start:end],
        start_offset=start,
        claim=claim,
        added_by=user,
    )
    return _decide(
        proposal,
        ProposalState.CONFIRMED,
        user,
        claim=claim,
        start_offset=start,
        end_offset=end,
        excerpt=proposal.source.text[start:end],
    )


def _accept_counterclaim(proposal: Proposal, user: Actor, corrections: dict[str, Any]) -> Proposal:
    first = _accepted(proposal.parent, user).claim
    if proposal.other_id:
        second = _accepted(proposal.other, user).claim
    else:
        second = Claim.objects.get(pk=proposal.payload["existing_claim_id"])
    if first is None or second is None:
        raise ValidationError("A claim proposal of this pair was accepted without a claim.")
    relation = CounterclaimRelation(corrections.get("relation", proposal.payload["relation"]))
    counterclaim = counterclaim_propose(
        first=first,
        second=second,
        relation=relation,
        reason=proposal.payload.get("reason", ""),
        user=user,
    )
    # A journalist's acceptance proposes the pair to the editors; an editor's decides it.
    if counterclaim_may_decide(user):
        counterclaim_decide(
            counterclaim=counterclaim, state=ProposalState.CONFIRMED, user=user, relation=relation
        )
    return _decide(proposal, ProposalState.CONFIRMED, user, counterclaim=counterclaim)
