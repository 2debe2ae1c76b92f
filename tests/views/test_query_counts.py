"""The incident page costs the same number of queries whatever the incident holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tracker.enums import Aspect
from tracker.models import Claim
from tracker.services.claims import claim_create, claim_update
from tracker.services.collab import comment_create, incident_assign

pytestmark = pytest.mark.django_db

# The session, the user, the incident (with its conflict, assignee and the incidents merged into
# it), the user's permissions, the grid (sides, statements, claims, citations, counterclaims),
# the sources (the grid's too), the pending revisions (their rows taken from the grid), the
# editorial log, the comments, the unread count and the colleagues to assign or mention.
PAGE_QUERIES = 15


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_incident_page_query_count_does_not_grow_with_claims(client, demo, editor, journalist):
    client.force_login(editor)
    url = demo.incident.get_absolute_url()
    excerpts = ["Baku", "Yerevan", "Armenia", "ministry", "border"]
    # The incident is published: additions and edits wait for approval, and the page lists
    # them beside the rows they change, which the grid read already.
    first = claim_create(statement=demo.statements["Armenia"], aspect=Aspect.OTHER, text="First")
    factories.citation(demo.source, first, "Baku")
    comment_create(incident=demo.incident, claim=first, text="@journalist look", user=editor)
    incident_assign(incident=demo.incident, assignee=journalist, user=editor)
    _queries(client, url)  # warm the session and permission caches alike
    small = _queries(client, url)
    for index in range(100):
        for side in ("Armenia", "Azerbaijan"):
            claim = claim_create(
                statement=demo.statements[side], aspect=Aspect.OTHER, text=f"Claim {index}"
            )
            for excerpt in excerpts[: index % 5 + 1]:
                factories.citation(demo.source, claim, excerpt)
    published = Claim.objects.filter(statement__incident=demo.incident, held=False).first()
    claim_update(claim=published, expected_version=published.version, user=editor, text="New")
    comment_create(incident=demo.incident, text="Second", user=journalist)
    large = _queries(client, url)
    assert large == small
    assert large <= PAGE_QUERIES
