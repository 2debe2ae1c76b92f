"""The incident page costs the same number of queries whatever the incident holds."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.enums import Aspect
from tracker.services.claims import claim_create
from tracker.services.sources import citation_create

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_incident_page_query_count_does_not_grow_with_claims(client, demo, django_user_model):
    user = django_user_model.objects.create_user("ed")
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    url = demo.incident.get_absolute_url()
    excerpts = ["Baku", "Yerevan", "Armenia", "ministry", "border"]
    # The incident is published: additions wait for approval, and the page lists them with one
    # query per kind of row (claims, citations) whatever their number.
    first = claim_create(statement=demo.statements["Armenia"], aspect=Aspect.OTHER, text="First")
    citation_create(source=demo.source, claim=first, excerpt="Baku")
    _queries(client, url)  # warm the session and permission caches alike
    small = _queries(client, url)
    for index in range(40):
        for side in ("Armenia", "Azerbaijan"):
            claim = claim_create(
                statement=demo.statements[side], aspect=Aspect.OTHER, text=f"Claim {index}"
            )
            for excerpt in excerpts[: index % 5 + 1]:
                citation_create(source=demo.source, claim=claim, excerpt=excerpt)
    large = _queries(client, url)
    assert large == small
    assert large <= 17
