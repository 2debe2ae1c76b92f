"""tracker.selectors.incidents.incidents_page builds the API's incidents with hand-written SQL:
hold it to a reference built by walking the ORM, and to its fixed query count."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from tracker.enums import IncidentType, ProposalState
from tracker.models import (
    Alignment,
    Citation,
    Claim,
    Conflict,
    Counterclaim,
    Incident,
    IncidentChange,
    Outlet,
    Side,
    Source,
    Statement,
)
from tracker.selectors.incidents import (
    CITATION_FIELDS,
    CLAIM_FIELDS,
    COUNTERCLAIM_FIELDS,
    INCIDENT_FIELDS,
    STATEMENT_FIELDS,
)
from tracker.selectors.incidents import (
    incidents_in_full as incidents_page,
)
from tracker.services.incidents import incident_create

INCIDENT_KEYS = [
    *(name if name == "id" else name.removesuffix("_id") for name in INCIDENT_FIELDS),
    "changed_at",
]


def _api(instance: Any, fields: tuple[str, ...], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        (name if name == "id" else name.removesuffix("_id")): getattr(instance, name)
        for name in fields
        if name not in drop
    }


def _citation(citation: Citation) -> dict[str, Any]:
    out = _api(citation, CITATION_FIELDS, drop=("claim_id", "statement_id"))
    return out | {"source_url": citation.source.url, "source_title": citation.source.title}


def _citations(queryset: Any) -> list[dict[str, Any]]:
    return [_citation(c) for c in queryset.order_by("source_id", "start_offset", "id")]


def _reference(incident: Incident) -> dict[str, Any]:
    """The representation, one ORM read at a time (slow and obviously right)."""
    out = _api(incident, INCIDENT_FIELDS)
    out["changed_at"] = IncidentChange.objects.get(pk=incident.pk).changed_at
    out["statements"] = []
    for statement in incident.statements.approved().order_by("issued_at", "id"):
        side = Alignment.objects.filter(
            party_id=statement.party_id, side__conflict_id=incident.conflict_id
        ).first()
        item = _api(statement, STATEMENT_FIELDS, drop=("incident_id",))
        item["side"] = side.side_id if side else None
        item["citations"] = _citations(statement.citations.approved())
        item["claims"] = [
            _api(claim, CLAIM_FIELDS, drop=("statement_id",))
            | {"citations": _citations(claim.citations.approved())}
            for claim in statement.claims.approved().order_by("id")
        ]
        out["statements"].append(item)
    out["counterclaims"] = [
        _api(pair, COUNTERCLAIM_FIELDS)
        for pair in Counterclaim.objects.public()
        .filter(claim_a__statement__incident=incident)
        .order_by("id")
    ]
    return out


@pytest.fixture
def varied(demo):
    """The demo incident plus what it lacks: a claim cited by two sources, a dismissed
    counterclaim, an incident with no statements, and a party aligned in a second conflict."""
    statement = demo.statements["Armenia"]
    claim = statement.claims.order_by("id").first()
    outlet = Outlet.objects.create(name="Second wire", domain="second.example", language="en")
    second = Source.objects.create(
        url="https://second.example/a", outlet=outlet, title="Second", language="en", text="Fire."
    )
    Citation.objects.create(
        claim=claim, source=second, excerpt="Fire", start_offset=0, end_offset=4
    )
    dismissed = Counterclaim.objects.order_by("id").last()
    Counterclaim.objects.filter(pk=dismissed.pk).update(state=ProposalState.DISMISSED)
    elsewhere = Conflict.objects.create(name="Elsewhere", slug="elsewhere")
    far_side = Side.objects.create(conflict=elsewhere, name="Far", role="belligerent")
    Alignment.objects.create(party_id=statement.party_id, side=far_side)
    far = incident_create(
        conflict=elsewhere,
        title="Far away",
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2024, 5, 1, tzinfo=UTC),
    )
    far_statement = Statement.objects.create(
        incident=far, party_id=statement.party_id, text="Shots were heard.", language="en"
    )
    Claim.objects.create(statement=far_statement, aspect="initiator", text="They fired.")
    empty = incident_create(
        conflict=demo.conflict,
        title="Nothing said yet",
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2024, 6, 1, tzinfo=UTC),
    )
    return demo, far, empty, far_side


def test_incidents_page_equals_orm_reference_in_given_order(varied):
    demo, far, empty, _ = varied
    page = incidents_page([empty.pk, demo.incident.pk, far.pk])
    assert [row["id"] for row in page] == [empty.pk, demo.incident.pk, far.pk]
    for row, incident in zip(page, (empty, demo.incident, far), strict=True):
        reference = _reference(incident)
        assert list(row) == [*INCIDENT_KEYS, "dispute_status", "statements", "counterclaims"]
        assert {k: v for k, v in row.items() if k != "dispute_status"} == reference


def test_incidents_page_claim_citations_ordered_by_source_then_offset(varied):
    demo = varied[0]
    claim = demo.statements["Armenia"].claims.order_by("id").first()
    statement = next(
        s
        for s in incidents_page([demo.incident.pk])[0]["statements"]
        if s["id"] == claim.statement_id
    )
    cited = next(c for c in statement["claims"] if c["id"] == claim.pk)["citations"]
    assert [(c["source"], c["source_title"]) for c in cited] == [
        (demo.source.pk, demo.source.title),
        (Source.objects.get(title="Second").pk, "Second"),
    ]
    assert [c["excerpt"] for c in statement["citations"]] == [
        c.excerpt for c in Citation.objects.filter(statement_id=statement["id"])
    ]


def test_incidents_page_side_is_the_one_in_the_incidents_conflict(varied):
    demo, far, _, far_side = varied
    near, away = incidents_page([demo.incident.pk, far.pk])
    armenia = demo.statements["Armenia"]
    near_side = Alignment.objects.get(party_id=armenia.party_id, side__conflict=demo.conflict)
    assert [s["side"] for s in near["statements"] if s["id"] == armenia.pk] == [near_side.side_id]
    assert [s["side"] for s in away["statements"]] == [far_side.pk]
    assert away["dispute_status"] == "one_sided"


def test_incidents_page_shows_only_confirmed_counterclaims_and_skips_unknown_ids(varied):
    demo = varied[0]
    page = incidents_page([demo.incident.pk, 10**9])
    assert len(page) == 1
    states = [pair["state"] for pair in page[0]["counterclaims"]]
    assert ProposalState.DISMISSED not in states
    assert states == [ProposalState.CONFIRMED] * Counterclaim.objects.public().count()


def test_incidents_page_five_queries_whatever_the_count(varied, django_assert_num_queries):
    demo, far, empty, _ = varied
    with django_assert_num_queries(5):
        assert len(incidents_page([demo.incident.pk])) == 1
    with django_assert_num_queries(5):
        assert len(incidents_page([demo.incident.pk, far.pk, empty.pk])) == 3
    with django_assert_num_queries(0):
        assert incidents_page([]) == []


def test_incident_list_without_filters_same_as_through_filterset(api, varied):
    Incident.objects.update(state="published")
    plain = api.get(reverse("api:incident-list") + "?page_size=2")
    # An empty filter value goes through the FilterSet, which then filters nothing.
    filtered = api.get(reverse("api:incident-list") + "?page_size=2&q=&occurred_from=")
    assert plain.status_code == filtered.status_code == 200
    assert plain.json()["results"] == filtered.json()["results"]
    assert len(plain.json()["results"]) == 2
