"""Impossible data is refused by the database, and by the services with a readable message."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.enums import Aspect, CounterclaimRelation, IncidentType
from tracker.models import Citation, Claim, Counterclaim, Incident
from tracker.services.claims import claim_create, counterclaim_propose
from tracker.services.incidents import incident_create
from tracker.services.sources import citation_create

pytestmark = pytest.mark.django_db


def _db_refuses(make) -> str:
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make()
    return str(caught.value)


def test_claim_min_above_max_refused_by_service_and_database(demo):
    statement = demo.statements["Armenia"]
    with pytest.raises(ValidationError, match="minimum killed figure is larger than the maximum"):
        claim_create(
            statement=statement, aspect=Aspect.CASUALTIES, text="x", killed_min=5, killed_max=2
        )
    message = _db_refuses(
        lambda: Claim.objects.create(
            statement=statement, aspect=Aspect.CASUALTIES, text="x", killed_min=5, killed_max=2
        )
    )
    assert "claim_killed_min_le_max" in message


def test_casualty_figures_on_a_timing_claim_refused(demo):
    with pytest.raises(ValidationError, match="Only a casualties claim has these values"):
        claim_create(
            statement=demo.statements["Armenia"], aspect=Aspect.TIMING, text="x", killed_min=1
        )


def test_incident_latitude_out_of_range_refused(belligerents):
    kwargs = dict(
        conflict=belligerents.conflict,
        title="t",
        incident_type=IncidentType.SHELLING,
        occurred_start=datetime(2022, 9, 23, tzinfo=UTC),
    )
    with pytest.raises(ValidationError, match="Latitude must be within ±90"):
        incident_create(**kwargs, latitude=91.0, longitude=45.0)
    message = _db_refuses(lambda: Incident.objects.create(**kwargs, latitude=-90.5, longitude=0))
    assert "incident_latlon_range" in message


def test_incident_half_a_coordinate_refused(belligerents):
    with pytest.raises(ValidationError, match="both latitude and longitude"):
        incident_create(
            conflict=belligerents.conflict,
            title="t",
            incident_type=IncidentType.SHELLING,
            occurred_start=datetime(2022, 9, 23, tzinfo=UTC),
            latitude=40.0,
        )


def test_incident_end_before_start_refused(belligerents):
    with pytest.raises(ValidationError, match="must not end before it starts"):
        incident_create(
            conflict=belligerents.conflict,
            title="t",
            incident_type=IncidentType.SHELLING,
            occurred_start=datetime(2022, 9, 23, tzinfo=UTC),
            occurred_end=datetime(2022, 9, 22, tzinfo=UTC),
        )


def test_incident_unknown_time_zone_refused(belligerents):
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        incident_create(
            conflict=belligerents.conflict,
            title="t",
            incident_type=IncidentType.SHELLING,
            occurred_start=datetime(2022, 9, 23, tzinfo=UTC),
            local_timezone="Mars/Olympus",
        )


def test_counterclaim_between_claims_of_the_same_side_refused(demo):
    same_side = claim_create(
        statement=demo.statements["Armenia"],
        aspect=Aspect.INITIATOR,
        text="Another Armenian claim.",
    )
    first = demo.claims[("Armenia", Aspect.INITIATOR)]
    with pytest.raises(ValidationError, match="not by parties on opposing sides"):
        counterclaim_propose(
            first=first, second=same_side, relation=CounterclaimRelation.CONTRADICTS
        )
    a, b = sorted([first.pk, same_side.pk])
    message = _db_refuses(
        lambda: Counterclaim.objects.create(
            claim_a_id=a, claim_b_id=b, relation=CounterclaimRelation.CONTRADICTS
        )
    )
    assert "not by parties on opposing sides" in message


def test_counterclaim_across_aspects_refused(demo):
    first = demo.claims[("Armenia", Aspect.TIMING)]
    second = demo.claims[("Azerbaijan", Aspect.LOCATION)]
    with pytest.raises(ValidationError, match="different aspects"):
        counterclaim_propose(first=first, second=second, relation=CounterclaimRelation.QUALIFIES)
    a, b = sorted([first.pk, second.pk])
    assert "different aspects" in _db_refuses(
        lambda: Counterclaim.objects.create(
            claim_a_id=a, claim_b_id=b, relation=CounterclaimRelation.QUALIFIES
        )
    )


def test_counterclaim_pair_is_unordered_and_unique(demo):
    first = demo.claims[("Armenia", Aspect.INITIATOR)]
    second = demo.claims[("Azerbaijan", Aspect.INITIATOR)]
    again = counterclaim_propose(
        first=second, second=first, relation=CounterclaimRelation.QUALIFIES
    )
    assert again.relation == CounterclaimRelation.CONTRADICTS  # the existing row, unchanged
    assert (
        Counterclaim.objects.filter(
            claim_a__in=[first, second], claim_b__in=[first, second]
        ).count()
        == 1
    )
    high, low = max(first.pk, second.pk), min(first.pk, second.pk)
    assert "counterclaim_ordered_pair" in _db_refuses(
        lambda: Counterclaim.objects.create(
            claim_a_id=high, claim_b_id=low, relation=CounterclaimRelation.CONTRADICTS
        )
    )


def test_citation_excerpt_not_at_its_offsets_refused(demo):
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    text = demo.source.text
    start = text.index("one Armenian soldier")
    with pytest.raises(ValidationError, match=f"text at {start + 1}"):
        citation_create(
            source=demo.source, claim=claim, excerpt="one Armenian soldier", start_offset=start + 1
        )
    message = _db_refuses(
        lambda: Citation.objects.create(
            source=demo.source,
            claim=claim,
            excerpt="one Armenian soldier",
            start_offset=start + 1,
            end_offset=start + 1 + len("one Armenian soldier"),
        )
    )
    assert "excerpt is not the source text" in message


def test_citation_offsets_not_spanning_excerpt_refused(demo):
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    start = demo.source.text.index("one Armenian soldier")
    message = _db_refuses(
        lambda: Citation.objects.create(
            source=demo.source,
            claim=claim,
            excerpt="one Armenian soldier",
            start_offset=start,
            end_offset=start + 3,
        )
    )
    assert "excerpt is not the source text at offsets" in message


def test_citation_found_by_excerpt_gets_exact_offsets(demo):
    claim = demo.claims[("Azerbaijan", Aspect.MEANS)]
    citation = citation_create(source=demo.source, claim=claim, excerpt="mixed-caliber small arms")
    assert (
        demo.source.text[citation.start_offset : citation.end_offset] == "mixed-caliber small arms"
    )
    assert citation.end_offset - citation.start_offset == len("mixed-caliber small arms")


def test_statement_translation_without_provenance_refused(demo):
    statement = demo.statements["Azerbaijan"]
    statement.translation = "A translation"
    with pytest.raises(ValidationError, match="needs its provenance"):
        statement.full_clean()
