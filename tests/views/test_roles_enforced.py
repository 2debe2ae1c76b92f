"""Every editorial action refuses roles that may not do it, on the server, and changes nothing."""

import pytest
from django.urls import reverse

from tracker.enums import Aspect, EditorialState, Verdict
from tracker.models import Claim, Counterclaim, Incident, PendingRevision

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(role_client):  # type: ignore[no-untyped-def]
    def log_in(group: str):  # type: ignore[no-untyped-def]
        client, _ = role_client(group)
        return client

    return log_in


def _actions(demo):
    claim = demo.claims[("Armenia", Aspect.TIMING)]
    incident = demo.incident
    return {
        "publish": (reverse("tracker:incident-publish", args=[incident.pk]), {"version": "1"}),
        "retract": (
            reverse("tracker:incident-retract", args=[incident.pk]),
            {"note": "why", "version": str(incident.version)},
        ),
        "merge": (reverse("tracker:incident-merge", args=[incident.pk]), {"target": "1"}),
        "unmerge": (reverse("tracker:incident-unmerge", args=[incident.pk]), {}),
        "verdict": (
            reverse("tracker:claim-verdict", args=[claim.pk]),
            {"verdict": Verdict.FALSE, "note": "", "version": str(claim.version)},
        ),
        "edit_incident": (reverse("tracker:incident-edit", args=[incident.pk]), {"title": "x"}),
        "edit_claim": (reverse("tracker:claim-edit", args=[claim.pk]), {"text": "x"}),
        "edit_statement": (
            reverse("tracker:statement-edit", args=[demo.statements["Armenia"].pk]),
            {"text": "x"},
        ),
        "propose_counterclaim": (
            reverse("tracker:claim-counterclaim", args=[claim.pk]),
            {"other": demo.claims[("Azerbaijan", Aspect.TIMING)].pk, "reason": "x"},
        ),
        "decide_counterclaim": (
            reverse("tracker:counterclaim-decide", args=[Counterclaim.objects.first().pk]),
            {"decision": "dismissed", "relation": "contradicts"},
        ),
    }


@pytest.mark.parametrize(
    "action",
    [
        "publish",
        "retract",
        "merge",
        "unmerge",
        "verdict",
        "edit_incident",
        "edit_claim",
        "edit_statement",
        "propose_counterclaim",
        "decide_counterclaim",
    ],
)
def test_viewer_refused_every_action(as_role, demo, action):
    client = as_role("Viewer")
    url, data = _actions(demo)[action]
    response = client.post(url, data)
    assert response.status_code == 403
    incident = Incident.objects.get(pk=demo.incident.pk)
    assert incident.state == EditorialState.PUBLISHED
    assert incident.version == demo.incident.version
    assert not PendingRevision.objects.exists()
    assert set(Claim.objects.values_list("verdict", flat=True)) == {Verdict.UNVERIFIED}


@pytest.mark.parametrize(
    "action",
    ["publish", "retract", "merge", "unmerge", "verdict", "edit_incident", "decide_counterclaim"],
)
def test_journalist_refused_editor_actions(as_role, demo, action):
    client = as_role("Journalist")
    url, data = _actions(demo)[action]
    assert client.post(url, data).status_code == 403
    assert Incident.objects.get(pk=demo.incident.pk).state == EditorialState.PUBLISHED


def test_journalist_sees_no_publish_or_merge_buttons(as_role, demo):
    html = as_role("Journalist").get(demo.incident.get_absolute_url()).content.decode()
    assert "Edit statement" in html
    assert ">Retract<" not in html
    assert "Merge into another" not in html
    assert 'href="/claims/' in html  # claim edit links are there


def test_anonymous_post_goes_to_login_and_changes_nothing(client, demo):
    url, data = _actions(demo)["retract"]
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Incident.objects.get(pk=demo.incident.pk).state == EditorialState.PUBLISHED
