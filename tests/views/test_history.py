import re

import pghistory
import pytest
from django.urls import reverse

from tracker.enums import Aspect, Verdict
from tracker.models import Citation, Claim, PendingRevision, Statement
from tracker.models.history import event_model
from tracker.services.claims import claim_set_verdict, claim_update
from tracker.services.revisions import revision_approve

pytestmark = pytest.mark.django_db


def _rows(body: str) -> list[str]:
    return re.findall(r'<li class="version card version-(\w+)"', body)


def test_history_shows_who_changed_what_field_by_field(role_client, demo):
    client, user = role_client("Viewer")
    claim = demo.claims[("Azerbaijan", Aspect.INITIATOR)]
    with pghistory.context(user=user.pk):
        claim_set_verdict(claim=claim, verdict=Verdict.CONTESTED, note="Both blame the other.")
    body = client.get(reverse("tracker:history", args=["claim", claim.pk])).content.decode()
    assert _rows(body) == ["update", "insert"]
    assert '<strong class="who-changed">viewer-client</strong>' in body
    update = body[: body.index("version-insert")]
    assert '<td class="old" dir="auto"><del>Unverified</del></td>' in update
    assert '<td class="new" dir="auto"><ins>Contested</ins></td>' in update
    assert '<td class="new" dir="auto"><ins>Both blame the other.</ins></td>' in update
    assert 'data-field="text"' not in update  # unchanged fields are not listed
    assert "automatic (no signed-in user)" in body  # the demo loader had no user
    assert f'href="/incidents/{demo.incident.pk}/#claim-{claim.pk}"' in body


def test_history_of_a_long_text_is_a_word_diff(role_client, demo):
    client, _ = role_client("Viewer")
    statement = demo.statements["Armenia"]
    text = statement.text.replace("One Armenian soldier", "Two Armenian soldiers")
    Statement.objects.filter(pk=statement.pk).update(text=text)
    body = client.get(reverse("tracker:history", args=["statement", statement.pk])).content.decode()
    diff = re.search(r'<td colspan="2" class="word-diff" dir="auto">(.*?)</td>', body, re.S)
    assert diff
    assert "<del>One</del><ins>Two</ins>" in diff.group(1)
    assert "<del>soldier</del><ins>soldiers</ins>" in diff.group(1)
    assert '<span class="gap muted">…</span>' in diff.group(1)


def test_history_names_related_objects(role_client, demo):
    client, _ = role_client("Viewer")
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    held = claim_update(
        claim=claim, expected_version=None, accused_side=None, text="Someone fired."
    )
    revision_approve(revision=held, user=None)  # the incident is published
    body = client.get(reverse("tracker:history", args=["claim", claim.pk])).content.decode()
    assert (
        '<td class="old" dir="auto"><del>Azerbaijan (Armenia–Azerbaijan border conflict)</del></td>'
        in body
    )


def test_history_of_unknown_model_is_404(role_client, demo):
    client, _ = role_client("Editor")
    assert client.get("/history/party/1/").status_code == 404
    assert client.get("/history/claim/999999/").status_code == 404


def test_history_of_deleted_object_offers_restore_to_editors(role_client, demo):
    claim = demo.claims[("Armenia", Aspect.RETALIATION)]
    pk = claim.pk
    claim.delete()
    client, _ = role_client("Editor")
    body = client.get(reverse("tracker:history", args=["claim", pk])).content.decode()
    assert _rows(body) == ["delete", "insert"]
    assert "Armenian retaliation silenced the fire." in body
    assert f'action="/history/claim/{pk}/restore/"' in body


def test_deleted_list_shows_deletions_with_their_cascade(role_client, demo):
    client, user = role_client("Editor")
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    pk = claim.pk
    with pghistory.context(user=user.pk):
        claim.delete()
    body = client.get(reverse("tracker:history-deleted")).content.decode()
    assert f'<tr data-kind="claim" data-id="{pk}">' in body
    row = body[body.index(f'data-kind="claim" data-id="{pk}"') :]
    row = row[: row.index("</tr>")]
    # Its citation and its counterclaim went with it.
    assert "(with 2 other rows)" in row
    assert "editor-client" in row
    assert "Azerbaijani units fired first, violating the cease-fire." in row


def test_deleted_list_is_empty_when_nothing_deleted(role_client, demo):
    client, _ = role_client("Editor")
    body = client.get(reverse("tracker:history-deleted")).content.decode()
    assert '<p class="empty">Nothing has been deleted.</p>' in body


def test_deleted_list_pages(role_client, demo):
    for index in range(55):
        Claim.objects.create(statement=demo.statements["Armenia"], aspect="other", text=f"c{index}")
    Claim.objects.filter(text__startswith="c").delete()
    client, _ = role_client("Editor")
    first = client.get(reverse("tracker:history-deleted")).content.decode()
    second = client.get(reverse("tracker:history-deleted"), {"page": 2}).content.decode()
    assert first.count('<tr data-kind="claim"') == 50
    assert second.count('<tr data-kind="claim"') == 5
    assert "Page 2 of 2" in second


def test_restore_by_editor_brings_the_claim_back(role_client, demo):
    client, _ = role_client("Editor")
    claim = demo.claims[("Armenia", Aspect.INITIATOR)]
    pk, citations = claim.pk, set(claim.citations.values_list("pk", flat=True))
    claim.delete()
    response = client.post(reverse("tracker:history-restore", args=["claim", pk]), follow=True)
    assert (
        Claim.objects.get(pk=pk).text == "Azerbaijani units fired first, violating the cease-fire."
    )
    assert set(Citation.objects.filter(claim_id=pk).values_list("pk", flat=True)) == citations
    body = response.content.decode()
    assert "Restored claim “Who started it: Azerbaijani units fired first" in body
    assert f'data-kind="claim" data-id="{pk}"' not in body
    assert event_model(Claim).objects.filter(pgh_obj_id=pk).last().pgh_label == "insert"
    # Back into a published incident: an addition like any other, held until approved.
    assert Claim.objects.get(pk=pk).held
    assert PendingRevision.objects.filter(target="claim", target_id=pk, action="add").exists()


def test_restore_of_live_object_shows_error(role_client, demo):
    client, _ = role_client("Editor")
    pk = demo.claims[("Armenia", Aspect.TIMING)].pk
    response = client.post(reverse("tracker:history-restore", args=["claim", pk]), follow=True)
    assert f"claim {pk} is not deleted." in response.content.decode()


@pytest.mark.django_db(transaction=True)  # two deletions, two transactions, two timestamps
def test_restore_of_citation_whose_claim_was_deleted_later_explains(role_client, demo):
    client, _ = role_client("Editor")
    claim = demo.claims[("Azerbaijan", Aspect.MEANS)]
    citation = claim.citations.get()
    citation_pk = citation.pk
    citation.delete()
    claim.delete()
    response = client.post(
        reverse("tracker:history-restore", args=["citation", citation_pk]), follow=True
    )
    assert "belongs to something that was deleted separately: restore that first." in (
        response.content.decode()
    )
    assert not Citation.objects.filter(pk=citation_pk).exists()


@pytest.mark.parametrize("role", ["Journalist", "Viewer"])
def test_deleted_list_and_restore_refused_to_non_editors(role_client, demo, role):
    claim = demo.claims[("Armenia", Aspect.LOCATION)]
    pk = claim.pk
    claim.delete()
    client, _ = role_client(role)
    assert client.get(reverse("tracker:history-deleted")).status_code == 403
    response = client.post(reverse("tracker:history-restore", args=["claim", pk]))
    assert response.status_code == 403
    assert not Claim.objects.filter(pk=pk).exists()
    body = client.get(reverse("tracker:history", args=["claim", pk])).content.decode()
    assert "/restore/" not in body


def test_restore_refuses_get(role_client, demo):
    client, _ = role_client("Editor")
    assert client.get("/history/claim/1/restore/").status_code == 405
