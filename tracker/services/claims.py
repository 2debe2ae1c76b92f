from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.enums import Aspect, CounterclaimRelation, ProposalState, Verdict
from tracker.models import Claim, Counterclaim, Statement
from tracker.selectors.parties import party_side
from tracker.services.common import save_validated, update_versioned
from tracker.services.webhooks import claim_verdict_changed, counterclaim_confirmed


@transaction.atomic
def claim_create(*, statement: Statement, aspect: Aspect, text: str, **values: Any) -> Claim:
    """VALUES are the aspect's structured fields (killed_min, time_start, place, ...)."""
    return save_validated(Claim(statement=statement, aspect=aspect, text=text, **values))


@transaction.atomic
def claim_update(*, claim: Claim, expected_version: int | None, **fields: Any) -> Claim:
    return update_versioned(claim, expected_version=expected_version, fields=fields)


@transaction.atomic
def claim_set_verdict(
    *, claim: Claim, verdict: Verdict, note: str = "", expected_version: int | None = None
) -> Claim:
    """An editor's verdict applies at once, also on a published incident: it is the review act
    itself. Subscribers of a published incident hear of the change."""
    previous = claim.verdict
    claim = update_versioned(
        claim, expected_version=expected_version, fields={"verdict": verdict, "verdict_note": note}
    )
    claim_verdict_changed(claim=claim, previous=previous)
    return claim


def _validate_pair(first: Claim, second: Claim) -> None:
    """The same rules as the database trigger, with messages a person can act on."""
    if first.pk == second.pk:
        raise ValidationError("A claim cannot be paired with itself.")
    if first.statement.incident_id != second.statement.incident_id:
        raise ValidationError("The two claims belong to different incidents.")
    if first.aspect != second.aspect:
        raise ValidationError(
            f"The two claims are about different aspects ({first.get_aspect_display()} and "
            f"{second.get_aspect_display()})."
        )
    conflict = first.statement.incident.conflict
    side_a = party_side(party=first.statement.party, conflict=conflict)
    side_b = party_side(party=second.statement.party, conflict=conflict)
    if side_a is None or side_b is None or side_a == side_b:
        raise ValidationError("The two claims are not by parties on opposing sides.")


@transaction.atomic
def counterclaim_propose(
    *, first: Claim, second: Claim, relation: CounterclaimRelation, reason: str = ""
) -> Counterclaim:
    """Propose a relation between two claims; proposing the same pair again returns the
    existing row unchanged, so re-running a proposer is harmless."""
    _validate_pair(first, second)
    claim_a, claim_b = sorted((first, second), key=lambda claim: claim.pk)
    existing = Counterclaim.objects.filter(claim_a=claim_a, claim_b=claim_b).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Counterclaim.objects.create(
                claim_a=claim_a, claim_b=claim_b, relation=relation, reason=reason
            )
    except IntegrityError:
        # Another writer proposed the same pair between our check and our insert.
        return Counterclaim.objects.get(claim_a=claim_a, claim_b=claim_b)


@transaction.atomic
def counterclaim_decide(
    *,
    counterclaim: Counterclaim,
    state: ProposalState,
    user: Any,
    relation: CounterclaimRelation | None = None,
) -> Counterclaim:
    if state == ProposalState.PROPOSED:
        raise ValidationError("A decision confirms or dismisses.")
    counterclaim.state = state
    if relation is not None:
        counterclaim.relation = relation
    counterclaim.decided_by = user
    counterclaim.decided_at = timezone.now()
    counterclaim.save(update_fields=["state", "relation", "decided_by", "decided_at", "updated_at"])
    if state == ProposalState.CONFIRMED:
        counterclaim_confirmed(counterclaim=counterclaim)
    return counterclaim


@transaction.atomic
def claim_delete(*, claim: Claim) -> None:
    """Delete CLAIM with its citations and counterclaims (restorable from history)."""
    claim.delete()
