import pytest
from django.urls import reverse

from tracker.enums import ProposalKind, ProposalState
from tracker.models import Proposal
from tracker.services.enrichment import source_enrich
from tracker.services.sources import source_create

pytestmark = pytest.mark.django_db


def test_inbox_lists_the_source_with_highlighted_claims(client, journalist, seed_source):
    source_enrich(source=seed_source)
    client.force_login(journalist)
    body = client.get(reverse("tracker:inbox")).content.decode()
    assert "Cease-fire falters as clashes break out" in body
    mark = '<mark class="aspect-location" title="Where">'
    assert f"{mark}eastern area of the Armenian-Azerbaijani border</mark>" in body
    assert "Same incident as" in body
    assert "contradicts" in body


def test_viewer_cannot_decide(client, viewer, seed_source):
    run = source_enrich(source=seed_source)
    client.force_login(viewer)
    proposal = run.proposals.filter(kind=ProposalKind.STATEMENT).first()
    response = client.post(reverse("tracker:proposal-decide", args=[proposal.pk, "accept"]))
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.PROPOSED


def test_viewer_cannot_open_the_inbox(client, viewer):
    """The inbox is a journalist's work list: a viewer is refused by address, not only unlinked."""
    client.force_login(viewer)
    response = client.get(reverse("tracker:inbox"))
    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_htmx_dismiss_answers_with_the_updated_card(client, journalist, seed_source):
    run = source_enrich(source=seed_source)
    proposal = run.proposals.filter(kind=ProposalKind.COUNTERCLAIM).first()
    client.force_login(journalist)
    response = client.post(
        reverse("tracker:proposal-decide", args=[proposal.pk, "dismiss"]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="source-{seed_source.pk}"' in response.content.decode()
    assert "Dismissed by journalist" in response.content.decode()


def test_correcting_a_dismissed_proposal_shows_the_error_in_place(client, journalist, seed_source):
    run = source_enrich(source=seed_source)
    proposal = run.proposals.filter(kind=ProposalKind.COUNTERCLAIM).first()
    client.force_login(journalist)
    url = reverse("tracker:proposal-decide", args=[proposal.pk, "dismiss"])
    client.post(url, HTTP_HX_REQUEST="true")
    again = client.post(
        reverse("tracker:proposal-decide", args=[proposal.pk, "correct"]),
        {"relation": "qualifies"},
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 422
    assert "This proposal was already dismissed." in again.content.decode()


def test_inbox_shows_new_party_proposals_and_damage_claims(client, journalist, demo):
    source = source_create(
        url="https://example.org/karabakh-report",
        title="Shelling near the line of contact",
        text=(
            "Azerbaijan's Defence Ministry said Armenian forces fired on its positions.\n\n"
            "The Armenian health ministry said the shelling destroyed two houses and a bridge "
            "in the village."
        ),
        language="en",
    )
    source_enrich(source=source)
    client.force_login(journalist)
    body = client.get(reverse("tracker:inbox")).content.decode()
    new = '<span class="badge new-party">New party</span> <strong>Armenian health ministry</strong>'
    assert new in body
    assert "damage: destroyed, houses, bridge (2) (Armenia)" in body
