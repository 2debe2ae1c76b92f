"""Enrichment runs stored per source, and editors' decisions turning proposals into data."""

from datetime import UTC, datetime

import pghistory  # noqa: F401  (the triggers write the events read below)
import pytest
from django.core.exceptions import ValidationError

from tracker.enums import (
    Aspect,
    Channel,
    CounterclaimRelation,
    EnrichmentStatus,
    NoProposalReason,
    ProposalKind,
    ProposalState,
)
from tracker.models import Citation, Claim, Counterclaim, EnrichmentRun, Party, Proposal, Statement
from tracker.models.history import event_model
from tracker.selectors.enrichment import sources_to_enrich
from tracker.services.enrichment import proposal_accept, proposal_dismiss, source_enrich
from tracker.services.sources import source_create
from tracker.tasks.enrich import enrich_scan, enrich_source

pytestmark = pytest.mark.django_db


def proposals(run: EnrichmentRun, kind: ProposalKind) -> list[Proposal]:
    return list(run.proposals.filter(kind=kind).order_by("position"))


def test_seed_source_proposes_the_demo_incident_with_score_parts(seed_source, demo):
    run = source_enrich(source=seed_source)
    assert (run.status, run.reason, run.language) == (EnrichmentStatus.PROPOSED, "", "en")
    incident = proposals(run, ProposalKind.INCIDENT)[0]
    assert incident.incident_id == demo.incident.pk
    assert set(incident.payload["parts"]) == {"time", "text", "parties", "place"}
    assert incident.payload["score"] >= 0.5
    statements = proposals(run, ProposalKind.STATEMENT)
    assert [p.party.name for p in statements] == ["Ministry of Defence of Armenia"] * 3 + [
        "Ministry of Defence of Azerbaijan"
    ] * 3
    for proposal in Proposal.objects.filter(run=run).exclude(start_offset=None):
        assert seed_source.text[proposal.start_offset : proposal.end_offset] == proposal.excerpt
    assert set(run.timings) >= {"parties", "statements", "claims", "incidents", "counterclaims"}


def test_rerun_on_unchanged_text_is_a_no_op(seed_source):
    first = source_enrich(source=seed_source)
    count = first.proposals.count()
    assert source_enrich(source=seed_source).pk == first.pk
    assert Proposal.objects.filter(source=seed_source).count() == count
    assert enrich_source(source_id=seed_source.pk) == first.pk


def test_changed_text_replaces_undecided_proposals_and_keeps_decided(seed_source, editor):
    first = source_enrich(source=seed_source)
    dismissed = proposals(first, ProposalKind.STATEMENT)[1]
    proposal_dismiss(proposal=dismissed, user=editor)
    seed_source.text += "\n\nThe ministry said two more soldiers were wounded."
    seed_source.content_hash = "0" * 64
    seed_source.save()
    second = source_enrich(source=seed_source)
    assert second.pk != first.pk
    assert Proposal.objects.filter(run=first, state=ProposalState.PROPOSED).count() == 0
    assert Proposal.objects.get(pk=dismissed.pk).state == ProposalState.DISMISSED
    assert proposals(second, ProposalKind.STATEMENT)[-1].excerpt == (
        "The ministry said two more soldiers were wounded."
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", NoProposalReason.EMPTY_TEXT),
        (
            "Le ministère arménien de la Défense a déclaré que les forces azerbaïdjanaises avaient "
            "ouvert le feu.",
            NoProposalReason.NO_PARTY,
        ),
        (
            "The weather in the capital was mild and the markets were calm all week.",
            NoProposalReason.NO_PARTY,
        ),
    ],
)
def test_bad_source_records_a_reason_and_stores_nothing(demo, text, reason):
    source = source_create(url=f"https://example.org/{reason}/{len(text)}", text=text)
    run = enrich_source(source_id=source.pk)
    stored = EnrichmentRun.objects.get(pk=run)
    assert (stored.status, stored.reason) == (EnrichmentStatus.NO_PROPOSALS, reason)
    assert not Proposal.objects.filter(source=source).exists()


def test_task_on_a_deleted_source_returns_none(db):
    assert enrich_source(source_id=987654) is None


def test_scan_finds_sources_never_enriched_or_changed(seed_source, demo):
    assert set(sources_to_enrich()) == {seed_source, demo.source}
    source_enrich(source=seed_source)
    source_enrich(source=demo.source)
    assert list(sources_to_enrich()) == []
    seed_source.content_hash = "1" * 64
    seed_source.save()
    assert list(sources_to_enrich()) == [seed_source]
    assert enrich_scan() == 1


def test_accepting_a_claim_creates_statement_claim_and_exact_citations(seed_source, editor, demo):
    run = source_enrich(source=seed_source)
    claim_proposal = next(
        p for p in proposals(run, ProposalKind.CLAIM) if p.payload["aspect"] == Aspect.CASUALTIES
    )
    accepted = proposal_accept(proposal=claim_proposal, user=editor)
    claim = accepted.claim
    assert (claim.aspect, claim.wounded_min, claim.wounded_max, claim.casualty_side.name) == (
        Aspect.CASUALTIES,
        1,
        1,
        "Armenia",
    )
    statement = claim.statement
    assert statement.incident == demo.incident  # the proposed incident, accepted on the way
    assert statement.party.name == "Ministry of Defence of Armenia"
    assert statement.text == "The ministry said one Armenian soldier was wounded."
    citation = Citation.objects.get(claim=claim)
    assert seed_source.text[citation.start_offset : citation.end_offset] == citation.excerpt
    assert citation.added_by == editor
    parent = Proposal.objects.get(pk=claim_proposal.parent_id)
    assert (parent.state, parent.decided_by, parent.statement) == (
        ProposalState.CONFIRMED,
        editor,
        statement,
    )
    events = event_model(Claim).objects.filter(pgh_obj_id=claim.pk, pgh_label="insert")
    assert events.get().pgh_context.metadata["user"] == editor.pk


def test_correcting_a_statement_changes_its_party_and_channel(seed_source, editor):
    run = source_enrich(source=seed_source)
    proposal = proposals(run, ProposalKind.STATEMENT)[3]
    other = Party.objects.get(name="Government of Azerbaijan")
    accepted = proposal_accept(
        proposal=proposal,
        user=editor,
        corrections={"party_id": other.pk, "channel": Channel.TELEGRAM},
    )
    assert (accepted.statement.party, accepted.statement.channel) == (other, Channel.TELEGRAM)
    assert accepted.party == other


def test_accepting_a_counterclaim_confirms_the_pair_with_who(seed_source, editor, demo):
    run = source_enrich(source=seed_source)
    initiator = next(
        p
        for p in proposals(run, ProposalKind.COUNTERCLAIM)
        if p.payload["aspect"] == Aspect.INITIATOR and p.other_id
    )
    accepted = proposal_accept(proposal=initiator, user=editor)
    pair = Counterclaim.objects.get(pk=accepted.counterclaim_id)
    assert (pair.relation, pair.state, pair.decided_by) == (
        CounterclaimRelation.CONTRADICTS,
        ProposalState.CONFIRMED,
        editor,
    )
    assert {pair.claim_a.accused_side.name, pair.claim_b.accused_side.name} == {
        "Armenia",
        "Azerbaijan",
    }


def test_dismissing_a_statement_dismisses_its_claims_and_creates_nothing(seed_source, editor):
    run = source_enrich(source=seed_source)
    statement = proposals(run, ProposalKind.STATEMENT)[0]
    before = Statement.objects.count()
    proposal_dismiss(proposal=statement, user=editor)
    children = Proposal.objects.filter(parent=statement)
    assert children.exists()
    assert set(children.values_list("state", flat=True)) == {ProposalState.DISMISSED}
    assert Statement.objects.count() == before
    with pytest.raises(ValidationError, match="already dismissed"):
        proposal_accept(proposal=statement, user=editor)
    with pytest.raises(ValidationError, match="already dismissed"):
        proposal_accept(proposal=children.first(), user=editor)


def test_new_incident_is_created_when_none_matches(demo, editor):
    text = (
        "Azerbaijan's Defence Ministry said that Armenian units had fired mortars at its positions "
        "near Kalbajar at 02:15 on October 2, killing two Azerbaijani servicemen."
    )

    source = source_create(
        url="https://example.org/oct",
        title="Kalbajar clash",
        text=text,
        published_at=datetime(2022, 10, 2, 9, tzinfo=UTC),
    )
    run = source_enrich(source=source)
    incident_proposal = proposals(run, ProposalKind.INCIDENT)[0]
    assert incident_proposal.incident_id is None
    accepted = proposal_accept(proposal=incident_proposal, user=editor)
    incident = accepted.incident
    assert (incident.title, incident.place, incident.occurred_start) == (
        "Kalbajar clash",
        "near Kalbajar",
        datetime(2022, 10, 1, 22, 15, tzinfo=UTC),
    )
    assert incident.conflict == demo.conflict
