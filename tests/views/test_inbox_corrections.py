"""Correcting enrichment's proposals in the inbox over HTTP: the passage, the aspect and the
values, not only the text; bulk dismiss for one reason; labels in words; and what accepting into
a published incident does (an addition held for an editor's approval)."""

import pytest
from django.urls import reverse

from tracker.enums import Aspect, ProposalKind, ProposalState, RevisionAction, RevisionState
from tracker.models import Claim, PendingRevision, Proposal, Statement
from tracker.services.enrichment import source_enrich

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(seed_source):
    return source_enrich(source=seed_source)


def _claim(run) -> Proposal:
    return run.proposals.filter(kind=ProposalKind.CLAIM).order_by("position").first()


def _correct(client, proposal: Proposal, data: dict, htmx: bool = True):
    url = reverse("tracker:proposal-decide", args=[proposal.pk, "correct"])
    return client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))


def test_correct_a_claims_aspect_values_and_passage(client, journalist, run):
    proposal = _claim(run)
    text = proposal.source.text
    start, end = proposal.start_offset, proposal.start_offset + 12
    client.force_login(journalist)
    response = _correct(
        client,
        proposal,
        {
            "aspect": Aspect.CASUALTIES,
            "text": "Two to three soldiers killed.",
            "start_offset": start,
            "end_offset": end,
            "killed_min": "2",
            "killed_max": "3",
            "casualty_side": "Armenia",
            "accused_side": "Azerbaijan",  # not a value of casualties: left out
        },
    )
    assert response.status_code == 200
    decided = Proposal.objects.get(pk=proposal.pk)
    assert decided.state == ProposalState.CONFIRMED
    claim = Claim.objects.select_related("casualty_side").get(pk=decided.claim_id)
    assert claim.aspect == Aspect.CASUALTIES
    assert claim.text == "Two to three soldiers killed."
    assert (claim.killed_min, claim.killed_max) == (2, 3)
    assert claim.casualty_side.name == "Armenia"
    assert claim.accused_side_id is None
    citation = claim.citations.get()
    assert (citation.start_offset, citation.excerpt) == (start, text[start:end])


def test_correct_a_statements_passage(client, journalist, run):
    proposal = run.proposals.filter(kind=ProposalKind.STATEMENT).order_by("position").first()
    start, end = proposal.start_offset + 1, proposal.end_offset - 1
    client.force_login(journalist)
    _correct(client, proposal, {"start_offset": start, "end_offset": end})
    decided = Proposal.objects.get(pk=proposal.pk)
    assert (decided.start_offset, decided.end_offset) == (start, end)
    statement = Statement.objects.get(pk=decided.statement_id)
    assert statement.citations.get().start_offset == start


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"killed_min": "5", "killed_max": "2"}, "Killed, at most: The most killed cannot be"),
        ({"aspect": "bogus"}, "Select a valid choice. bogus is not one of the available"),
        ({"killed_min": "-1"}, "Killed, at least: Ensure this value is greater than or equal"),
        ({"killed_min": "many"}, "Killed, at least: Enter a whole number."),
        ({"time_start": "yesterday"}, "From (local time, Asia/Yerevan): Enter a valid date/time."),
        (
            {"time_start": "2022-09-13T10:00", "time_end": "2022-09-13T09:00"},
            "To (local time, Asia/Yerevan): The end cannot come before the start.",
        ),
        ({"start_offset": "0", "end_offset": "999999"}, "The passage must start before it ends"),
        ({"start_offset": "40", "end_offset": "10"}, "The passage must start before it ends"),
        ({"casualty_side": "Atlantis"}, "Whose casualties: Select a valid choice."),
    ],
)
def test_a_bad_correction_is_refused_in_words_and_nothing_is_made(
    client, journalist, run, data, message
):
    proposal = _claim(run)
    claims, statements = Claim.objects.count(), Statement.objects.count()
    client.force_login(journalist)
    response = _correct(client, proposal, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED
    assert Claim.objects.count() == claims
    assert Statement.objects.count() == statements  # not even the claim's statement


def test_a_bad_correction_without_htmx_comes_back_as_a_message(client, journalist, run):
    proposal = _claim(run)
    client.force_login(journalist)
    response = _correct(client, proposal, {"killed_min": "many"}, htmx=False)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Killed, at least: Enter a whole number." in page


def test_accepting_into_a_published_incident_holds_an_addition(client, journalist, run, demo):
    proposal = _claim(run)
    client.force_login(journalist)
    client.post(reverse("tracker:proposal-decide", args=[proposal.pk, "accept"]))
    claim = Claim.objects.get(pk=Proposal.objects.get(pk=proposal.pk).claim_id)
    assert claim.statement.incident_id == demo.incident.pk  # the published demo incident
    assert claim.held
    assert PendingRevision.objects.filter(
        incident=demo.incident,
        action=RevisionAction.ADD,
        state=RevisionState.PENDING,
        target_id=claim.pk,
    ).exists()
    public = client.get(reverse("tracker:public-incident", args=[demo.incident.pk]))
    assert claim.text not in public.content.decode()


def test_bulk_dismiss_for_one_reason(client, journalist, run):
    counterclaims = list(run.proposals.filter(kind=ProposalKind.COUNTERCLAIM)[:2])
    statement = run.proposals.filter(kind=ProposalKind.STATEMENT).order_by("position").first()
    chosen = [*counterclaims, statement]
    client.force_login(journalist)
    response = client.post(
        reverse("tracker:proposals-dismiss"),
        {"proposal": [p.pk for p in chosen], "reason": "Duplicate of the morning report"},
    )
    assert response.status_code == 302
    for proposal in [*chosen, *Proposal.objects.filter(parent=statement)]:
        proposal.refresh_from_db()
        assert proposal.state == ProposalState.DISMISSED
        assert proposal.dismissal_reason == "Duplicate of the morning report"
    page = client.get(response["Location"]).content.decode()
    assert "Dismissed" in page
    assert "Duplicate of the morning report" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Say why these proposals are dismissed."),
        ({"reason": "   "}, "Say why these proposals are dismissed."),
        ({"proposal": [], "reason": "Noise"}, "Select at least one proposal to dismiss."),
        ({"proposal": ["abc"], "reason": "Noise"}, "abc is not a proposal number."),
        ({"proposal": ["999999"], "reason": "Noise"}, "No proposal #999999."),
        ({"decided": True, "reason": "Noise"}, "was already dismissed."),
    ],
)
def test_bulk_dismiss_refuses_bad_input_in_words_and_dismisses_nothing(
    client, journalist, run, data, message
):
    open_one, decided = run.proposals.filter(kind=ProposalKind.COUNTERCLAIM)[:2]
    client.force_login(journalist)
    if data.pop("decided", False):
        client.post(reverse("tracker:proposal-decide", args=[decided.pk, "dismiss"]))
        data["proposal"] = [open_one.pk, decided.pk]
    data.setdefault("proposal", [open_one.pk])
    response = client.post(reverse("tracker:proposals-dismiss"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Proposal.objects.get(pk=open_one.pk).state == ProposalState.PROPOSED


@pytest.mark.parametrize("group", ["Viewer"])
def test_viewers_cannot_bulk_dismiss(role_client, run, group):
    client, _ = role_client(group)
    proposal = run.proposals.filter(kind=ProposalKind.COUNTERCLAIM).first()
    response = client.post(
        reverse("tracker:proposals-dismiss"), {"proposal": [proposal.pk], "reason": "Noise"}
    )
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED


def test_labels_are_words_not_enum_values(client, journalist, run):
    client.force_login(journalist)
    body = client.get(reverse("tracker:inbox")).content.decode()
    for raw in ("initiator", "casualties", "contradicts", "location", "timing"):
        assert f">{raw}<" not in body
        assert f'title="{raw}"' not in body
    assert '<span class="badge aspect aspect-initiator">Who started it</span>' in body
    assert '<strong class="relation">Contradicts</strong>' in body
