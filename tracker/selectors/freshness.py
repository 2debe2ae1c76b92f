"""Cache validators for the public outputs: a fingerprint of everything a published incident (or
the published set) shows, read in one query without rendering anything, so that a CDN, a reverse
proxy or a browser revalidating gets its 304 for the price of an index lookup.

Both read the change stamps PostgreSQL's triggers keep (tracker.models.IncidentChange): any
insert, update or delete of an incident, its statements, claims, citations, counterclaims or a
cited source rewrites its incident's stamp, and so does publishing, retracting, merging or
approving a pending revision, since each of those writes rows. Conflict and party names, shown
beside the incident, come from their own `updated_at`."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import connection


@dataclass(frozen=True)
class Freshness:
    """`tag` changes whenever the output would; `last_modified` is when it last did."""

    tag: str
    last_modified: datetime | None


def _fingerprint(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


# Plain SQL: this runs on every revalidation of a page that may be going viral, and building
# the same query through the ORM costs several times what PostgreSQL takes to answer it.
INCIDENT_SQL = """
SELECT i.state, i.merged_into_id, c.changed_at, k.updated_at,
       (SELECT max(p.updated_at) FROM tracker_statement s
          JOIN tracker_party p ON p.id = s.party_id
         WHERE s.incident_id = i.id)
  FROM tracker_incident i
  JOIN tracker_conflict k ON k.id = i.conflict_id
  LEFT JOIN tracker_incidentchange c ON c.incident_id = i.id
 WHERE i.id = %s
"""


def incident_freshness(pk: int) -> Freshness | None:
    """The validator of incident PK's public page; None when there is no such incident."""
    with connection.cursor() as cursor:
        cursor.execute(INCIDENT_SQL, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    stamps = [stamp for stamp in row[2:] if stamp is not None]
    return Freshness(tag=_fingerprint(pk, *row), last_modified=max(stamps) if stamps else None)


# The sum of every stamp catches a change whose stamp is older than the newest one (a stamp
# carries its transaction's start time, so a long transaction can commit one after a younger
# transaction's): max(changed_at) alone would then stay the same and answer a stale 304.
PUBLISHED_SET_SQL = """
SELECT count(*), max(c.changed_at), sum(extract(epoch FROM c.changed_at)),
       (SELECT max(updated_at) FROM tracker_conflict),
       (SELECT max(updated_at) FROM tracker_party)
  FROM tracker_incidentchange c
 WHERE c.was_published
"""


def published_set_freshness() -> Freshness:
    """The validator of every output listing published incidents (feeds, exports): it changes
    when any incident that was ever public changes, leaves the set or joins it."""
    with connection.cursor() as cursor:
        cursor.execute(PUBLISHED_SET_SQL)
        row = cursor.fetchone()
    stamps = [stamp for stamp in (row[1], row[3], row[4]) if stamp is not None]
    return Freshness(tag=_fingerprint(*row), last_modified=max(stamps) if stamps else None)
