"""tracker.selectors.incident_queries.incidents_matching: the one selector behind the list page,
the API and the exports (each door is tested in tests/api/test_filters_everywhere.py)."""

from datetime import UTC, date, datetime

import pytest

from tracker.enums import Aspect, EditorialState, IncidentType
from tracker.models import Incident
from tracker.selectors.incident_queries import Bbox, IncidentCriteria, incidents_matching
from tracker.services.incidents import incident_create
from tracker.services.statements import statement_create

pytestmark = pytest.mark.django_db


def _incident(conflict, title, state=EditorialState.PUBLISHED, **values) -> Incident:
    incident = incident_create(
        conflict=conflict,
        title=title,
        incident_type=values.pop("incident_type", IncidentType.SHELLING),
        occurred_start=values.pop("occurred_start", datetime(2023, 1, 1, tzinfo=UTC)),
        **values,
    )
    Incident.objects.filter(pk=incident.pk).update(state=state)
    return incident


def _titles(criteria: IncidentCriteria, **scope: bool) -> set[str]:
    return set(incidents_matching(criteria, **scope).values_list("title", flat=True))


def test_no_criteria_is_the_published_set_and_state_needs_the_wider_scope(demo):
    _incident(demo.conflict, "Draft", state=EditorialState.DRAFT)
    merged = _incident(demo.conflict, "Merged away", state=EditorialState.DRAFT)
    Incident.objects.filter(pk=merged.pk).update(merged_into=demo.incident)
    assert _titles(IncidentCriteria()) == {demo.incident.title}
    draft = IncidentCriteria(state=(EditorialState.DRAFT,))
    assert _titles(draft) == {demo.incident.title}  # published only: state is not for everyone
    assert _titles(draft, published_only=False) == {"Draft"}
    assert _titles(IncidentCriteria(), published_only=False) == {demo.incident.title, "Draft"}


def test_conflict_by_id_or_slug(demo):
    for key in (demo.conflict.pk, demo.conflict.slug):
        assert _titles(IncidentCriteria(conflict=key)) == {demo.incident.title}
    assert _titles(IncidentCriteria(conflict="nowhere")) == set()


def test_a_day_bound_covers_the_whole_utc_day_and_the_last_day_there_is(demo):
    _incident(demo.conflict, "Late", occurred_start=datetime(2023, 3, 4, 23, 59, 59, tzinfo=UTC))
    that_day = IncidentCriteria(occurred_from=date(2023, 3, 4), occurred_to=date(2023, 3, 4))
    assert _titles(that_day) == {"Late"}
    assert _titles(IncidentCriteria(occurred_to=date(2023, 3, 3))) == {demo.incident.title}
    assert "Late" in _titles(IncidentCriteria(occurred_to=date(9999, 12, 31)))
    instant = datetime(2023, 3, 4, 23, 59, 58, tzinfo=UTC)
    assert _titles(IncidentCriteria(occurred_from=instant)) == {"Late"}


def test_a_box_across_the_antimeridian(demo):
    _incident(demo.conflict, "East", latitude=10, longitude=179.5)
    _incident(demo.conflict, "West", latitude=10, longitude=-179.5)
    _incident(demo.conflict, "Greenwich", latitude=10, longitude=0)
    across = Bbox(west=170, south=0, east=-170, north=20)
    assert _titles(IncidentCriteria(bbox=across)) == {"East", "West"}
    assert _titles(IncidentCriteria(bbox=Bbox(-1, 0, 1, 20))) == {"Greenwich"}


def test_only_approved_statements_count_for_party_and_side(demo):
    quiet = _incident(demo.conflict, "Quiet")
    party = demo.statements["Armenia"].party
    held = statement_create(incident=quiet, party=party, text="Awaiting an editor.")
    assert held.held  # a statement added to a published incident waits for approval
    side = party.sides.get().pk
    for criteria in (IncidentCriteria(party=(party.pk,)), IncidentCriteria(side=(side,))):
        assert _titles(criteria) == {demo.incident.title}


def test_several_values_mean_any_and_criteria_all_hold(demo):
    _incident(demo.conflict, "Air", incident_type=IncidentType.AIR_STRIKE)
    both = (IncidentType.AIR_STRIKE, IncidentType.CEASEFIRE_VIOLATION)
    assert _titles(IncidentCriteria(type=both)) == {"Air", demo.incident.title}
    air_with_claims = IncidentCriteria(type=both, aspect=(Aspect.CASUALTIES, Aspect.MEANS))
    assert _titles(air_with_claims) == {demo.incident.title}
    assert _titles(IncidentCriteria(dispute=("no_claims", "one_sided"))) == {"Air"}
