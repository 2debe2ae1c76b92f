import re

import pytest
from django.urls import reverse

from tracker.enums import Aspect
from tracker.services.claims import claim_create

pytestmark = pytest.mark.django_db


def test_uncited_list_empty_state_when_every_claim_is_cited(role_client, demo):
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:claims-uncited")).content.decode()
    assert '<p class="empty">Every claim has a citation.</p>' in body


def test_uncited_list_groups_claims_by_incident_with_sources_to_cite_from(
    role_client, demo, uncited_claim, make_incident
):
    incident, statement = make_incident("Shelling near Tavush")
    other = claim_create(statement=statement, aspect=Aspect.MEANS, text="Mortars were used.")
    client, _ = role_client("Viewer")
    body = client.get(reverse("tracker:claims-uncited")).content.decode()
    groups = re.findall(r'<section class="card uncited-group" data-incident="(\d+)"', body)
    assert groups == [str(incident.pk), str(demo.incident.pk)]  # newest incident first
    demo_group = body[body.index(f'data-incident="{demo.incident.pk}"') :]
    assert f'href="/incidents/{demo.incident.pk}/#claim-{uncited_claim.pk}"' in demo_group
    assert f'href="/sources/{demo.source.pk}/?claim={uncited_claim.pk}"' in demo_group
    assert "1 uncited claim" in demo_group
    tavush = body[: body.index(f'data-incident="{demo.incident.pk}"')]
    assert f'data-claim="{other.pk}"' in tavush
    assert "No source is cited in this incident yet." in tavush
    # Cited claims are not listed.
    assert f'data-claim="{demo.claims[("Armenia", Aspect.TIMING)].pk}"' not in body


def test_uncited_list_pages_by_incident(role_client, demo, make_incident):
    for day in range(1, 23):
        _, statement = make_incident(f"Incident {day}", day=day)
        claim_create(statement=statement, aspect=Aspect.OTHER, text=f"Claim {day}")
    client, _ = role_client("Viewer")
    first = client.get(reverse("tracker:claims-uncited")).content.decode()
    second = client.get(reverse("tracker:claims-uncited"), {"page": 2}).content.decode()
    assert first.count('class="card uncited-group"') == 20
    assert second.count('class="card uncited-group"') == 2
    assert "Incident 22" in first
    assert "Incident 1<" in second
    assert "Page 2 of 2" in second


def test_uncited_list_query_count_is_flat(
    role_client, demo, make_incident, django_assert_max_num_queries
):
    for day in range(1, 15):
        _, statement = make_incident(f"Incident {day}", day=day)
        for aspect in (Aspect.OTHER, Aspect.MEANS, Aspect.DAMAGE):
            claim_create(statement=statement, aspect=aspect, text=f"{aspect} {day}")
    client, _ = role_client("Viewer")
    with django_assert_max_num_queries(10):
        client.get(reverse("tracker:claims-uncited"))


def test_uncited_list_needs_login(client, demo):
    response = client.get(reverse("tracker:claims-uncited"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/claims/uncited/"
