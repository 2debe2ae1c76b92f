"""The publish gate through every door: nothing reaches a published incident's public page, the
public API, the feeds or the exports until an editor approves it, and then it does."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from tests.plugins.enrich_data import SEED, SEED_PUBLISHED
from tracker.enums import (
    Aspect,
    EditorialState,
    IncidentType,
    ProposalKind,
    ProposalState,
    RevisionAction,
    RevisionState,
    TokenScope,
)
from tracker.models import (
    Claim,
    Counterclaim,
    Incident,
    PendingRevision,
    Proposal,
    Statement,
)
from tracker.services.api_tokens import api_token_create
from tracker.services.enrichment import source_enrich
from tracker.services.incidents import incident_create
from tracker.services.sources import source_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Throttle counters live in Redis, which outlives a test's transaction."""
    cache.clear()
    yield
    cache.clear()


def _cite_as_new_claim(client, demo, claim_text: str) -> str:  # type: ignore[no-untyped-def]
    """Through the source page, cites the demo report's opening as a new claim CLAIM_TEXT of
    Armenia's statement; returns the excerpt cited."""
    excerpt = "Armenia and Azerbaijan have traded fresh accusations"
    client.post(
        reverse("tracker:source-detail", args=[demo.source.pk]),
        {
            "excerpt": excerpt,
            "start_offset": demo.source.text.index(excerpt),
            "target": "new_claim",
            "statement": demo.statements["Armenia"].pk,
            "aspect": Aspect.OTHER,
            "claim_text": claim_text,
        },
    )
    return excerpt


def public_outputs(incident: Incident) -> dict[str, str]:
    """Everything a reader or an API consumer gets about INCIDENT, fetched anonymously. The
    change stamps (Atom <updated>, the API's changed_at) are left out: they belong to sync."""
    reader = APIClient()
    page = reader.get(reverse("tracker:public-incident", args=[incident.pk]))
    assert page.status_code == 200
    api = reader.get(reverse("api:incident-detail", args=[incident.pk])).json()
    api.pop("changed_at", None)
    atom = reader.get(reverse("feeds:incidents-atom")).content.decode()
    csvs = {
        name: b"".join(reader.get(reverse(f"feeds:{name}")).streaming_content).decode()
        for name in ("incidents-csv", "claims-csv", "citations-csv")
    }
    csvs["incidents-csv"] = re.sub(r"\d{4}-\d\d-\d\dT[^,]*", "", csvs["incidents-csv"])
    claims = reader.get(reverse("api:claim-list")).json()
    statements = reader.get(reverse("api:statement-list")).json()
    return {
        "page": re.sub(r'"X-CSRFToken": "\w+"', "", page.content.decode()),
        "api": repr(api),
        "atom": re.sub(r"<updated>[^<]*</updated>", "", atom),
        "claims": repr(claims),
        "statements": repr(statements),
        **csvs,
    }


def _updated(incident: Incident):
    """What the public page's "Last updated" shows."""
    return Incident.objects.values_list("updated_at", flat=True).get(pk=incident.pk)


def _approve_all(client, editor, incident: Incident) -> None:
    client.force_login(editor)
    response = client.post(reverse("tracker:revisions-approve-all", args=[incident.pk]))
    assert response.status_code == 302
    assert not incident.revisions.filter(state=RevisionState.PENDING).exists()


def test_inbox_accept_on_published_incident_waits_for_an_editor(client, demo, journalist, editor):
    source = source_create(
        url="https://example.org/seed-report",
        title="Cease-fire falters as clashes break out",
        text=SEED.read_text(encoding="utf-8"),
        published_at=SEED_PUBLISHED,
        language="en",
    )
    run = source_enrich(source=source)
    incident_proposal = run.proposals.get(kind=ProposalKind.INCIDENT)
    assert incident_proposal.incident_id == demo.incident.pk
    before, updated = public_outputs(demo.incident), _updated(demo.incident)
    client.force_login(journalist)
    for proposal in run.proposals.filter(kind=ProposalKind.COUNTERCLAIM):
        client.post(reverse("tracker:proposal-decide", args=[proposal.pk, "accept"]))

    accepted = Proposal.objects.filter(run=run, state=ProposalState.CONFIRMED)
    new_claims = Claim.objects.filter(pk__in=accepted.values("claim_id"))
    assert new_claims.exists()
    assert all(claim.held for claim in new_claims)
    assert Counterclaim.objects.filter(held=True).exists()
    assert public_outputs(demo.incident) == before
    assert _updated(demo.incident) == updated
    newsroom = client.get(demo.incident.get_absolute_url()).content.decode()
    assert "awaiting approval: not public yet" in newsroom

    _approve_all(client, editor, demo.incident)

    after = public_outputs(demo.incident)
    assert _updated(demo.incident) > updated
    for claim in new_claims:
        assert claim.text in after["page"]
        assert claim.text in after["api"]
        assert claim.text in after["claims-csv"]
    assert after["atom"] != before["atom"]


def test_source_page_new_claim_on_published_incident_waits_for_an_editor(
    client, demo, journalist, editor
):
    before, updated = public_outputs(demo.incident), _updated(demo.incident)
    client.force_login(journalist)
    excerpt = _cite_as_new_claim(client, demo, "Both sides traded accusations.")
    claim = Claim.objects.get(text="Both sides traded accusations.")
    assert claim.held
    assert claim.citations.get().held
    assert public_outputs(demo.incident) == before
    assert _updated(demo.incident) == updated

    _approve_all(client, editor, demo.incident)

    after = public_outputs(demo.incident)
    assert "Both sides traded accusations." in after["page"]
    assert excerpt in after["citations-csv"]
    assert _updated(demo.incident) > updated


def test_rejected_addition_is_gone_and_public_unchanged(client, demo, journalist, editor):
    client.force_login(journalist)
    _cite_as_new_claim(client, demo, "Refused claim.")
    before = public_outputs(demo.incident)
    claim_revision = PendingRevision.objects.get(target=PendingRevision.Target.CLAIM)
    client.force_login(editor)
    client.post(reverse("tracker:revision-decide", args=[claim_revision.pk]), {"decision": "no"})
    assert not Claim.objects.filter(text="Refused claim.").exists()
    # The citation went with its claim, and its own revision was closed with it.
    states = dict(PendingRevision.objects.values_list("target", "state"))
    assert states == {"claim": RevisionState.REJECTED, "citation": RevisionState.WITHDRAWN}
    assert public_outputs(demo.incident) == before


def test_edit_form_on_published_incident_waits_for_an_editor(client, demo, editor):
    before, updated = public_outputs(demo.incident), _updated(demo.incident)
    client.force_login(editor)
    incident = demo.incident
    response = client.post(
        reverse("tracker:incident-edit", args=[incident.pk]),
        {
            "title": "A corrected title",
            "incident_type": incident.incident_type,
            "occurred_start": incident.occurred_start.strftime("%Y-%m-%dT%H:%M"),
            "occurred_end": incident.occurred_end.strftime("%Y-%m-%dT%H:%M"),
            "time_precision": incident.time_precision,
            "local_timezone": incident.local_timezone,
            "place": incident.place,
            "latitude": incident.latitude or "",
            "longitude": incident.longitude or "",
            "summary": incident.summary,
            "version": incident.version,
        },
    )
    assert response.status_code == 302
    assert public_outputs(demo.incident) == before
    assert _updated(demo.incident) == updated

    _approve_all(client, editor, demo.incident)

    after = public_outputs(demo.incident)
    assert "A corrected title" in after["page"]
    assert "A corrected title" in after["atom"]
    assert _updated(demo.incident) > updated


def test_api_write_on_published_incident_is_202_and_held(client, demo, editor):
    _, token = api_token_create(user=editor, name="desk", scope=TokenScope.WRITE, created_by=editor)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    before = public_outputs(demo.incident)
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    response = api.patch(
        reverse("api:claim-detail", args=[claim.pk]),
        {"version": claim.version, "text": "Two soldiers were wounded."},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["action"] == RevisionAction.EDIT
    response = api.patch(
        reverse("api:incident-detail", args=[demo.incident.pk]),
        {"version": demo.incident.version, "title": "Retitled through the API"},
        format="json",
    )
    assert response.status_code == 202
    assert public_outputs(demo.incident) == before

    _approve_all(client, editor, demo.incident)

    after = public_outputs(demo.incident)
    assert "Two soldiers were wounded." in after["api"]
    assert "Retitled through the API" in after["page"]


def test_admin_deletion_on_published_incident_waits_for_an_editor(client, demo, editor, admin):
    operator = admin
    claim = demo.claims[("Armenia", Aspect.CASUALTIES)]
    before = public_outputs(demo.incident)
    client.force_login(operator)
    response = client.post(reverse("admin:tracker_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert public_outputs(demo.incident) == before
    revision = PendingRevision.objects.get()
    assert (revision.action, revision.target_id) == (RevisionAction.DELETE, claim.pk)

    _approve_all(client, editor, demo.incident)

    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert f'data-claim="{claim.pk}"' in before["page"]
    assert f'data-claim="{claim.pk}"' not in public_outputs(demo.incident)["page"]


def test_admin_cannot_set_editorial_state(client, demo, admin):
    operator = admin
    client.force_login(operator)
    draft = incident_create(
        conflict=demo.conflict,
        title="Draft",
        incident_type=IncidentType.SHELLING,
        occurred_start=demo.incident.occurred_start,
    )
    url = reverse("admin:tracker_incident_change", args=[draft.pk])
    form = client.get(url).content.decode()
    assert 'name="state"' not in form
    client.post(
        url,
        {
            "conflict": demo.conflict.pk,
            "title": "Draft",
            "incident_type": IncidentType.SHELLING,
            "occurred_start_0": "2022-09-22",
            "occurred_start_1": "20:00:00",
            "time_precision": "day",
            "state": EditorialState.PUBLISHED,
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
        },
    )
    assert Incident.objects.get(pk=draft.pk).state == EditorialState.DRAFT
    # The workflow's action does it, with its log entry.
    client.post(
        reverse("admin:tracker_incident_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert Incident.objects.get(pk=draft.pk).state == EditorialState.PUBLISHED
    assert draft.pk in Incident.objects.published().values_list("pk", flat=True)


def test_proposed_counterclaims_never_public(demo):
    proposed = Counterclaim.objects.filter(state=ProposalState.PROPOSED)
    assert proposed.exists()
    outputs = public_outputs(demo.incident)
    api_pairs = re.findall(r"'id': (\d+), 'claim_a'", outputs["api"])
    assert {int(pk) for pk in api_pairs} == set(
        Counterclaim.objects.filter(state=ProposalState.CONFIRMED).values_list("pk", flat=True)
    )
    for pair in proposed:
        assert pair.reason not in outputs["page"]
        assert pair.reason not in outputs["api"]


def test_publish_asks_for_confirmation_listing_what_is_unresolved(client, demo, editor):
    draft = incident_create(
        conflict=demo.conflict,
        title="Draft",
        incident_type=IncidentType.SHELLING,
        occurred_start=demo.incident.occurred_start,
    )
    statement = demo.statements["Armenia"]
    Statement.objects.filter(pk=statement.pk).update(incident=draft)
    client.force_login(editor)
    url = reverse("tracker:incident-publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert 'data-unresolved="silent-side"' in page
    assert "No statement from Azerbaijan" in page
    uncited = Claim.objects.create(statement=statement, aspect=Aspect.OTHER, text="Uncited one")
    page = client.get(url).content.decode()
    assert 'Claim without a citation: <span dir="auto">Uncited one</span>' in page

    client.post(url, {"version": draft.version})  # not confirmed
    assert Incident.objects.get(pk=draft.pk).state == EditorialState.DRAFT
    client.post(url, {"version": draft.version, "confirm": "yes"})
    assert Incident.objects.get(pk=draft.pk).state == EditorialState.PUBLISHED
    assert uncited.text in public_outputs(draft)["page"]


def test_journalist_deletion_in_the_app_waits_for_an_editor(client, demo, journalist, editor):
    statement = demo.statements["Azerbaijan"]
    before, updated = public_outputs(demo.incident), _updated(demo.incident)
    client.force_login(journalist)
    url = reverse("tracker:statement-delete", args=[statement.pk])
    assert "Delete this statement?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "deletion held for an editor&#x27;s approval" in response.content.decode()
    assert public_outputs(demo.incident) == before
    assert _updated(demo.incident) == updated
    client.post(url)  # asking twice holds one deletion
    assert PendingRevision.objects.filter(action=RevisionAction.DELETE).count() == 1

    _approve_all(client, editor, demo.incident)

    assert not Statement.objects.filter(pk=statement.pk).exists()
    after = public_outputs(demo.incident)
    assert statement.text not in after["page"]
    assert statement.text not in after["api"]
    assert _updated(demo.incident) > updated
