from datetime import UTC, datetime

import pytest

from tracker.enums import Aspect, CounterclaimRelation, IncidentType, ProposalState
from tracker.models import Counterclaim, Incident
from tracker.selectors.incidents import incidents_in_full as incidents_page
from tracker.selectors.incidents import incidents_with_dispute_status
from tracker.services.claims import claim_create
from tracker.services.incidents import incident_create
from tracker.services.statements import statement_create


def _both(incident: Incident) -> tuple[str, str]:
    annotated = incidents_with_dispute_status(Incident.objects.filter(pk=incident.pk)).get()
    return annotated.dispute_status, incidents_page([incident.pk])[0]["dispute_status"]


@pytest.fixture
def empty(demo):
    return incident_create(
        conflict=demo.conflict,
        title="Quiet",
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2023, 1, 1, tzinfo=UTC),
    )


def test_dispute_status_no_claims_then_one_sided_then_undisputed(demo, empty):
    armenia, azerbaijan = demo.statements["Armenia"].party, demo.statements["Azerbaijan"].party
    assert _both(empty) == ("no_claims", "no_claims")
    first = statement_create(incident=empty, party=armenia, text="They fired.")
    assert _both(empty) == ("no_claims", "no_claims")
    claim_create(statement=first, aspect=Aspect.INITIATOR, text="They fired first.")
    assert _both(empty) == ("one_sided", "one_sided")
    second = statement_create(incident=empty, party=azerbaijan, text="Quiet night.")
    claim_create(statement=second, aspect=Aspect.DAMAGE, text="No damage.")
    assert _both(empty) == ("undisputed", "undisputed")


def test_dispute_status_disputed_until_contradiction_dismissed(demo):
    assert _both(demo.incident) == ("disputed", "disputed")
    Counterclaim.objects.filter(relation=CounterclaimRelation.CONTRADICTS).update(
        state=ProposalState.DISMISSED
    )
    assert _both(demo.incident) == ("undisputed", "undisputed")
