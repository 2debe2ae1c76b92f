"""Incremental sync: which incidents changed since a consumer's last pass, and tombstones for
those that left the published set (deleted, retracted, unpublished, merged, or no longer
matching the filters).

Reads tracker.models.IncidentChange, which PostgreSQL triggers keep current. Each stamp holds
the id of the transaction that wrote it; the watermark is the xmin of a snapshot taken before
the page query. Why that loses nothing is argued in docs/api.md ("Why it loses nothing")."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet
from rest_framework.exceptions import ValidationError

from tracker.enums import EditorialState
from tracker.models import Incident, IncidentChange
from tracker.selectors.incidents import incidents_in_full
from tracker.text.normalise import utc_iso

# "<when it was read, ISO 8601 in Z form>~<snapshot xmin>": URL-safe as it is, and the time
# tells a person how fresh a copy is. Consumers treat it as opaque.
_WATERMARK = re.compile(r"(?P<at>[0-9T:.+-]+Z)~(?P<xmin>[0-9]{1,19})")
BIGINT_MAX = 2**63 - 1  # the stamp column's type


@dataclass(frozen=True)
class Watermark:
    """A point in the database's commit order: every transaction with an id below XMIN had
    finished when the snapshot was taken, and every later one has an id of at least XMIN."""

    xmin: int
    at: datetime

    def __str__(self) -> str:
        return f"{utc_iso(self.at)}~{self.xmin}"


def parse_since(raw: str) -> Watermark | datetime:
    """`updated_since` as sent: a watermark from X-Sync-Watermark (the guarantee), or a plain
    ISO 8601 time (changes stamped at or after it; for people, see docs/api.md)."""
    text = raw.strip()
    match = _WATERMARK.fullmatch(text)
    try:
        if match is not None:
            if int(match["xmin"]) > BIGINT_MAX:
                raise ValueError("not a transaction id")
            return Watermark(int(match["xmin"]), datetime.fromisoformat(match["at"]))
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError("no time zone")
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(
            "Give the X-Sync-Watermark header of an earlier page, or an ISO 8601 time with its "
            "time zone (2024-05-01T12:00:00Z)."
        ) from exc


def sync_watermark() -> tuple[Watermark, int]:
    """The current snapshot's xmin as a watermark, and its xmax (the next transaction id).

    No monitoring privilege is needed: pg_current_snapshot() is open to every role, unlike
    other sessions' rows in pg_stat_activity."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint, now()"
            " FROM pg_current_snapshot() s"
        )
        xmin, xmax, at = cursor.fetchone()
    return Watermark(xmin, at), xmax


def check_since(since: Watermark | datetime | None, *, next_xid: int) -> None:
    """A watermark ahead of every transaction this database has started was not made here
    (a restore into a new cluster, another server): resuming from it would skip changes."""
    if isinstance(since, Watermark) and since.xmin > next_xid:
        raise ValidationError(
            {
                "updated_since": "This watermark is not from this database (it is ahead of "
                "every change here). Start over with a full pass, without updated_since."
            }
        )


def published_last_modified() -> datetime | None:
    """When the published set last changed in any way (for Last-Modified on lists)."""
    return IncidentChange.objects.filter(was_published=True).aggregate(last=Max("changed_at"))[
        "last"
    ]


def changed_since(
    stamps: QuerySet[IncidentChange], since: Watermark | datetime, prefix: str = ""
) -> QuerySet:
    """STAMPS (or rows reached through PREFIX) changed by a transaction not visible to the
    watermark's snapshot, or stamped at or after a plain time."""
    if isinstance(since, Watermark):
        return stamps.filter(**{f"{prefix}xid__gte": since.xmin})
    return stamps.filter(**{f"{prefix}changed_at__gte": since})


def change_stamps(
    *, matching: QuerySet[Incident], updated_since: Watermark | datetime | None
) -> QuerySet[IncidentChange]:
    """Without UPDATED_SINCE: the stamps of the MATCHING incidents (the current set). With it:
    every incident ever published that changed since, matching or not, because one that
    stopped matching must reach the consumer as a tombstone."""
    if updated_since is None:
        return IncidentChange.objects.filter(incident__in=matching.values("id"))
    return changed_since(IncidentChange.objects.filter(was_published=True), updated_since)


def incidents_or_tombstones(
    stamps: list[dict[str, Any]], *, matching: QuerySet[Incident], with_tombstones: bool
) -> list[dict[str, Any]]:
    """The page of STAMPS as full incidents where they match, else as tombstones."""
    ids = [stamp["incident_id"] for stamp in stamps]
    live = (
        set(matching.filter(id__in=ids).values_list("id", flat=True))
        if with_tombstones
        else set(ids)
    )
    full = {row["id"]: row for row in incidents_in_full(i for i in ids if i in live)}
    dead = {
        row["id"]: row
        for row in Incident.objects.filter(id__in=[i for i in ids if i not in full]).values(
            "id", "state", "merged_into_id"
        )
    }
    return [
        full[stamp["incident_id"]]
        if stamp["incident_id"] in full
        else tombstone(stamp["incident_id"], stamp["changed_at"], dead.get(stamp["incident_id"]))
        for stamp in stamps
        if stamp["incident_id"] in full or with_tombstones
    ]


def tombstone(
    incident_id: int, changed_at: datetime, row: Mapping[str, object] | None
) -> dict[str, Any]:
    """What a consumer needs to drop its copy: the id, why, and where a merged one went."""
    if row is None:
        reason = "deleted"
    elif row["merged_into_id"] is not None:
        reason = "merged"
    elif row["state"] == EditorialState.RETRACTED:
        reason = "retracted"
    elif row["state"] != EditorialState.PUBLISHED:
        reason = "unpublished"
    else:
        reason = "not_matching"
    return {
        "id": incident_id,
        "deleted": True,
        "reason": reason,
        "merged_into": row["merged_into_id"] if row else None,
        "changed_at": changed_at,
    }
