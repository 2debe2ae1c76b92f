"""A small conflict whose ledgers are known by hand: the demo incident plus three more."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tracker.enums import Aspect, EditorialState, IncidentType, Verdict
from tracker.models import Incident, Party, Side
from tracker.services.claims import claim_create, claim_set_verdict
from tracker.services.incidents import incident_create
from tracker.services.statements import statement_create


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass
class World:
    demo: object
    armenia: Side
    azerbaijan: Side
    am: Party  # Armenia's defence ministry
    az: Party  # Azerbaijan's defence ministry
    i1: Incident  # both spoke, 3 h apart; Armenia revises its own killed from 2 to at least 5
    i2: Incident  # only Azerbaijan spoke
    i3: Incident  # a draft: staff only


def _incident(demo, title: str, when: datetime, kind: IncidentType, state: EditorialState):
    """A draft with its intended STATE kept aside: statements are added to drafts (added to a
    published incident they would wait for an editor), and _settle gives each its state."""
    incident = incident_create(
        conflict=demo.conflict, title=title, incident_type=kind, occurred_start=when
    )
    incident.intended_state = state
    return incident


def _settle(*incidents: Incident) -> None:
    for incident in incidents:
        Incident.objects.filter(pk=incident.pk).update(state=incident.intended_state)
        incident.refresh_from_db()


@pytest.fixture
def world(demo) -> World:
    sides = {side.name: side for side in demo.conflict.sides.all()}
    armenia, azerbaijan = sides["Armenia"], sides["Azerbaijan"]
    am, az = demo.statements["Armenia"].party, demo.statements["Azerbaijan"].party
    i1 = _incident(
        demo,
        "Shelling near Sotk",
        utc(2022, 9, 10, 6),
        IncidentType.SHELLING,
        EditorialState.PUBLISHED,
    )
    s1 = statement_create(incident=i1, party=am, text="They fired.", issued_at=utc(2022, 9, 10, 10))
    claim_create(
        statement=s1,
        aspect=Aspect.INITIATOR,
        text="Azerbaijan fired first.",
        accused_side=azerbaijan,
    )
    killed = claim_create(
        statement=s1,
        aspect=Aspect.CASUALTIES,
        text="Two of ours killed.",
        casualty_side=armenia,
        killed_min=2,
        killed_max=2,
    )
    claim_set_verdict(claim=killed, verdict=Verdict.CORROBORATED)
    s2 = statement_create(incident=i1, party=az, text="They fired.", issued_at=utc(2022, 9, 10, 13))
    lie = claim_create(
        statement=s2, aspect=Aspect.INITIATOR, text="Armenia fired first.", accused_side=armenia
    )
    claim_set_verdict(claim=lie, verdict=Verdict.CONTESTED)
    s3 = statement_create(incident=i1, party=am, text="Update.", issued_at=utc(2022, 9, 12, 9))
    claim_create(
        statement=s3,
        aspect=Aspect.CASUALTIES,
        text="At least five of ours killed.",
        casualty_side=armenia,
        killed_min=5,
    )
    i2 = _incident(
        demo,
        "Clash at the highway",
        utc(2022, 9, 11, 2),
        IncidentType.ARMED_CLASH,
        EditorialState.PUBLISHED,
    )
    s4 = statement_create(
        incident=i2, party=az, text="They attacked.", issued_at=utc(2022, 9, 11, 8)
    )
    claim_create(
        statement=s4, aspect=Aspect.INITIATOR, text="Armenia attacked.", accused_side=armenia
    )
    claim_create(
        statement=s4,
        aspect=Aspect.CASUALTIES,
        text="At least ten of theirs killed.",
        casualty_side=armenia,
        killed_min=10,
    )
    i3 = _incident(
        demo,
        "Unconfirmed report",
        utc(2022, 9, 11, 4),
        IncidentType.SHELLING,
        EditorialState.DRAFT,
    )
    s5 = statement_create(incident=i3, party=am, text="They fired.", issued_at=utc(2022, 9, 11, 5))
    claim_create(
        statement=s5, aspect=Aspect.INITIATOR, text="Azerbaijan fired.", accused_side=azerbaijan
    )
    _settle(i1, i2, i3)
    return World(demo, armenia, azerbaijan, am, az, i1, i2, i3)


@pytest.fixture
def staff_client(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("desk", "Viewer"))
    return client


@pytest.fixture
def staff_client_editor(client, make_user):  # type: ignore[no-untyped-def]
    client.force_login(make_user("boss", "Editor"))
    return client
