import pytest

from tests import factories
from tracker.enums import Aspect, CounterclaimRelation, ProposalState
from tracker.models import Counterclaim, Incident
from tracker.selectors.incidents import incidents_in_full as incidents_page
from tracker.selectors.incidents import incidents_with_dispute_status
from tracker.services.claims import claim_create, counterclaim_decide
from tracker.services.statements import statement_create


def _both(incident: Incident) -> tuple[str, str]:
    annotated = incidents_with_dispute_status(Incident.objects.filter(pk=incident.pk)).get()
    return annotated.dispute_status, incidents_page([incident.pk])[0]["dispute_status"]


@pytest.fixture
def empty(belligerents):
    return factories.incident(belligerents.conflict, "Quiet", factories.utc(2023, 1, 1))


def test_dispute_status_no_claims_then_one_sided_then_undisputed(belligerents, empty):
    north, south = belligerents.parties
    assert _both(empty) == ("no_claims", "no_claims")
    first = statement_create(incident=empty, party=north, text="They fired.")
    assert _both(empty) == ("no_claims", "no_claims")
    claim_create(statement=first, aspect=Aspect.INITIATOR, text="They fired first.")
    assert _both(empty) == ("one_sided", "one_sided")
    second = statement_create(incident=empty, party=south, text="Quiet night.")
    claim_create(statement=second, aspect=Aspect.DAMAGE, text="No damage.")
    assert _both(empty) == ("undisputed", "undisputed")


def test_dispute_status_disputed_once_a_contradiction_is_confirmed(belligerents, empty, editor):
    north, south = belligerents.parties
    says_south = factories.statement(empty, north, "They fired.")
    says_north = factories.statement(empty, south, "They fired.")
    first = factories.claim(says_south, Aspect.INITIATOR, "South fired first.")
    second = factories.claim(says_north, Aspect.INITIATOR, "North fired first.")
    contradiction = factories.counterclaim(first, second)
    assert _both(empty) == ("undisputed", "undisputed")  # proposed is not yet disputed
    counterclaim_decide(counterclaim=contradiction, state=ProposalState.CONFIRMED, user=editor)
    assert _both(empty) == ("disputed", "disputed")


def test_dispute_status_disputed_until_contradiction_dismissed(demo):
    assert _both(demo.incident) == ("disputed", "disputed")
    Counterclaim.objects.filter(relation=CounterclaimRelation.CONTRADICTS).update(
        state=ProposalState.DISMISSED
    )
    assert _both(demo.incident) == ("undisputed", "undisputed")
