"""The claims a claim may be paired with on the incident page (proposing a counterclaim)."""

from django.db.models import Q, QuerySet

from tracker.models import Claim, Counterclaim
from tracker.selectors.parties import sides_and_alignments


def counterclaim_candidates(*, claim: Claim) -> QuerySet[Claim]:
    """Claims of the same incident on the same aspect by parties on the other sides of the
    conflict (the pairs the database trigger accepts), not already paired with CLAIM."""
    incident = claim.statement.incident
    _sides, party_side = sides_and_alignments(conflict=incident.conflict)
    own = party_side.get(claim.statement.party_id)
    if own is None:
        return Claim.objects.none()
    others = [party for party, side in party_side.items() if side.pk != own.pk]
    paired = Counterclaim.objects.filter(Q(claim_a=claim) | Q(claim_b=claim)).values_list(
        "claim_a_id", "claim_b_id"
    )
    taken = {pk for pair in paired for pk in pair}
    return (
        Claim.objects.filter(
            statement__incident=incident, aspect=claim.aspect, statement__party__in=others
        )
        .exclude(pk__in=taken | {claim.pk})
        .select_related("statement__party")
        .order_by("statement__issued_at", "pk")
    )
