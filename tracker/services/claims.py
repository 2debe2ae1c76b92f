from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.enums import Aspect, CounterclaimRelation, ProposalState, Verdict
from tracker.models import (
    Citation,
    Claim,
    Counterclaim,
    Incident,
    PendingRevision,
    Source,
    Statement,
)
from tracker.selectors.parties import party_side
from tracker.services.common import Actor, person, update_versioned, utc_from_local
from tracker.services.revisions import addition_save, deletion_submit, edit_submit
from tracker.services.sources import citation_create
from tracker.services.statements import statement_create_reported
from tracker.services.webhooks import claim_verdict_changed, counterclaim_confirmed


@transaction.atomic
def claim_create(
    *, statement: Statement, aspect: Aspect, text: str, user: Actor = None, **values: Any
) -> Claim:
    """VALUES are the aspect's structured fields (killed_min, time_start, place, ...). Held for
    approval in a published incident (see addition_save)."""
    return addition_save(
        obj=Claim(statement=statement, aspect=aspect, text=text, **values), user=user
    )


def claim_create_reported(*, zone: str, **values: Any) -> Claim:
    """claim_create with the claim's times as a report gives them: wall-clock time_start and
    time_end in the IANA ZONE (the incident's), kept in UTC."""
    for name in ("time_start", "time_end"):
        if values.get(name):
            values[name] = utc_from_local(local=values[name], zone=zone, field=name)
    return claim_create(**values)


class ClaimRefused(ValidationError):
    """A claim of statement_create_with_claims refused: ASPECT says which one, so the person
    sees the message beside that claim's fields."""

    def __init__(self, aspect: Aspect, error: ValidationError) -> None:
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.aspect = aspect


@transaction.atomic
def statement_create_with_claims(
    *, zone: str, claims: dict[Aspect, dict[str, Any]], user: Actor = None, **statement: Any
) -> Statement:
    """A statement and the claims it makes, one per aspect (each CLAIMS value: the claim's text
    and that aspect's values, times wall-clock in ZONE), as one change: all or nothing."""
    created = statement_create_reported(user=user, **statement)
    for aspect, values in claims.items():
        try:
            claim_create_reported(zone=zone, statement=created, aspect=aspect, user=user, **values)
        except ValidationError as error:
            raise ClaimRefused(aspect, error) from error
    return created


def claim_create_with_citation(
    *,
    statement: Statement,
    aspect: Aspect,
    text: str,
    source: Source,
    excerpt: str,
    start_offset: int | None = None,
    user: Any = None,
) -> Citation:
    """A new claim and the passage of SOURCE that supports it are one change: both or neither
    (a claim the citation then refuses would be left uncited)."""
    with transaction.atomic():
        claim = claim_create(statement=statement, aspect=aspect, text=text, user=user)
        return citation_create(
            source=source, excerpt=excerpt, start_offset=start_offset, claim=claim, added_by=user
        )


@transaction.atomic
def claim_update(
    *, claim: Claim, expected_version: int | None, user: Actor = None, **fields: Any
) -> PendingRevision | None:
    """Held for approval in a published incident (see edit_submit)."""
    return edit_submit(obj=claim, user=user, expected_version=expected_version, fields=fields)


@transaction.atomic
def claim_delete(*, claim: Claim, user: Actor) -> PendingRevision | None:
    """With its citations and counterclaims; held for approval in a published incident."""
    return deletion_submit(obj=claim, user=user)


@transaction.atomic
def claim_set_verdict(
    *, claim: Claim, verdict: Verdict, note: str = "", expected_version: int | None = None
) -> Claim:
    """An editor's verdict applies at once, also on a published incident: it is the review act
    itself. Subscribers of a published incident hear of the change, and its public "Last
    updated" moves (unless the claim is still awaiting approval, and so not public)."""
    previous = claim.verdict
    claim = update_versioned(
        claim, expected_version=expected_version, fields={"verdict": verdict, "verdict_note": note}
    )
    if not claim.held:
        Incident.objects.filter(pk=claim.statement.incident_id).update(updated_at=timezone.now())
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
    *,
    first: Claim,
    second: Claim,
    relation: CounterclaimRelation,
    reason: str = "",
    user: Actor = None,
) -> Counterclaim:
    """Propose a relation between two claims; proposing the same pair again returns the
    existing row unchanged, so re-running a proposer is harmless. A proposal is never public;
    in a published incident it is also held until approved (see addition_save)."""
    _validate_pair(first, second)
    claim_a, claim_b = sorted((first, second), key=lambda claim: claim.pk)
    existing = Counterclaim.objects.filter(claim_a=claim_a, claim_b=claim_b).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return addition_save(
                obj=Counterclaim(
                    claim_a=claim_a, claim_b=claim_b, relation=relation, reason=reason
                ),
                user=user,
            )
    except IntegrityError:
        # Another writer proposed the same pair between our check and our insert.
        return Counterclaim.objects.get(claim_a=claim_a, claim_b=claim_b)


# Who confirms or dismisses a counterclaim: editors (the design: the system and journalists
# propose pairs, editors decide them). Journalists hold change_counterclaim to propose.
DECIDE_COUNTERCLAIMS = ("tracker.change_counterclaim", "tracker.publish_incident")


def counterclaim_may_decide(user: Actor) -> bool:
    """The one rule every door (grid, API, inbox) asks before a counterclaim decision."""
    actor = person(user)
    return actor is not None and actor.has_perms(DECIDE_COUNTERCLAIMS)


@transaction.atomic
def counterclaim_decide(
    *,
    counterclaim: Counterclaim,
    state: ProposalState,
    user: Actor,
    relation: CounterclaimRelation | None = None,
) -> PendingRevision | None:
    """Confirm or dismiss a proposed relation. On a published incident the decision changes
    what the public reads, so it is held for approval like any edit (see edit_submit)."""
    if not counterclaim_may_decide(user):
        raise PermissionDenied(
            "Only an editor confirms or dismisses a counterclaim; journalists propose them."
        )
    if state == ProposalState.PROPOSED:
        raise ValidationError("A decision confirms or dismisses.")
    fields: dict[str, Any] = {"state": state, "decided_by": user, "decided_at": timezone.now()}
    if relation is not None:
        fields["relation"] = relation
    revision = edit_submit(obj=counterclaim, user=user, expected_version=None, fields=fields)
    counterclaim.refresh_from_db()
    if revision is None and state == ProposalState.CONFIRMED and not counterclaim.held:
        counterclaim_confirmed(counterclaim=counterclaim)
    return revision


@transaction.atomic
def counterclaim_delete(*, counterclaim: Counterclaim, user: Actor) -> PendingRevision | None:
    """Held for approval in a published incident."""
    return deletion_submit(obj=counterclaim, user=user)
