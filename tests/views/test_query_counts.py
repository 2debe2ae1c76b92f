"""The incident page costs the same number of queries whatever the incident holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tracker.enums import Aspect
from tracker.services.claims import claim_create

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_incident_page_query_count_does_not_grow_with_claims(client, demo, editor):
    client.force_login(editor)
    url = demo.incident.get_absolute_url()
    excerpts = ["Baku", "Yerevan", "Armenia", "ministry", "border"]
    # The incident is published: additions wait for approval, and the page lists them with one
    # query per kind of row (claims, citations) whatever their number.
    first = claim_create(statement=demo.statements["Armenia"], aspect=Aspect.OTHER, text="First")
    factories.citation(demo.source, first, "Baku")
    _queries(client, url)  # warm the session and permission caches alike
    small = _queries(client, url)
    for index in range(40):
        for side in ("Armenia", "Azerbaijan"):
            claim = claim_create(
                statement=demo.statements[side], aspect=Aspect.OTHER, text=f"Claim {index}"
            )
            for excerpt in excerpts[: index % 5 + 1]:
                factories.citation(demo.source, claim, excerpt)
    large = _queries(client, url)
    assert large == small
    # 17, and the working-together parts: the unread count, the tabs' comment count and
    # assignee, the comments, the assignee and the colleagues to mention.
    assert large <= 23
