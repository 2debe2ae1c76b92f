"""A small conflict whose ledgers are known by hand: the demo incident plus three more."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from tests.factories import said, utc
from tracker.enums import Aspect, EditorialState, IncidentType, Verdict
from tracker.models import Incident, Party, Side
from tracker.services.claims import claim_set_verdict
from tracker.services.incidents import incident_create


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


PUBLISHED = EditorialState.PUBLISHED


def _accuses(text: str, side: Side) -> dict[str, Any]:
    return {"aspect": Aspect.INITIATOR, "text": text, "accused_side": side}


def _killed(text: str, side: Side, least: int, most: int | None = None) -> dict[str, Any]:
    return {
        "aspect": Aspect.CASUALTIES,
        "text": text,
        "casualty_side": side,
        "killed_min": least,
        "killed_max": most,
    }


@pytest.fixture
def world(demo) -> World:
    sides = {side.name: side for side in demo.conflict.sides.all()}
    armenia, azerbaijan = sides["Armenia"], sides["Azerbaijan"]
    am, az = demo.statements["Armenia"].party, demo.statements["Azerbaijan"].party
    i1 = _incident(
        demo, "Shelling near Sotk", utc(2022, 9, 10, 6), IncidentType.SHELLING, PUBLISHED
    )
    _, (_, killed) = said(
        i1,
        am,
        "They fired.",
        utc(2022, 9, 10, 10),
        _accuses("Azerbaijan fired first.", azerbaijan),
        _killed("Two of ours killed.", armenia, 2, 2),
    )
    claim_set_verdict(claim=killed, verdict=Verdict.CORROBORATED)
    _, (lie,) = said(
        i1, az, "They fired.", utc(2022, 9, 10, 13), _accuses("Armenia fired first.", armenia)
    )
    claim_set_verdict(claim=lie, verdict=Verdict.CONTESTED)
    said(
        i1, am, "Update.", utc(2022, 9, 12, 9), _killed("At least five of ours killed.", armenia, 5)
    )
    i2 = _incident(
        demo, "Clash at the highway", utc(2022, 9, 11, 2), IncidentType.ARMED_CLASH, PUBLISHED
    )
    said(
        i2,
        az,
        "They attacked.",
        utc(2022, 9, 11, 8),
        _accuses("Armenia attacked.", armenia),
        _killed("At least ten of theirs killed.", armenia, 10),
    )
    i3 = _incident(
        demo, "Unconfirmed report", utc(2022, 9, 11, 4), IncidentType.SHELLING, EditorialState.DRAFT
    )
    said(i3, am, "They fired.", utc(2022, 9, 11, 5), _accuses("Azerbaijan fired.", azerbaijan))
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
