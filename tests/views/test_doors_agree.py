"""One rule behind every door: editors decide counterclaims (grid, API and inbox alike), viewers
read the published set with no State filter, and a merge carries comments and the assignee
(an unmerge takes them back)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as make
from tracker.enums import Aspect, EditorialState, ProposalKind, ProposalState
from tracker.models import Assignment, Comment, Counterclaim, Incident
from tracker.services.collab import comment_create, incident_assign
from tracker.services.enrichment import source_enrich
from tracker.services.publishing import incident_publish, incident_submit_for_review

pytestmark = pytest.mark.django_db
INITIATOR = {"aspect": Aspect.INITIATOR}


@pytest.fixture
def proposed(belligerents) -> Counterclaim:
    """A proposed contradiction in a draft incident (a decision applies at once)."""
    north, south = belligerents.parties
    incident = make.incident(belligerents.conflict, "Clash at the pass")
    _, (first,) = make.said(
        incident,
        north,
        "South fired.",
        make.utc(2022, 9, 13),
        {"aspect": Aspect.INITIATOR, "text": "South."},
    )
    _, (second,) = make.said(
        incident,
        south,
        "North fired.",
        make.utc(2022, 9, 13),
        {"aspect": Aspect.INITIATOR, "text": "North."},
    )
    return make.counterclaim(first, second)


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(user)
    return client


def _decide_on_the_grid(client, pair: Counterclaim):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("tracker:counterclaim-decide", args=[pair.pk]),
        {"decision": "confirmed", "relation": "contradicts"},
    )


def test_a_journalist_decides_a_counterclaim_through_no_door(client, journalist, proposed):
    api = _api(journalist).post(reverse("api:counterclaim-confirm", args=[proposed.pk]))
    assert api.status_code == 403
    client.force_login(journalist)
    assert _decide_on_the_grid(client, proposed).status_code == 403
    proposed.refresh_from_db()
    assert proposed.state == ProposalState.PROPOSED


def test_an_editor_decides_through_both_doors(client, editor, proposed):
    api = _api(editor).post(reverse("api:counterclaim-dismiss", args=[proposed.pk]))
    assert api.status_code == 200
    assert api.json()["state"] == ProposalState.DISMISSED
    client.force_login(editor)
    assert _decide_on_the_grid(client, proposed).status_code == 302
    proposed.refresh_from_db()
    assert (proposed.state, proposed.decided_by) == (ProposalState.CONFIRMED, editor)


def test_a_journalist_accepting_an_inbox_pair_proposes_it_to_the_editors(
    client, journalist, seed_source
):
    run = source_enrich(source=seed_source)
    proposal = next(
        p for p in run.proposals.filter(kind=ProposalKind.COUNTERCLAIM) if p.other_id is not None
    )
    client.force_login(journalist)
    client.post(reverse("tracker:proposal-decide", args=[proposal.pk, "accept"]))
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CONFIRMED  # the proposal was taken up …
    assert proposal.counterclaim.state == ProposalState.PROPOSED  # … the pair awaits an editor


@pytest.fixture
def two_states(belligerents, editor):  # type: ignore[no-untyped-def]
    draft = make.incident(belligerents.conflict, "Draft shelling near Sotk")
    published = make.incident(belligerents.conflict, "Published clash near Jermuk")
    incident_submit_for_review(incident=published, user=editor)
    incident_publish(incident=published, user=editor)
    return draft, published


def test_a_viewer_reads_the_published_set_with_no_state_filter(role_client, two_states):
    draft, published = two_states
    client, _ = role_client("Viewer")
    page = client.get(reverse("tracker:incident-list")).content.decode()
    assert 'name="state"' not in page
    assert published.title in page
    assert draft.title not in page
    # The parameter from an address is ignored, not obeyed.
    asked = client.get(reverse("tracker:incident-list"), {"state": EditorialState.DRAFT})
    assert asked.status_code == 200
    assert published.title in asked.content.decode()
    assert draft.title not in asked.content.decode()
    clusters = client.get(reverse("tracker:incident-clusters"), {"zoom": 3, "state": "draft"})
    assert clusters.status_code == 200


def test_a_viewer_opens_no_draft_by_its_address(role_client, two_states, belligerents):
    """The list and the addresses agree: what a viewer cannot list, they cannot open either."""
    draft, published = two_states
    statement, _ = make.said(draft, belligerents.parties[0], "Fire.", make.utc(2022, 9, 13))
    client, _ = role_client("Viewer")
    for hidden in (
        reverse("tracker:incident-detail", args=[draft.pk]),
        reverse("tracker:incident-activity", args=[draft.pk]),
        reverse("tracker:history", args=["incident", draft.pk]),
        reverse("tracker:history", args=["statement", statement.pk]),
    ):
        assert client.get(hidden).status_code == 404, hidden
    for shown in (
        reverse("tracker:incident-detail", args=[published.pk]),
        reverse("tracker:incident-activity", args=[published.pk]),
        reverse("tracker:history", args=["incident", published.pk]),
    ):
        assert client.get(shown).status_code == 200, shown
    journalist, _ = role_client("Journalist")
    assert journalist.get(reverse("tracker:incident-detail", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("group", ["Journalist", "Editor"])
def test_the_newsroom_filters_by_state(role_client, two_states, group):
    draft, published = two_states
    client, _ = role_client(group)
    page = client.get(reverse("tracker:incident-list")).content.decode()
    assert 'name="state"' in page
    assert published.title in page
    assert draft.title in page
    drafts = client.get(reverse("tracker:incident-list"), {"state": EditorialState.DRAFT})
    assert draft.title in drafts.content.decode()
    assert published.title not in drafts.content.decode()


def _merge(client, duplicate: Incident, target: Incident):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("tracker:incident-merge", args=[duplicate.pk]),
        {"target": target.pk, "confirm": "yes"},
    )


def test_a_merge_carries_comments_and_the_assignee_and_an_unmerge_takes_them_back(
    client, belligerents, editor, journalist
):
    duplicate = make.incident(belligerents.conflict, "Shelling reported overnight")
    target = make.incident(belligerents.conflict, "Clashes on the eastern border")
    note = comment_create(incident=duplicate, text="Two reports say so.", user=journalist)
    comment_create(incident=target, text="Checking the map.", user=editor)
    incident_assign(incident=duplicate, assignee=journalist, user=editor)
    client.force_login(editor)

    assert _merge(client, duplicate, target).status_code == 302
    carried = Comment.objects.get(pk=note.pk)
    assert (carried.incident_id, carried.merged_from_id) == (target.pk, duplicate.pk)
    assert (carried.author, carried.created_at) == (journalist, note.created_at)
    assert Assignment.objects.get(incident=target).assignee == journalist  # it had nobody
    assert not Assignment.objects.filter(incident=duplicate).exists()
    page = client.get(target.get_absolute_url()).content.decode()
    assert "Two reports say so." in page
    assert f"from incident #{duplicate.pk}, merged here" in page

    client.post(reverse("tracker:incident-unmerge", args=[duplicate.pk]))
    back = Comment.objects.get(pk=note.pk)
    assert (back.incident_id, back.merged_from_id) == (duplicate.pk, None)
    assert Comment.objects.filter(incident=target).count() == 1
    assert Assignment.objects.get(incident=duplicate).assignee == journalist
    assert not Assignment.objects.filter(incident=target).exists()


def test_a_merge_keeps_the_targets_assignee(client, belligerents, editor, journalist):
    duplicate = make.incident(belligerents.conflict, "Shelling reported overnight")
    target = make.incident(belligerents.conflict, "Clashes on the eastern border")
    incident_assign(incident=duplicate, assignee=journalist, user=editor)
    incident_assign(incident=target, assignee=editor, user=editor)
    client.force_login(editor)
    _merge(client, duplicate, target)
    assert Assignment.objects.get(incident=target).assignee == editor
    client.post(reverse("tracker:incident-unmerge", args=[duplicate.pk]))
    assert Assignment.objects.get(incident=target).assignee == editor
    assert Assignment.objects.get(incident=duplicate).assignee == journalist
