"""The editorial workflow through the pages: edits, held revisions, publishing, merging."""

import json

import pytest
from django.urls import reverse

from tracker.enums import Aspect, EditorialState, IncidentType, RevisionAction, RevisionState
from tracker.models import Claim, Incident, PendingRevision
from tracker.services.incidents import incident_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, editor):  # type: ignore[no-untyped-def]
    """Here the root conftest's editor, logged in: the test client they use."""
    client.force_login(editor)
    return client


def _claim_form(claim: Claim, **changes) -> dict:
    data = {
        "aspect": claim.aspect,
        "text": claim.text,
        "place": claim.place,
        "killed_min": "",
        "killed_max": "",
        "wounded_min": claim.wounded_min or "",
        "wounded_max": claim.wounded_max or "",
        "time_start": "",
        "time_end": "",
        "time_precision": claim.time_precision,
        "latitude": "",
        "longitude": "",
        "accused_side": "",
        "casualty_side": claim.casualty_side_id or "",
        "version": claim.version,
    }
    data.update(changes)
    return {key: ("" if value is None else value) for key, value in data.items()}


def test_edit_to_published_claim_is_held_until_approved(editor, client, demo):
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    response = editor.post(
        reverse("tracker:claim-edit", args=[claim.pk]),
        _claim_form(
            claim, text="Two Armenian soldiers were wounded.", wounded_min=2, wounded_max=2
        ),
    )
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "One Armenian soldier was wounded."
    revision = PendingRevision.objects.get()
    assert revision.changes == {
        "text": "Two Armenian soldiers were wounded.",
        "wounded_min": 2,
        "wounded_max": 2,
    }
    public = client.get(reverse("tracker:public-incident", args=[demo.incident.pk])).content
    assert b"One Armenian soldier was wounded." in public

    editor.post(reverse("tracker:revision-decide", args=[revision.pk]), {"decision": "approve"})

    approved = Claim.objects.get(pk=claim.pk)
    assert (approved.text, approved.wounded_min, approved.version) == (
        "Two Armenian soldiers were wounded.",
        2,
        claim.version + 1,
    )
    assert PendingRevision.objects.get().state == RevisionState.APPROVED


def test_revision_made_against_an_old_version_is_refused_on_approval(editor, demo):
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    editor.post(reverse("tracker:claim-edit", args=[claim.pk]), _claim_form(claim, text="A"))
    editor.post(reverse("tracker:claim-edit", args=[claim.pk]), _claim_form(claim, text="B"))
    first, second = PendingRevision.objects.order_by("id")
    editor.post(reverse("tracker:revision-decide", args=[second.pk]), {"decision": "approve"})
    response = editor.post(
        reverse("tracker:revision-decide", args=[first.pk]), {"decision": "approve"}, follow=True
    )
    assert Claim.objects.get(pk=claim.pk).text == "B"
    assert "changed by someone else" in response.content.decode()
    assert PendingRevision.objects.get(pk=first.pk).state == RevisionState.PENDING


def test_invalid_edit_shows_errors_in_place_and_changes_nothing(editor, demo):
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    response = editor.post(
        reverse("tracker:claim-edit", args=[claim.pk]),
        _claim_form(claim, wounded_min=5, wounded_max=2),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only successful responses
    assert "The minimum wounded figure is larger than the maximum." in html
    assert '<form method="post"' in html
    assert "<html" not in html
    assert not PendingRevision.objects.exists()


def test_stale_form_on_a_draft_is_refused(editor, demo):
    draft = incident_create(
        conflict=demo.conflict,
        title="Draft",
        incident_type=IncidentType.SHELLING,
        occurred_start=demo.incident.occurred_start,
    )
    url = reverse("tracker:incident-edit", args=[draft.pk])
    form = {
        "title": "First",
        "incident_type": IncidentType.SHELLING,
        "occurred_start": "2022-09-22T20:00",
        "time_precision": "day",
        "version": 1,
    }
    editor.post(url, form)
    response = editor.post(url, {**form, "title": "Second"})
    assert response.status_code == 422
    assert "changed by someone else" in response.content.decode()
    assert Incident.objects.get(pk=draft.pk).title == "First"


def test_retract_needs_a_note_and_then_shows_it(editor, client, demo):
    url = reverse("tracker:incident-retract", args=[demo.incident.pk])
    response = editor.post(url, {"note": "  ", "version": demo.incident.version})
    assert response.status_code == 422
    assert Incident.objects.get(pk=demo.incident.pk).state == EditorialState.PUBLISHED
    editor.post(url, {"note": "Sourcing did not hold up.", "version": demo.incident.version})
    assert Incident.objects.get(pk=demo.incident.pk).state == EditorialState.RETRACTED
    public = client.get(reverse("tracker:public-incident", args=[demo.incident.pk]))
    assert public.status_code == 410
    assert "Sourcing did not hold up." in public.content.decode()


def test_merge_moves_statements_and_undo_brings_them_back(editor, demo):
    duplicate = incident_create(
        conflict=demo.conflict,
        title="Duplicate report",
        incident_type=IncidentType.CEASEFIRE_VIOLATION,
        occurred_start=demo.incident.occurred_start,
    )
    moved = demo.statements["Armenia"]
    moved.incident = duplicate
    moved.save()
    url = reverse("tracker:incident-merge", args=[duplicate.pk])
    preview = editor.post(url, {"target": demo.incident.pk}).content.decode()
    assert "moves 1 statement(s), 5 claim(s) and 6 citation(s)" in preview
    assert "waits for an editor's approval" in preview
    assert demo.incident.statements.count() == 1  # nothing moves on a preview

    editor.post(url, {"target": demo.incident.pk, "confirm": "yes"})
    assert demo.incident.statements.count() == 1  # the target is published: held
    revision = PendingRevision.objects.get(action=RevisionAction.MERGE)
    editor.post(reverse("tracker:revision-decide", args=[revision.pk]), {"decision": "approve"})
    assert demo.incident.statements.count() == 2
    assert editor.get(duplicate.get_absolute_url())["Location"] == demo.incident.get_absolute_url()

    editor.post(reverse("tracker:incident-unmerge", args=[duplicate.pk]))

    assert Incident.objects.get(pk=duplicate.pk).merged_into is None
    assert list(duplicate.statements.values_list("pk", flat=True)) == [moved.pk]


def test_public_page_needs_no_login_and_carries_claimreview(client, editor, demo):
    claim = demo.claims[("Azerbaijan", Aspect.INITIATOR)]
    editor.post(
        reverse("tracker:claim-verdict", args=[claim.pk]),
        {"verdict": "contested", "note": "Both blame the other.", "version": claim.version},
    )
    html = client.get(reverse("tracker:public-incident", args=[demo.incident.pk])).content.decode()
    start = html.index('<script type="application/ld+json"')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert [review["claimReviewed"] for review in data] == ["Armenian forces opened fire first."]
    assert data[0]["itemReviewed"]["author"]["name"] == "Ministry of Defence of Azerbaijan"
    assert 'data-side="Armenia"' in html


def test_draft_is_not_public(client, demo):
    draft = incident_create(
        conflict=demo.conflict,
        title="Draft",
        incident_type=IncidentType.SHELLING,
        occurred_start=demo.incident.occurred_start,
    )
    assert client.get(reverse("tracker:public-incident", args=[draft.pk])).status_code == 404
