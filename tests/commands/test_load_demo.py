import pytest
from django.core.management import call_command

from tracker.demo.parties import PARTIES
from tracker.enums import Aspect, CounterclaimRelation, EditorialState
from tracker.models import (
    Citation,
    Claim,
    Counterclaim,
    Feed,
    Incident,
    Party,
    PartyAlias,
    Source,
    Statement,
)

pytestmark = pytest.mark.django_db

COUNTED = (Incident, Statement, Claim, Counterclaim, Source, Citation, Party, PartyAlias, Feed)


def test_load_demo_twice_changes_nothing(capsys):
    call_command("load_demo")
    first = {model.__name__: model.objects.count() for model in COUNTED}
    call_command("load_demo")
    assert {model.__name__: model.objects.count() for model in COUNTED} == first
    assert first["Incident"] == 1
    assert first["Statement"] == 2
    assert first["Claim"] == 10
    assert first["Counterclaim"] == 4
    assert first["Source"] == 1
    assert first["Citation"] == 12
    assert first["Party"] == len(PARTIES)
    assert first["Feed"] == 3  # real South Caucasus feeds, fetched by the worker
    assert "Demo incident #" in capsys.readouterr().out


def test_demo_holds_both_ministries_and_four_disputed_aspects(demo):
    assert demo.incident.state == EditorialState.PUBLISHED
    assert {s.party.name for s in demo.statements.values()} == {
        "Ministry of Defence of Armenia",
        "Ministry of Defence of Azerbaijan",
    }
    for aspect in (Aspect.INITIATOR, Aspect.TIMING, Aspect.LOCATION):
        assert ("Armenia", aspect) in demo.claims
        assert ("Azerbaijan", aspect) in demo.claims
    assert demo.claims[("Armenia", Aspect.CASUALTIES)].wounded_min == 1
    assert demo.claims[("Armenia", Aspect.INITIATOR)].accused_side.name == "Azerbaijan"
    assert demo.claims[("Azerbaijan", Aspect.INITIATOR)].accused_side.name == "Armenia"
    contradicted = {
        Claim.objects.get(pk=cc.claim_a_id).aspect
        for cc in Counterclaim.objects.filter(relation=CounterclaimRelation.CONTRADICTS)
    }
    assert contradicted == {Aspect.INITIATOR, Aspect.TIMING}


def test_demo_citations_are_short_quotes_of_the_report(demo):
    citations = Citation.objects.filter(source=demo.source)
    assert citations.count() == 12
    for citation in citations:
        assert demo.source.text[citation.start_offset : citation.end_offset] == citation.excerpt
        assert len(citation.excerpt) < 130
